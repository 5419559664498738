//! # root-account-mfa-enabled
//!
//! Checks that the root user has an MFA device (virtual or hardware).
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `iam:GetAccountSummary` (`AccountMFAEnabled`, `AccountPasswordPresent`). The
//!   credential report's root row is not used: its password column reads `not_supported`.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `root-account-mfa-enabled`.
//! - **CIS v5.0.0**: 1.4. **Well-Architected**: SEC-1, SEC-2.
//!
//! ## Scenarios
//! 1. COMPLIANT when the root user has MFA enabled.
//! 2. NON_COMPLIANT when the root user has a password and no MFA device.
//! 3. NOT_APPLICABLE when the root user has no credentials at all (for example after
//!    Organizations removed them with centralized root access).
//! 4. A summary without `AccountPasswordPresent` is read as "the root user has a password", so a
//!    root user without MFA stays NON_COMPLIANT.
//! 5. `gather` reads the account summary; a summary without `AccountMFAEnabled` is an error,
//!    not a verdict.
//! 6. AccessDenied is an error naming `iam:GetAccountSummary`, and nothing is reported.

use shared::prelude::*;

pub struct RootAccountMfaEnabled;

/// What the account summary says about the root user's sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RootMfa {
    /// `AccountMFAEnabled` = 1.
    pub mfa_enabled: bool,
    /// `AccountPasswordPresent` > 0 (taken as true when IAM omits the counter).
    pub password_present: bool,
}

impl PeriodicRule for RootAccountMfaEnabled {
    const SPEC: RuleSpec = RuleSpec {
        name: "root-account-mfa-enabled",
        description: "Checks that the root user of the account has multi-factor authentication (MFA) enabled.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["iam:GetAccountSummary"],
        cis: &["1.4"],
        well_architected: &["SEC-1", "SEC-2"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = RootMfa;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<RootMfa, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let summary = shared::iam::account_summary(&iam).await?;
        let mfa = summary.get("AccountMFAEnabled").copied().ok_or_else(|| {
            RuleError::InvalidData("iam:GetAccountSummary returned no AccountMFAEnabled counter".into())
        })?;
        let password_present = summary.get("AccountPasswordPresent").is_none_or(|n| *n > 0);
        Ok(RootMfa { mfa_enabled: mfa > 0, password_present })
    }

    fn evaluate(&self, root: &RootMfa, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let evaluation = if root.mfa_enabled {
            Evaluation::compliant(ACCOUNT, account, "The root user has MFA enabled.")
        } else if !root.password_present {
            Evaluation::not_applicable(
                ACCOUNT,
                account,
                "The root user has no password, so it cannot sign in and needs no MFA.",
            )
        } else {
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                "The root user can sign in with a password but has no MFA device. Sign in as the root user and assign an MFA device, preferably a hardware key.",
            )
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryError;
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::SummaryKeyType;
    use aws_smithy_mocks::mock;
    use shared::testing::iam::account_summary;
    use shared::testing::{assert_evaluation, periodic};

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn judge(mfa_enabled: bool, password_present: bool) -> Evaluation {
        only(periodic(&RootAccountMfaEnabled, "scheduled", &RootMfa { mfa_enabled, password_present }).unwrap())
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_1_compliant_with_root_mfa() {
        assert_evaluation(&judge(true, true), Compliance::Compliant, &["MFA enabled"]);
        let rule =
            account_summary(&[(SummaryKeyType::AccountMfaEnabled, 1), (SummaryKeyType::AccountPasswordPresent, 1)]);
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let outcome = shared::testing::handle_periodic_with(
            &RootAccountMfaEnabled,
            "scheduled",
            iam_with(&[&rule]).with_client(config),
        )
        .await
        .unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_type, "AWS::::Account");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "123456789012");
    }

    #[test]
    fn scenario_2_non_compliant_with_a_password_and_no_mfa() {
        assert_evaluation(&judge(false, true), Compliance::NonCompliant, &["no MFA device", "assign an MFA device"]);
    }

    #[test]
    fn scenario_3_not_applicable_without_root_credentials() {
        assert_evaluation(&judge(false, false), Compliance::NotApplicable, &["no password"]);
    }

    #[tokio::test]
    async fn scenario_4_a_missing_password_counter_means_a_password() {
        let rule = account_summary(&[(SummaryKeyType::AccountMfaEnabled, 0)]);
        let facts = RootAccountMfaEnabled.gather(&iam_with(&[&rule]), &NoParams, &scope()).await.unwrap();
        assert_eq!(facts, RootMfa { mfa_enabled: false, password_present: true });
        assert_evaluation(
            &only(periodic(&RootAccountMfaEnabled, "scheduled", &facts).unwrap()),
            Compliance::NonCompliant,
            &[],
        );
    }

    #[tokio::test]
    async fn scenario_5_gather_reads_the_summary_and_refuses_one_without_the_mfa_counter() {
        let rule =
            account_summary(&[(SummaryKeyType::AccountMfaEnabled, 0), (SummaryKeyType::AccountPasswordPresent, 0)]);
        let facts = RootAccountMfaEnabled.gather(&iam_with(&[&rule]), &NoParams, &scope()).await.unwrap();
        assert_eq!(facts, RootMfa { mfa_enabled: false, password_present: false });

        let incomplete = account_summary(&[(SummaryKeyType::AccountPasswordPresent, 1)]);
        let error = RootAccountMfaEnabled.gather(&iam_with(&[&incomplete]), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("AccountMFAEnabled"), "{error}");
    }

    #[tokio::test]
    async fn scenario_6_access_denied_names_the_action_and_reports_nothing() {
        let denied = mock!(aws_sdk_iam::Client::get_account_summary).then_error(|| {
            GetAccountSummaryError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let aws = iam_with(&[&denied]).with_client(config);
        let error = shared::testing::handle_periodic_with(&RootAccountMfaEnabled, "scheduled", aws).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetAccountSummary"), "{error}");
    }
}
