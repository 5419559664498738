//! # iam-user-single-active-access-key
//!
//! Checks that no IAM user has more than one active access key. A second active key is usually
//! left over from a rotation that was never finished, and doubles what can leak.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::IAM::User`, by user id (as AWS Config records users).
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: `access_key_1_active`, `access_key_2_active`) and `iam:ListUsers`
//!   (user ids). IAM regenerates the report at most every 4 hours, so a key deactivated just now
//!   can show as active until then.
//! - **Parameters**: none.
//! - **Same as**: no AWS managed rule checks this (custom rule).
//! - **CIS v5.0.0**: 1.12. **Well-Architected**: not in the pack.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when both of a user's access keys are active.
//! 2. COMPLIANT when exactly one access key is active (the other is inactive or absent).
//! 3. NOT_APPLICABLE when the user has no active access key.
//! 4. The root user's row is not evaluated (root keys are `iam-root-access-key-check`'s job).
//! 5. A user in the report but no longer in IAM is skipped (its old result is cleared as stale).
//! 6. `gather` reads the credential report and pages through `ListUsers` for the user ids.
//! 7. AccessDenied on `ListUsers` is an error naming the missing permission.

use shared::credential_report::{CredentialReportRow, UserReport};
use shared::prelude::*;

pub struct IamUserSingleActiveAccessKey;

/// The verdict for one user's row.
pub fn decide(row: &CredentialReportRow) -> Verdict {
    let user = &row.user;
    match row.access_keys.iter().filter(|k| k.active).count() {
        0 => Verdict::not_applicable(format!("IAM user {user} has no active access key.")),
        1 => Verdict::compliant(format!("IAM user {user} has one active access key.")),
        n => Verdict::non_compliant(format!(
            "IAM user {user} has {n} active access keys. Deactivate the key no longer in use (aws iam update-access-key --status Inactive), then delete it."
        )),
    }
}

impl PeriodicRule for IamUserSingleActiveAccessKey {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-user-single-active-access-key",
        description: "Checks that every IAM user has at most one active access key.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[shared::iam::USER],
        parameters: &[],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"],
        cis: &["1.12"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = UserReport;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<UserReport, RuleError> {
        UserReport::fetch(&aws.client(aws_sdk_iam::Client::new)).await
    }

    fn evaluate(&self, facts: &UserReport, _: &NoParams, _: &Scope) -> Vec<Evaluation> {
        facts.evaluations(|row| Ok(decide(row)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::list_users::ListUsersError;
    use aws_sdk_iam::primitives::DateTime;
    use aws_smithy_mocks::mock;
    use shared::testing::iam::{credential_report, list_users};
    use shared::testing::{assert_evaluation, find, periodic};

    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,true,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,true,2025-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,true,2026-11-01T00:00:00+00:00,2026-11-19T09:00:00+00:00,us-east-1,s3,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-11-01T00:00:00+00:00,N/A,N/A,N/A,false,2026-01-01T00:00:00+00:00,2026-10-01T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A
carol,arn:aws:iam::123456789012:user/carol,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,true,2026-03-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
dave,arn:aws:iam::123456789012:user/dave,2026-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,true,false,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,false,2026-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
erin,arn:aws:iam::123456789012:user/erin,2026-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::123456789012:user/departed,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,true,2026-01-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
";

    const IDS: &[(&str, &str)] = &[
        ("alice", "AIDAALICE0000000001"),
        ("bob", "AIDABOB000000000002"),
        ("carol", "AIDACAROL0000000003"),
        ("dave", "AIDADAVE00000000004"),
        ("erin", "AIDAERIN00000000005"),
    ];

    fn facts() -> UserReport {
        UserReport {
            report: shared::credential_report::CredentialReport::parse(REPORT).unwrap(),
            user_ids: IDS.iter().map(|(n, id)| ((*n).to_owned(), (*id).to_owned())).collect(),
        }
    }

    fn evaluations() -> Vec<Evaluation> {
        periodic(&IamUserSingleActiveAccessKey, "scheduled", &facts()).unwrap()
    }

    #[test]
    fn scenario_1_non_compliant_with_two_active_keys() {
        let evaluations = evaluations();
        let alice = find(&evaluations, "AIDAALICE0000000001");
        assert_eq!(alice.resource_type, "AWS::IAM::User");
        assert_evaluation(alice, Compliance::NonCompliant, &["alice", "2 active access keys", "Deactivate the key"]);
    }

    #[test]
    fn scenario_2_compliant_with_one_active_key() {
        let evaluations = evaluations();
        // Key 1 active, key 2 inactive.
        assert_evaluation(find(&evaluations, "AIDABOB000000000002"), Compliance::Compliant, &["bob", "one active"]);
        // Only key 2, active.
        assert_evaluation(find(&evaluations, "AIDACAROL0000000003"), Compliance::Compliant, &["carol"]);
    }

    #[test]
    fn scenario_3_not_applicable_without_active_keys() {
        let evaluations = evaluations();
        // Two inactive keys.
        assert_evaluation(find(&evaluations, "AIDADAVE00000000004"), Compliance::NotApplicable, &["no active"]);
        // No keys at all.
        assert_evaluation(find(&evaluations, "AIDAERIN00000000005"), Compliance::NotApplicable, &["erin"]);
    }

    #[test]
    fn scenario_4_root_is_not_evaluated() {
        let evaluations = evaluations();
        assert!(evaluations.iter().all(|e| !e.annotation.contains("root")));
        assert!(facts().report.root().is_some_and(|r| r.access_keys.iter().all(|k| k.active)));
    }

    #[test]
    fn scenario_5_users_gone_from_iam_are_skipped() {
        let evaluations = evaluations();
        assert_eq!(evaluations.len(), 5);
        assert!(evaluations.iter().all(|e| !e.annotation.contains("departed")));
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_the_report_and_all_user_pages() {
        let (generate, get) = credential_report(REPORT);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("bob", "AIDABOB000000000002")]);
        let facts = IamUserSingleActiveAccessKey
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &NoParams, &scope())
            .await
            .unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(facts.user_ids.get("bob").map(String::as_str), Some("AIDABOB000000000002"));
        assert_eq!(facts.report.users().count(), 6);
        let evaluations = IamUserSingleActiveAccessKey.evaluate(&facts, &NoParams, &scope());
        assert_eq!(evaluations.len(), 2);
        assert_eq!(find(&evaluations, "AIDAALICE0000000001").compliance, Compliance::NonCompliant);
    }

    #[tokio::test]
    async fn scenario_7_access_denied_names_the_permission() {
        let (generate, get) = credential_report(REPORT);
        let denied = mock!(aws_sdk_iam::Client::list_users).then_error(|| {
            ListUsersError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = IamUserSingleActiveAccessKey
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &denied]), &NoParams, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:ListUsers"), "{error}");
    }
}
