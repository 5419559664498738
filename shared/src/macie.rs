//! Amazon Macie's state in the account and region, which CIS 2.1.3 and the sensitive-data
//! discovery rule both start from.

use aws_sdk_macie2::operation::get_macie_session::GetMacieSessionError;
use aws_sdk_macie2::types::MacieStatus;

use crate::aws::Aws;
use crate::error::{AwsResultExt, RuleError};

/// Macie's state for the account in the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Macie {
    Enabled,
    /// Suspended: it neither monitors S3 nor runs discovery.
    Paused,
    NotEnabled,
}

/// Reads Macie's state (`macie2:GetMacieSession`). Macie answers "not enabled" with
/// AccessDenied "Macie is not enabled" (or, in some implementations, ResourceNotFound); any other
/// AccessDenied is a missing permission and an error, never a verdict.
pub async fn session(aws: &Aws) -> Result<Macie, RuleError> {
    let macie = aws.client(aws_sdk_macie2::Client::new);
    match macie.get_macie_session().send().await {
        Ok(output) => match output.status() {
            Some(MacieStatus::Enabled) => Ok(Macie::Enabled),
            Some(MacieStatus::Paused) => Ok(Macie::Paused),
            other => Err(RuleError::InvalidData(format!(
                "macie2:GetMacieSession returned the unknown status {:?}",
                other.map(MacieStatus::as_str)
            ))),
        },
        Err(e) if e.as_service_error().is_some_and(not_enabled) => Ok(Macie::NotEnabled),
        Err(e) => Err(e).context("macie2:GetMacieSession"),
    }
}

fn not_enabled(e: &GetMacieSessionError) -> bool {
    match e {
        GetMacieSessionError::AccessDeniedException(e) => {
            e.message().is_some_and(|m| m.to_ascii_lowercase().contains("macie is not enabled"))
        }
        GetMacieSessionError::ResourceNotFoundException(_) => true,
        _ => false,
    }
}
