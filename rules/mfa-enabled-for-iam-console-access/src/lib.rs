//! # mfa-enabled-for-iam-console-access
//!
//! Checks that every IAM user who can sign in to the console with a password has an MFA device.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::IAM::User`, by user id (as AWS Config records users).
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: password and MFA status of every user) and `iam:ListUsers` (user
//!   ids). IAM regenerates the report at most every 4 hours, so a change can take that long to
//!   show.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `mfa-enabled-for-iam-console-access`.
//! - **CIS v5.0.0**: 1.9. **Well-Architected**: SEC-1, SEC-2.
//!
//! ## Scenarios
//! 1. COMPLIANT when a user with a console password has an active MFA device.
//! 2. NON_COMPLIANT when a user with a console password has no MFA device.
//! 3. NOT_APPLICABLE when a user has no console password (access keys only, or nothing).
//! 4. The root user's row is not evaluated (root MFA is `root-account-mfa-enabled`'s job).
//! 5. A user in the report but no longer in IAM is skipped (its old result is cleared as stale).
//! 6. `gather` reads the credential report and pages through `ListUsers` for the user ids.
//! 7. AccessDenied on the credential report is an error naming the missing permission.

use shared::credential_report::UserReport;
use shared::prelude::*;

pub struct MfaEnabledForIamConsoleAccess;

impl PeriodicRule for MfaEnabledForIamConsoleAccess {
    const SPEC: RuleSpec = RuleSpec {
        name: "mfa-enabled-for-iam-console-access",
        description: "Checks that MFA is enabled for every IAM user that has a console password.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[shared::iam::USER],
        parameters: &[],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"],
        cis: &["1.9"],
        well_architected: &["SEC-1", "SEC-2"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = UserReport;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<UserReport, RuleError> {
        UserReport::fetch(&aws.client(aws_sdk_iam::Client::new)).await
    }

    fn evaluate(&self, facts: &UserReport, _: &NoParams, _: &Scope) -> Vec<Evaluation> {
        facts.evaluations(|row| {
            let user = &row.user;
            Ok(match (row.has_console_password(), row.mfa_active) {
                (true, true) => Verdict::compliant(format!("IAM user {user} has a console password and an MFA device.")),
                (true, false) => Verdict::non_compliant(format!(
                    "IAM user {user} can sign in to the console with a password but has no MFA device. Assign an MFA device to the user, or remove the console password."
                )),
                (false, _) => Verdict::not_applicable(format!("IAM user {user} has no console password.")),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::generate_credential_report::{
        GenerateCredentialReportError, GenerateCredentialReportOutput,
    };
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_sdk_iam::primitives::{Blob, DateTime};
    use aws_sdk_iam::types::ReportStateType;
    use aws_smithy_mocks::mock;
    use shared::testing::iam::list_users;
    use shared::testing::{assert_evaluation, find, periodic};

    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
ci-bot,arn:aws:iam::123456789012:user/ci-bot,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::123456789012:user/departed,2026-01-01T00:00:00+00:00,true,N/A,2026-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    fn facts() -> UserReport {
        let ids = [("alice", "AIDAALICE0000000001"), ("bob", "AIDABOB000000000002"), ("ci-bot", "AIDACIBOT0000000003")];
        UserReport {
            report: shared::credential_report::CredentialReport::parse(REPORT).unwrap(),
            user_ids: ids.iter().map(|(n, id)| ((*n).to_owned(), (*id).to_owned())).collect(),
        }
    }

    fn evaluations() -> Vec<Evaluation> {
        periodic(&MfaEnabledForIamConsoleAccess, "scheduled", &facts()).unwrap()
    }

    #[test]
    fn scenario_1_compliant_with_password_and_mfa() {
        assert_evaluation(find(&evaluations(), "AIDAALICE0000000001"), Compliance::Compliant, &["alice"]);
    }

    #[test]
    fn scenario_2_non_compliant_with_password_without_mfa() {
        let evaluations = evaluations();
        let bob = find(&evaluations, "AIDABOB000000000002");
        assert_eq!(bob.resource_type, "AWS::IAM::User");
        assert_evaluation(bob, Compliance::NonCompliant, &["bob", "no MFA device", "Assign an MFA device"]);
    }

    #[test]
    fn scenario_3_not_applicable_without_console_password() {
        assert_evaluation(
            find(&evaluations(), "AIDACIBOT0000000003"),
            Compliance::NotApplicable,
            &["no console password"],
        );
    }

    #[test]
    fn scenario_4_root_is_not_evaluated() {
        assert!(evaluations().iter().all(|e| !e.annotation.contains("root")));
    }

    #[test]
    fn scenario_5_users_gone_from_iam_are_skipped() {
        let evaluations = evaluations();
        assert_eq!(evaluations.len(), 3);
        assert!(evaluations.iter().all(|e| !e.annotation.contains("departed")));
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_6_gather_reads_the_report_and_all_user_pages() {
        let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
            .then_output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build());
        let get = mock!(aws_sdk_iam::Client::get_credential_report).then_output(|| {
            GetCredentialReportOutput::builder()
                .content(Blob::new(REPORT))
                .generated_time(DateTime::from_secs(1_795_100_000))
                .build()
        });
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("bob", "AIDABOB000000000002")]);
        let facts = MfaEnabledForIamConsoleAccess
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &NoParams, &scope())
            .await
            .unwrap();
        assert_eq!(facts.user_ids.len(), 2);
        assert_eq!(facts.report.users().count(), 4);
        assert_eq!(list.num_calls(), 2);
    }

    #[tokio::test]
    async fn scenario_7_access_denied_names_the_permission() {
        let denied = mock!(aws_sdk_iam::Client::generate_credential_report).then_error(|| {
            GenerateCredentialReportError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = MfaEnabledForIamConsoleAccess
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&denied]), &NoParams, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GenerateCredentialReport"), "{error}");
    }
}
