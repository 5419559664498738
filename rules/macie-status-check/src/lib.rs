//! # macie-status-check
//!
//! Checks that Amazon Macie is enabled in the region, the first step towards discovering and
//! classifying sensitive data in S3.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), for the region the rule runs in. Macie is
//!   regional: deploy the rule in every region that holds buckets.
//! - **Reads**: `macie2:GetMacieSession`. Where Macie was never enabled (or was disabled) Macie
//!   answers `AccessDeniedException` "Macie is not enabled", or has no session
//!   (`ResourceNotFoundException`); both mean "not enabled". Any other AccessDenied is a missing
//!   permission and an error.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `macie-status-check`.
//! - **CIS v5.0.0**: 2.1.3, partly: it says nothing about discovery jobs; see
//!   `macie-sensitive-data-discovery-configured`.
//!
//! ## Scenarios
//! 1. COMPLIANT when Macie is enabled in the region.
//! 2. NON_COMPLIANT when Macie is suspended (`PAUSED`) in the region.
//! 3. NON_COMPLIANT when Macie is not enabled in the region.
//! 4. `gather` tells "Macie is not enabled" from AccessDenied: a missing permission is an error
//!    naming `macie2:GetMacieSession`, and an unknown or missing status is an error, never a verdict.

use shared::macie::{self, Macie};
use shared::prelude::*;

pub struct MacieStatusCheck;

impl PeriodicRule for MacieStatusCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "macie-status-check",
        description: "Checks that Amazon Macie is enabled for the account in the region.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["macie2:GetMacieSession"],
        cis: &["2.1.3"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Macie;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Macie, RuleError> {
        macie::session(aws).await
    }

    fn evaluate(&self, macie: &Macie, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let region = &scope.region;
        let account = &scope.account_id;
        let evaluation = match macie {
            Macie::Enabled => Evaluation::compliant(ACCOUNT, account, format!("Amazon Macie is enabled in {region}.")),
            Macie::Paused => Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "Amazon Macie is suspended in {region}, so it neither monitors S3 nor runs discovery jobs. Re-enable it (aws macie2 update-macie-session --status ENABLED --region {region})."
                ),
            ),
            Macie::NotEnabled => Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "Amazon Macie is not enabled in {region}. Enable Macie (aws macie2 enable-macie --region {region}) and set up sensitive data discovery for your S3 buckets."
                ),
            ),
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_macie2::operation::get_macie_session::{GetMacieSessionError, GetMacieSessionOutput};
    use aws_sdk_macie2::types::MacieStatus;
    use aws_sdk_macie2::types::error::{AccessDeniedException, ResourceNotFoundException};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_compliant_when_enabled() {
        let e = only(periodic(&MacieStatusCheck, "scheduled", &Macie::Enabled).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &["enabled in us-east-1"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_suspended() {
        let e = only(periodic(&MacieStatusCheck, "scheduled", &Macie::Paused).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["suspended in us-east-1", "--status ENABLED"]);
    }

    #[test]
    fn scenario_3_non_compliant_when_not_enabled() {
        let e = only(periodic(&MacieStatusCheck, "scheduled", &Macie::NotEnabled).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["not enabled in us-east-1", "enable-macie"]);
    }

    fn meta(code: &str, message: &str) -> aws_sdk_macie2::error::ErrorMetadata {
        aws_sdk_macie2::error::ErrorMetadata::builder().code(code).message(message).build()
    }

    fn access_denied(message: &str) -> GetMacieSessionError {
        GetMacieSessionError::AccessDeniedException(
            AccessDeniedException::builder().message(message).meta(meta("AccessDeniedException", message)).build(),
        )
    }

    async fn gather_with(rule: aws_smithy_mocks::Rule) -> Result<Macie, RuleError> {
        let client = shared::mock_client!(aws_sdk_macie2, RuleMode::MatchAny, &[&rule]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(client);
        let scope = shared::testing::scope(aws_sdk_macie2::primitives::DateTime::from_secs(1_795_168_800));
        MacieStatusCheck.gather(&aws, &NoParams, &scope).await
    }

    #[tokio::test]
    async fn scenario_4_gather_tells_not_enabled_from_access_denied() {
        for (status, expected) in [(MacieStatus::Enabled, Macie::Enabled), (MacieStatus::Paused, Macie::Paused)] {
            let session = mock!(aws_sdk_macie2::Client::get_macie_session)
                .then_output(move || GetMacieSessionOutput::builder().status(status.clone()).build());
            assert_eq!(gather_with(session).await.unwrap(), expected);
        }

        let off =
            mock!(aws_sdk_macie2::Client::get_macie_session).then_error(|| access_denied("Macie is not enabled."));
        assert_eq!(gather_with(off).await.unwrap(), Macie::NotEnabled);

        let no_session = mock!(aws_sdk_macie2::Client::get_macie_session).then_error(|| {
            let message = "The request failed because the specified resource doesn't exist.";
            GetMacieSessionError::ResourceNotFoundException(
                ResourceNotFoundException::builder()
                    .message(message)
                    .meta(meta("ResourceNotFoundException", message))
                    .build(),
            )
        });
        assert_eq!(gather_with(no_session).await.unwrap(), Macie::NotEnabled);

        let denied = mock!(aws_sdk_macie2::Client::get_macie_session).then_error(|| {
            access_denied(
                "User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: macie2:GetMacieSession",
            )
        });
        let error = gather_with(denied).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("macie2:GetMacieSession"), "{error}");

        let unknown = mock!(aws_sdk_macie2::Client::get_macie_session)
            .then_output(|| GetMacieSessionOutput::builder().status(MacieStatus::from("DISABLED")).build());
        assert_eq!(gather_with(unknown).await.unwrap_err().error_type(), "InvalidData");
        let missing =
            mock!(aws_sdk_macie2::Client::get_macie_session).then_output(|| GetMacieSessionOutput::builder().build());
        assert_eq!(gather_with(missing).await.unwrap_err().error_type(), "InvalidData");
    }
}
