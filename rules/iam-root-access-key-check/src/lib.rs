//! # iam-root-access-key-check
//!
//! Checks that the root user has no access keys. A deactivated key still counts: CIS asks for
//! root keys to be deleted, and IAM's account summary counts inactive keys too.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: `iam:GetAccountSummary` (`AccountAccessKeysPresent`, `AccountPasswordPresent`),
//!   which is live, unlike the credential report that can be four hours old.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `iam-root-access-key-check`.
//! - **CIS v5.0.0**: 1.3. **Well-Architected**: SEC-1, SEC-3.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when the root user has an access key (active or not).
//! 2. COMPLIANT when the root user has a password but no access key.
//! 3. NOT_APPLICABLE when the root user has no credentials at all (for example after
//!    Organizations removed them with centralized root access).
//! 4. A summary without `AccountPasswordPresent` is read as "the root user has a password", so
//!    the verdict rests on the access keys alone.
//! 5. `gather` reads the account summary; a summary without `AccountAccessKeysPresent` is an
//!    error, not a verdict.
//! 6. AccessDenied is an error naming `iam:GetAccountSummary`, and nothing is reported.

use shared::prelude::*;

pub struct IamRootAccessKeyCheck;

/// What the account summary says about the root user's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RootCredentials {
    /// `AccountAccessKeysPresent`: root access keys, active or not.
    pub access_keys: i32,
    /// `AccountPasswordPresent` > 0 (taken as true when IAM omits the counter).
    pub password_present: bool,
}

impl PeriodicRule for IamRootAccessKeyCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-root-access-key-check",
        description: "Checks that the root user has no access keys, active or inactive.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[],
        iam_actions: &["iam:GetAccountSummary"],
        cis: &["1.3"],
        well_architected: &["SEC-1", "SEC-3"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = RootCredentials;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<RootCredentials, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let summary = shared::iam::account_summary(&iam).await?;
        let access_keys = summary.get("AccountAccessKeysPresent").copied().ok_or_else(|| {
            RuleError::InvalidData("iam:GetAccountSummary returned no AccountAccessKeysPresent counter".into())
        })?;
        let password_present = summary.get("AccountPasswordPresent").is_none_or(|n| *n > 0);
        Ok(RootCredentials { access_keys, password_present })
    }

    fn evaluate(&self, root: &RootCredentials, _: &NoParams, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let evaluation = if root.access_keys > 0 {
            Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "The root user has {} access key(s). Sign in as the root user and delete them under Security credentials; deactivating a root key is not enough.",
                    root.access_keys
                ),
            )
        } else if !root.password_present {
            Evaluation::not_applicable(
                ACCOUNT,
                account,
                "The root user has no credentials (no password, no access key).",
            )
        } else {
            Evaluation::compliant(ACCOUNT, account, "The root user has no access keys.")
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

    fn judge(access_keys: i32, password_present: bool) -> Evaluation {
        only(periodic(&IamRootAccessKeyCheck, "scheduled", &RootCredentials { access_keys, password_present }).unwrap())
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[test]
    fn scenario_1_non_compliant_with_a_root_access_key() {
        assert_evaluation(&judge(1, true), Compliance::NonCompliant, &["1 access key(s)", "delete them"]);
        // Keys without a password (a key-only root user) are just as wrong.
        assert_evaluation(&judge(2, false), Compliance::NonCompliant, &["2 access key(s)"]);
    }

    #[test]
    fn scenario_2_compliant_without_root_access_keys() {
        assert_evaluation(&judge(0, true), Compliance::Compliant, &["no access keys"]);
    }

    #[test]
    fn scenario_3_not_applicable_without_root_credentials() {
        assert_evaluation(&judge(0, false), Compliance::NotApplicable, &["no credentials"]);
    }

    #[tokio::test]
    async fn scenario_4_a_missing_password_counter_means_a_password() {
        let rule = account_summary(&[(SummaryKeyType::AccountAccessKeysPresent, 0)]);
        let facts = IamRootAccessKeyCheck.gather(&iam_with(&[&rule]), &NoParams, &scope()).await.unwrap();
        assert_eq!(facts, RootCredentials { access_keys: 0, password_present: true });
        assert_evaluation(
            &only(periodic(&IamRootAccessKeyCheck, "scheduled", &facts).unwrap()),
            Compliance::Compliant,
            &[],
        );
    }

    #[tokio::test]
    async fn scenario_5_gather_reads_the_summary_and_refuses_one_without_the_key_counter() {
        let rule = account_summary(&[
            (SummaryKeyType::AccountAccessKeysPresent, 1),
            (SummaryKeyType::AccountPasswordPresent, 0),
            (SummaryKeyType::AccountMfaEnabled, 1),
        ]);
        let facts = IamRootAccessKeyCheck.gather(&iam_with(&[&rule]), &NoParams, &scope()).await.unwrap();
        assert_eq!(facts, RootCredentials { access_keys: 1, password_present: false });

        let incomplete = account_summary(&[(SummaryKeyType::AccountMfaEnabled, 1)]);
        let error = IamRootAccessKeyCheck.gather(&iam_with(&[&incomplete]), &NoParams, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("AccountAccessKeysPresent"), "{error}");
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
        let error = shared::testing::handle_periodic_with(&IamRootAccessKeyCheck, "scheduled", aws).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetAccountSummary"), "{error}");
    }
}
