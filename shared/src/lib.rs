//! The evaluation crate every rule stands on.
//!
//! A rule crate declares its [`RuleSpec`], implements [`ChangeRule`] or [`PeriodicRule`] (a pure
//! decision, plus SDK reads for periodic rules), and hands itself to [`run_change`] or
//! [`run_periodic`]. Everything else lives here, once: parsing the Config event in all its
//! shapes, rule parameters, applicability, `PutEvaluations` (chunks, annotations, timestamps,
//! test mode, retries), the clean-up of stale results, oversized items, the periodic sweep of
//! hybrid rules, cross-account execution roles, logging, and errors that say what failed.

pub mod aws;
pub mod ci;
pub mod cloudtrail;
pub mod credential_report;
pub mod ec2;
pub mod error;
pub mod evaluation;
pub mod event;
pub mod filter_pattern;
pub mod iam;
pub mod kms;
pub mod macie;
pub mod monitoring;
pub mod params;
pub mod policy;
pub mod recorded;
pub mod report;
pub mod rule;
pub mod run;
pub mod spec;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time;

pub use aws::Aws;
pub use ci::ConfigurationItem;
pub use error::{AwsResultExt, RuleError};
pub use evaluation::{Compliance, Evaluation, Verdict};
pub use lambda_runtime::Error as LambdaError;
pub use params::{FromParams, NoParams, ParamError, ParamSpec, Parameters};
pub use rule::{ACCOUNT, ChangeRule, PeriodicRule, Scope};
pub use run::{run_change, run_periodic};
pub use spec::{Frequency, RuleSpec, Trigger};

/// What a rule crate needs, in one `use`.
pub mod prelude {
    pub use crate::{
        ACCOUNT, Aws, AwsResultExt, ChangeRule, Compliance, ConfigurationItem, Evaluation, Frequency, FromParams,
        NoParams, ParamError, ParamSpec, Parameters, PeriodicRule, RuleError, RuleSpec, Scope, Trigger, Verdict,
    };
}

#[cfg(test)]
mod fuzz_tests;
