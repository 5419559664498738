//! Why an invocation produced no (or only part of its) evaluations.
//!
//! Each error says what failed in words a security engineer can act on; its `error_type` in the
//! Lambda error response classifies it. An error never turns into a verdict: a rule that cannot
//! establish compliance reports nothing for that resource and fails loudly instead.

use std::fmt;

use aws_sdk_config::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use lambda_runtime::Diagnostic;

use crate::event::EventError;
use crate::params::ParamError;

#[derive(Debug)]
pub enum RuleError {
    /// The event is malformed.
    InvalidEvent(EventError),
    /// A rule parameter is invalid.
    InvalidParameter(ParamError),
    /// The rule's role may not call an action it needs.
    AccessDenied { action: String, message: String },
    /// Another error from an AWS API.
    Service { action: String, code: String, message: String },
    /// Data returned by AWS could not be understood (a report, a configuration item…).
    InvalidData(String),
    /// `PutEvaluations` did not accept every evaluation after retries.
    PutEvaluations(String),
    /// The cross-account role could not be used.
    AssumeRole(String),
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::InvalidEvent(e) => write!(f, "malformed event: {e}"),
            RuleError::InvalidParameter(e) => write!(f, "{e}"),
            RuleError::AccessDenied { action, message } => write!(
                f,
                "access denied: the rule's role is not allowed to call {action}; add {action} to the role's policy ({message})"
            ),
            RuleError::Service { action, code, message } => write!(f, "{action} failed: {code}: {message}"),
            RuleError::InvalidData(message) => write!(f, "unexpected data from AWS: {message}"),
            RuleError::PutEvaluations(message) => {
                write!(f, "config:PutEvaluations failed: {message}")
            }
            RuleError::AssumeRole(message) => write!(f, "cannot use the execution role: {message}"),
        }
    }
}

impl std::error::Error for RuleError {}

impl RuleError {
    /// The `errorType` of the Lambda error response.
    pub fn error_type(&self) -> &'static str {
        match self {
            RuleError::InvalidEvent(_) => "InvalidEvent",
            RuleError::InvalidParameter(_) => "InvalidParameterValueException",
            RuleError::AccessDenied { .. } => "AccessDenied",
            RuleError::Service { .. } => "ServiceError",
            RuleError::InvalidData(_) => "InvalidData",
            RuleError::PutEvaluations(_) => "PutEvaluationsFailed",
            RuleError::AssumeRole(_) => "AssumeRoleFailed",
        }
    }
}

impl From<EventError> for RuleError {
    fn from(e: EventError) -> Self {
        RuleError::InvalidEvent(e)
    }
}

impl From<ParamError> for RuleError {
    fn from(e: ParamError) -> Self {
        RuleError::InvalidParameter(e)
    }
}

impl From<RuleError> for Diagnostic {
    fn from(e: RuleError) -> Self {
        Diagnostic { error_type: e.error_type().to_owned(), error_message: e.to_string() }
    }
}

const ACCESS_DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
    "AuthorizationErrorException",
    "InsufficientPermissionsException",
];

/// The error code of an SDK error, when the service sent one.
pub fn error_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    err.code()
}

/// Turns an SDK error into a [`RuleError`] that names the IAM action that was called.
pub fn aws_error<E, R>(action: &str, err: SdkError<E, R>) -> RuleError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    match err.code() {
        Some(code) if ACCESS_DENIED_CODES.contains(&code) => {
            RuleError::AccessDenied { action: action.to_owned(), message: err.message().unwrap_or(code).to_owned() }
        }
        Some(code) => RuleError::Service {
            action: action.to_owned(),
            code: code.to_owned(),
            message: err.message().unwrap_or("no message").to_owned(),
        },
        None => RuleError::Service {
            action: action.to_owned(),
            code: "RequestFailed".to_owned(),
            message: DisplayErrorContext(&err).to_string(),
        },
    }
}

/// `.context("iam:GetAccountPasswordPolicy")` on an SDK result: errors name the action.
pub trait AwsResultExt<T> {
    fn context(self, action: &str) -> Result<T, RuleError>;
}

impl<T, E, R> AwsResultExt<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: fmt::Debug,
{
    fn context(self, action: &str) -> Result<T, RuleError> {
        self.map_err(|e| aws_error(action, e))
    }
}
