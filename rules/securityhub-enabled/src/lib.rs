//! # securityhub-enabled
//!
//! Checks that AWS Security Hub is enabled for the account in the region, so findings from AWS
//! services and security checks are collected in one place.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`), for the region the rule runs in. Security Hub
//!   is regional: deploy the rule in every region you use.
//! - **Reads**: `securityhub:DescribeHub`. Security Hub answers `InvalidAccessException` ("… is not
//!   subscribed to AWS Security Hub") when it is not enabled; the same exception is documented for
//!   missing permissions, so only that message counts as "not enabled" and any other error is
//!   reported as an error.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `securityhub-enabled`. A hub enabled for the account by a
//!   delegated administrator or central configuration counts: `DescribeHub` answers for the account.
//! - **CIS v5.0.0**: 4.16. **Well-Architected**: SEC-4 (detection).
//!
//! ## Scenarios
//! 1. COMPLIANT when Security Hub is enabled in the region (the annotation says since when).
//! 2. NON_COMPLIANT when the account is not subscribed to Security Hub in the region.
//! 3. `gather` reads the hub and treats `InvalidAccessException` "not subscribed" as not enabled;
//!    AccessDenied, or an `InvalidAccessException` with another message, is an error naming
//!    `securityhub:DescribeHub`, never a verdict.

use aws_sdk_securityhub::operation::describe_hub::DescribeHubError;
use shared::prelude::*;

pub struct SecurityhubEnabled;

/// The account's hub in the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hub {
    pub arn: String,
    /// When the account subscribed (ISO 8601 text, as Security Hub returns it), if given.
    pub subscribed_at: Option<String>,
}

impl PeriodicRule for SecurityhubEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "securityhub-enabled",
        description: "Checks that AWS Security Hub is enabled for the account in the region.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["securityhub:DescribeHub"],
        cis: &["4.16"],
        well_architected: &["SEC-4"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    /// The hub, or `None` when the account is not subscribed to Security Hub here.
    type Facts = Option<Hub>;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Option<Hub>, RuleError> {
        let securityhub = aws.client(aws_sdk_securityhub::Client::new);
        match securityhub.describe_hub().send().await {
            Ok(output) => {
                let arn = output.hub_arn().filter(|a| !a.is_empty()).ok_or_else(|| {
                    RuleError::InvalidData("securityhub:DescribeHub succeeded but returned no HubArn".into())
                })?;
                Ok(Some(Hub { arn: arn.to_owned(), subscribed_at: output.subscribed_at().map(str::to_owned) }))
            }
            Err(e) if e.as_service_error().is_some_and(not_subscribed) => Ok(None),
            Err(e) => Err(e).context("securityhub:DescribeHub"),
        }
    }

    fn evaluate(&self, hub: &Option<Hub>, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let region = &scope.region;
        let evaluation = match hub {
            Some(hub) => {
                let since = hub.subscribed_at.as_deref().map(|t| format!(" since {t}")).unwrap_or_default();
                Evaluation::compliant(
                    ACCOUNT,
                    &scope.account_id,
                    format!("AWS Security Hub is enabled in {region}{since}."),
                )
            }
            None => Evaluation::non_compliant(
                ACCOUNT,
                &scope.account_id,
                format!(
                    "AWS Security Hub is not enabled in {region}. Enable it in this region (aws securityhub enable-security-hub --region {region}); it needs AWS Config recording."
                ),
            ),
        };
        vec![evaluation]
    }
}

/// `InvalidAccessException` saying the account is not subscribed: Security Hub is off here.
fn not_subscribed(e: &DescribeHubError) -> bool {
    match e {
        DescribeHubError::InvalidAccessException(e) => {
            e.message().is_some_and(|m| m.to_ascii_lowercase().contains("not subscribed"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
    use aws_sdk_securityhub::types::error::InvalidAccessException;
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    const ARN: &str = "arn:aws:securityhub:us-east-1:123456789012:hub/default";

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_compliant_when_enabled() {
        let hub = Some(Hub { arn: ARN.into(), subscribed_at: Some("2026-01-05T10:00:00.000Z".into()) });
        let e = only(periodic(&SecurityhubEnabled, "scheduled", &hub).unwrap());
        assert_evaluation(&e, Compliance::Compliant, &["enabled in us-east-1 since 2026-01-05T10:00:00.000Z"]);
    }

    #[test]
    fn scenario_2_non_compliant_when_not_subscribed() {
        let e = only(periodic(&SecurityhubEnabled, "scheduled", &None).unwrap());
        assert_evaluation(&e, Compliance::NonCompliant, &["not enabled in us-east-1", "enable-security-hub"]);
    }

    fn aws_with(securityhub: aws_sdk_securityhub::Client) -> Aws {
        Aws::new(shared::testing::test_sdk_config()).with_client(securityhub)
    }

    fn scope() -> Scope {
        shared::testing::scope(aws_sdk_securityhub::primitives::DateTime::from_secs(1_795_168_800))
    }

    async fn gather_with(rule: aws_smithy_mocks::Rule) -> Result<Option<Hub>, RuleError> {
        let securityhub = shared::mock_client!(aws_sdk_securityhub, RuleMode::MatchAny, &[&rule]);
        SecurityhubEnabled.gather(&aws_with(securityhub), &NoParams, &scope()).await
    }

    #[tokio::test]
    async fn scenario_3_gather_tells_not_subscribed_from_access_errors() {
        let enabled = mock!(aws_sdk_securityhub::Client::describe_hub).then_output(|| {
            DescribeHubOutput::builder().hub_arn(ARN).subscribed_at("2026-01-05T10:00:00.000Z").build()
        });
        assert_eq!(
            gather_with(enabled).await.unwrap(),
            Some(Hub { arn: ARN.into(), subscribed_at: Some("2026-01-05T10:00:00.000Z".into()) })
        );

        let off = mock!(aws_sdk_securityhub::Client::describe_hub).then_error(|| {
            DescribeHubError::InvalidAccessException(
                InvalidAccessException::builder()
                    .code("InvalidAccessException")
                    .message("Account 123456789012 is not subscribed to AWS Security Hub")
                    .meta(
                        aws_sdk_securityhub::error::ErrorMetadata::builder()
                            .code("InvalidAccessException")
                            .message("Account 123456789012 is not subscribed to AWS Security Hub")
                            .build(),
                    )
                    .build(),
            )
        });
        assert_eq!(gather_with(off).await.unwrap(), None);

        let other_access = mock!(aws_sdk_securityhub::Client::describe_hub).then_error(|| {
            DescribeHubError::InvalidAccessException(
                InvalidAccessException::builder()
                    .code("InvalidAccessException")
                    .message("The account does not have permission to perform this action")
                    .meta(
                        aws_sdk_securityhub::error::ErrorMetadata::builder()
                            .code("InvalidAccessException")
                            .message("The account does not have permission to perform this action")
                            .build(),
                    )
                    .build(),
            )
        });
        let error = gather_with(other_access).await.unwrap_err();
        assert_eq!(error.error_type(), "ServiceError");
        assert!(error.to_string().contains("securityhub:DescribeHub"), "{error}");

        let denied = mock!(aws_sdk_securityhub::Client::describe_hub).then_error(|| {
            DescribeHubError::generic(
                aws_sdk_securityhub::error::ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("User is not authorized to perform: securityhub:DescribeHub")
                    .build(),
            )
        });
        let error = gather_with(denied).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("securityhub:DescribeHub"), "{error}");

        let no_arn =
            mock!(aws_sdk_securityhub::Client::describe_hub).then_output(|| DescribeHubOutput::builder().build());
        assert_eq!(gather_with(no_arn).await.unwrap_err().error_type(), "InvalidData");
    }
}
