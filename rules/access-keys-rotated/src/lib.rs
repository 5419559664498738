//! # access-keys-rotated
//!
//! Checks that every active access key of an IAM user was created (rotated) no more than
//! `maxAccessKeyAge` days ago. An access key cannot be changed, so rotating means creating a new
//! key; the credential report's `access_key_N_last_rotated` is the key's creation time.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::IAM::User`, by user id (as AWS Config records users). One old key
//!   makes its user NON_COMPLIANT.
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: `access_key_N_active`, `access_key_N_last_rotated`) and
//!   `iam:ListUsers` (user ids). IAM regenerates the report at most every 4 hours.
//! - **Parameters**: `maxAccessKeyAge` (days, default 90). A key fails when it is *more* than
//!   that old, to the second (`age > maxAccessKeyAge × 86,400 s`): exactly 90 days passes, as CIS
//!   says "90 days or less". `0` is accepted: every active key then fails.
//! - **Same as**: the AWS managed rule `access-keys-rotated`; users without an active access key
//!   are NOT_APPLICABLE here.
//! - **CIS v5.0.0**: 1.13 (`maxAccessKeyAge` 90). **Well-Architected**: SEC-2 (sample pack: 90).
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when an active access key is older than `maxAccessKeyAge` days; the
//!    annotation names each such key with its creation date and age.
//! 2. At the boundary, a key exactly 90 days old is COMPLIANT and one a second older is
//!    NON_COMPLIANT.
//! 3. COMPLIANT when every active key is young enough; inactive keys are ignored, however old.
//! 4. NOT_APPLICABLE when the user has no active access key.
//! 5. `maxAccessKeyAge` is honoured (30: a 31-day-old key fails).
//! 6. The root user's row is not evaluated (root keys are `iam-root-access-key-check`'s job), and
//!    a user in the report but no longer in IAM is skipped.
//! 7. An invalid parameter (`maxAccessKeyAge` = `ninety`) is an error naming it.
//! 8. `gather` reads the credential report and pages through `ListUsers` for the user ids.
//! 9. `gather` fails, reporting nothing, when an active key has no creation date in the report
//!    or when the report cannot be read (AccessDenied names the missing permission).

use aws_smithy_types::DateTime;
use shared::credential_report::{CredentialReportRow, UserReport};
use shared::prelude::*;
use shared::time::{DAY, days_between, format_date};

pub struct AccessKeysRotated;

pub struct Params {
    /// Days an active key may live.
    max_age_days: i64,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { max_age_days: p.int("maxAccessKeyAge")? })
    }
}

/// The verdict for one user's row; an error when an active key has no creation date.
pub fn decide(row: &CredentialReportRow, max_age_days: i64, now: DateTime) -> Result<Verdict, String> {
    let user = &row.user;
    let mut active = 0;
    let mut too_old = Vec::new();
    for (slot, key) in (1..).zip(&row.access_keys) {
        if !key.active {
            continue;
        }
        active += 1;
        let created = key.last_rotated.at().ok_or_else(|| {
            format!("credential report: user {user}: access key {slot} is active but has no creation date")
        })?;
        if now.secs() - created.secs() > max_age_days * DAY {
            let days = days_between(created, now);
            let age = if days > max_age_days { format!("{days} days ago") } else { format!("over {days} days ago") };
            too_old.push(format!("key {slot} created {} ({age})", format_date(created)));
        }
    }
    Ok(if active == 0 {
        Verdict::not_applicable(format!("IAM user {user} has no active access key."))
    } else if too_old.is_empty() {
        Verdict::compliant(format!("The active access keys of IAM user {user} are at most {max_age_days} days old."))
    } else {
        Verdict::non_compliant(format!(
            "IAM user {user} has active access keys older than {max_age_days} days: {}. Create a new key, move applications to it, then deactivate and delete the old one.",
            too_old.join("; ")
        ))
    })
}

impl PeriodicRule for AccessKeysRotated {
    const SPEC: RuleSpec = RuleSpec {
        name: "access-keys-rotated",
        description: "Checks that active IAM access keys were rotated (created) within the number of days given in maxAccessKeyAge.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[shared::iam::USER],
        parameters: &[ParamSpec::int(
            "maxAccessKeyAge",
            Some("90"),
            0,
            3650,
            "Maximum age in days of an active access key.",
        )],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"],
        cis: &["1.13"],
        cis_parameters: &[("maxAccessKeyAge", "90")],
        well_architected: &["SEC-2"],
        wa_parameters: &[("maxAccessKeyAge", "90")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = UserReport;

    async fn gather(&self, aws: &Aws, params: &Params, scope: &Scope) -> Result<UserReport, RuleError> {
        let facts = UserReport::fetch(&aws.client(aws_sdk_iam::Client::new)).await?;
        facts.check(|row| decide(row, params.max_age_days, scope.now))?;
        Ok(facts)
    }

    fn evaluate(&self, facts: &UserReport, params: &Params, scope: &Scope) -> Vec<Evaluation> {
        facts.evaluations(|row| decide(row, params.max_age_days, scope.now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportError;
    use aws_sdk_iam::types::ReportStateType;
    use aws_smithy_mocks::mock;
    use shared::testing::iam::{credential_report, list_users};
    use shared::testing::{assert_evaluation, find, periodic};

    // The fixtures' notification time is 2026-11-20T12:00:00Z: 2026-08-22T12:00:00Z is exactly
    // 90 days before, 2026-10-20T12:00:00Z 31 days before.
    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-08-12T12:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,true,2026-11-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-08-22T12:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
carol,arn:aws:iam::123456789012:user/carol,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-08-22T11:59:59+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
dave,arn:aws:iam::123456789012:user/dave,2025-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2025-01-01T00:00:00+00:00,N/A,true,false,2025-01-01T00:00:00+00:00,2025-06-01T00:00:00+00:00,us-east-1,s3,true,2026-11-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
erin,arn:aws:iam::123456789012:user/erin,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
frank,arn:aws:iam::123456789012:user/frank,2025-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2025-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
gina,arn:aws:iam::123456789012:user/gina,2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,true,2026-10-20T12:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::123456789012:user/departed,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    const IDS: &[(&str, &str)] = &[
        ("alice", "AIDAALICE0000000001"),
        ("bob", "AIDABOB000000000002"),
        ("carol", "AIDACAROL0000000003"),
        ("dave", "AIDADAVE00000000004"),
        ("erin", "AIDAERIN00000000005"),
        ("frank", "AIDAFRANK0000000006"),
        ("gina", "AIDAGINA00000000007"),
    ];

    fn facts_from(report: &str) -> UserReport {
        UserReport {
            report: shared::credential_report::CredentialReport::parse(report).unwrap(),
            user_ids: IDS.iter().map(|(n, id)| ((*n).to_owned(), (*id).to_owned())).collect(),
        }
    }

    fn evaluations(case: &str) -> Vec<Evaluation> {
        periodic(&AccessKeysRotated, case, &facts_from(REPORT)).unwrap()
    }

    #[test]
    fn scenario_1_non_compliant_with_an_old_active_key() {
        let evaluations = evaluations("scheduled");
        let alice = find(&evaluations, "AIDAALICE0000000001");
        assert_eq!(alice.resource_type, "AWS::IAM::User");
        assert_evaluation(
            alice,
            Compliance::NonCompliant,
            &["alice", "key 1 created 2026-08-12 (100 days ago)", "older than 90 days", "Create a new key"],
        );
        assert!(!alice.annotation.contains("key 2"), "{}", alice.annotation);
    }

    #[test]
    fn scenario_2_exactly_90_days_passes_and_a_second_more_fails() {
        let evaluations = evaluations("scheduled");
        assert_evaluation(find(&evaluations, "AIDABOB000000000002"), Compliance::Compliant, &["bob", "at most 90"]);
        assert_evaluation(
            find(&evaluations, "AIDACAROL0000000003"),
            Compliance::NonCompliant,
            &["carol", "key 1 created 2026-08-22 (over 90 days ago)"],
        );
    }

    #[test]
    fn scenario_3_compliant_with_young_keys_and_inactive_old_ones_ignored() {
        let evaluations = evaluations("scheduled");
        // Key 1 is inactive and almost two years old; key 2 is active and 19 days old.
        assert_evaluation(find(&evaluations, "AIDADAVE00000000004"), Compliance::Compliant, &["dave"]);
        assert_evaluation(find(&evaluations, "AIDAGINA00000000007"), Compliance::Compliant, &["gina"]);
    }

    #[test]
    fn scenario_4_not_applicable_without_active_keys() {
        let evaluations = evaluations("scheduled");
        assert_evaluation(find(&evaluations, "AIDAERIN00000000005"), Compliance::NotApplicable, &["no active"]);
        assert_evaluation(find(&evaluations, "AIDAFRANK0000000006"), Compliance::NotApplicable, &["frank"]);
    }

    #[test]
    fn scenario_5_max_access_key_age_is_honoured() {
        let evaluations = evaluations("max-age-30");
        assert_evaluation(
            find(&evaluations, "AIDAGINA00000000007"),
            Compliance::NonCompliant,
            &["key 2 created 2026-10-20 (31 days ago)", "older than 30 days"],
        );
        assert_evaluation(find(&evaluations, "AIDADAVE00000000004"), Compliance::Compliant, &["at most 30"]);
    }

    #[test]
    fn scenario_6_root_and_departed_users_are_not_evaluated() {
        let evaluations = evaluations("scheduled");
        assert_eq!(evaluations.len(), IDS.len());
        assert!(evaluations.iter().all(|e| !e.annotation.contains("root") && !e.annotation.contains("departed")));
    }

    #[test]
    fn scenario_7_invalid_parameter_is_an_error() {
        let error = periodic(&AccessKeysRotated, "invalid-parameter", &facts_from(REPORT)).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("maxAccessKeyAge"), "{error}");
    }

    fn scope() -> Scope {
        shared::testing::scope(shared::time::parse_rfc3339("2026-11-20T12:00:00Z").unwrap())
    }

    #[tokio::test]
    async fn scenario_8_gather_reads_the_report_and_all_user_pages() {
        let params = shared::testing::params::<AccessKeysRotated>("scheduled").unwrap();
        let (generate, get) = credential_report(REPORT);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("bob", "AIDABOB000000000002")]);
        let facts = AccessKeysRotated
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &params, &scope())
            .await
            .unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(facts.user_ids.len(), 2);
        let evaluations = AccessKeysRotated.evaluate(&facts, &params, &scope());
        assert_eq!(find(&evaluations, "AIDAALICE0000000001").compliance, Compliance::NonCompliant);
        assert_eq!(find(&evaluations, "AIDABOB000000000002").compliance, Compliance::Compliant);
    }

    #[tokio::test]
    async fn scenario_9_unreadable_data_is_an_error_not_a_verdict() {
        let params = shared::testing::params::<AccessKeysRotated>("scheduled").unwrap();
        let header = REPORT.lines().next().unwrap();
        let undated = format!(
            "{header}\nbob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let (generate, get) = credential_report(undated);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("bob", "AIDABOB000000000002")]);
        let error = AccessKeysRotated
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("user bob: access key 1 is active but has no creation date"), "{error}");

        let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
            .then_output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build());
        let denied = mock!(aws_sdk_iam::Client::get_credential_report).then_error(|| {
            GetCredentialReportError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = AccessKeysRotated
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &denied]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetCredentialReport"), "{error}");
    }
}
