//! # iam-user-unused-credentials-check
//!
//! Checks that no IAM user keeps an enabled console password or an active access key that has
//! gone unused for `maxCredentialUsageAge` days or more. A credential that was never used counts
//! from when it was set: the password from `password_last_changed`, a key from its creation.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::IAM::User`, by user id (as AWS Config records users).
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: `password_enabled`, `password_last_used`,
//!   `password_last_changed`, `access_key_N_active`, `access_key_N_last_used_date`,
//!   `access_key_N_last_rotated`) and `iam:ListUsers` (user ids). IAM regenerates the report at
//!   most every 4 hours, so re-running sooner changes nothing.
//! - **Parameters**: `maxCredentialUsageAge` (days, default 90). A credential fails when its last
//!   use is that long ago *or longer*, to the second (`age ≥ maxCredentialUsageAge × 86,400 s`),
//!   as CIS says "45 days or more". `0` is accepted: every enabled credential then fails.
//! - **Same as**: the AWS managed rule `iam-user-unused-credentials-check`; users with neither a
//!   console password nor an active access key are NOT_APPLICABLE here.
//! - **CIS v5.0.0**: 1.11 (`maxCredentialUsageAge` 45). **Well-Architected**: SEC-2, SEC-3
//!   (sample pack: 90).
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when a console password was last used `maxCredentialUsageAge` days ago or
//!    more: with the CIS value 45, exactly 45 days fails and a second less passes.
//! 2. A console password with no recorded use (`no_information`) counts from when it was set:
//!    NON_COMPLIANT when that is 45 days ago or more.
//! 3. NON_COMPLIANT when an active access key was last used too long ago, or was never used and
//!    was created too long ago; the annotation names each stale credential.
//! 4. Inactive access keys are ignored, however old (they are already disabled).
//! 5. COMPLIANT when every enabled password and active key was used (or set) within the window.
//! 6. NOT_APPLICABLE when the user has neither a console password nor an active access key.
//! 7. Without parameters AWS's default of 90 days applies (the Well-Architected pack's value).
//! 8. The root user's row is not evaluated, and a user in the report but no longer in IAM is
//!    skipped (its old result is cleared as stale).
//! 9. An invalid parameter (`maxCredentialUsageAge` = `45 days`) is an error naming it.
//! 10. `gather` reads the credential report and pages through `ListUsers` for the user ids.
//! 11. `gather` fails, reporting nothing, when a needed date is missing from the report or when
//!     the report cannot be read (AccessDenied names the missing permission).

use aws_smithy_types::DateTime;
use shared::credential_report::{CredentialReportRow, ReportDate, UserReport};
use shared::prelude::*;
use shared::time::{DAY, format_date};

pub struct IamUserUnusedCredentialsCheck;

pub struct Params {
    /// Days a credential may go unused.
    max_unused_days: i64,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { max_unused_days: p.int("maxCredentialUsageAge")? })
    }
}

/// When a credential was last used, or, if it never was, when it was set.
enum LastActivity {
    Used(DateTime),
    SetAndUnused(DateTime),
}

fn last_activity(last_used: ReportDate, set: ReportDate, what: &str, user: &str) -> Result<LastActivity, String> {
    match (last_used, set) {
        (ReportDate::At(t), _) => Ok(LastActivity::Used(t)),
        (_, ReportDate::At(t)) => Ok(LastActivity::SetAndUnused(t)),
        (_, other) => Err(format!("credential report: user {user}: {what} has no use and no set date ({other:?})")),
    }
}

/// The verdict for one user's row; an error when an enabled credential has neither a last-use
/// nor a set date.
pub fn decide(row: &CredentialReportRow, max_unused_days: i64, now: DateTime) -> Result<Verdict, String> {
    let user = &row.user;
    let mut enabled = Vec::new();
    if row.has_console_password() {
        let activity = last_activity(row.password_last_used, row.password_last_changed, "the password", user)?;
        enabled.push(("password".to_owned(), activity, "set"));
    }
    for (slot, key) in (1..).zip(&row.access_keys) {
        if key.active {
            let what = format!("key {slot}");
            let activity = last_activity(key.last_used_date, key.last_rotated, &what, user)?;
            enabled.push((what, activity, "created"));
        }
    }
    if enabled.is_empty() {
        return Ok(Verdict::not_applicable(format!(
            "IAM user {user} has no console password and no active access key."
        )));
    }
    let stale: Vec<String> = enabled
        .iter()
        .filter_map(|(what, activity, set)| {
            let (LastActivity::Used(t) | LastActivity::SetAndUnused(t)) = *activity;
            if now.secs() - t.secs() < max_unused_days * DAY {
                return None;
            }
            Some(match activity {
                LastActivity::Used(_) => format!("{what} last used {}", format_date(t)),
                LastActivity::SetAndUnused(_) => format!("{what} unused since {set} {}", format_date(t)),
            })
        })
        .collect();
    Ok(if stale.is_empty() {
        Verdict::compliant(format!(
            "Every enabled credential of IAM user {user} was used, or set, in the last {max_unused_days} days."
        ))
    } else {
        Verdict::non_compliant(format!(
            "IAM user {user} has credentials unused for {max_unused_days} days or more: {}. Remove the console password and deactivate access keys that are no longer needed.",
            stale.join("; ")
        ))
    })
}

impl PeriodicRule for IamUserUnusedCredentialsCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-user-unused-credentials-check",
        description: "Checks that IAM users have no console password or active access key left unused for maxCredentialUsageAge days or more.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[shared::iam::USER],
        parameters: &[ParamSpec::int(
            "maxCredentialUsageAge",
            Some("90"),
            0,
            3650,
            "Days a console password or active access key may go unused.",
        )],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"],
        cis: &["1.11"],
        cis_parameters: &[("maxCredentialUsageAge", "45")],
        well_architected: &["SEC-2", "SEC-3"],
        wa_parameters: &[("maxCredentialUsageAge", "90")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = UserReport;

    async fn gather(&self, aws: &Aws, params: &Params, scope: &Scope) -> Result<UserReport, RuleError> {
        let facts = UserReport::fetch(&aws.client(aws_sdk_iam::Client::new)).await?;
        facts.check(|row| decide(row, params.max_unused_days, scope.now))?;
        Ok(facts)
    }

    fn evaluate(&self, facts: &UserReport, params: &Params, scope: &Scope) -> Vec<Evaluation> {
        facts.evaluations(|row| decide(row, params.max_unused_days, scope.now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportError;
    use aws_smithy_mocks::mock;
    use shared::testing::iam::{credential_report, list_users};
    use shared::testing::{assert_evaluation, find, periodic};

    // The fixtures' notification time is 2026-11-20T12:00:00Z: 2026-10-06T12:00:00Z is exactly
    // 45 days before, 2026-08-12T12:00:00Z 100 days before.
    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2021-01-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2025-01-01T00:00:00+00:00,true,2026-10-06T12:00:00+00:00,2025-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2025-01-01T00:00:00+00:00,true,2026-10-06T12:00:01+00:00,2025-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
carol,arn:aws:iam::123456789012:user/carol,2026-10-05T12:00:00+00:00,true,no_information,2026-10-05T12:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
dave,arn:aws:iam::123456789012:user/dave,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-10-01T12:00:00+00:00,N/A,N/A,N/A,false,2024-01-01T00:00:00+00:00,2024-02-01T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A
erin,arn:aws:iam::123456789012:user/erin,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-01-01T00:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
frank,arn:aws:iam::123456789012:user/frank,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,2024-01-01T00:00:00+00:00,2024-02-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
gina,arn:aws:iam::123456789012:user/gina,2024-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2024-01-01T00:00:00+00:00,N/A,true,true,2024-01-01T00:00:00+00:00,2026-08-12T12:00:00+00:00,us-east-1,ec2,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::123456789012:user/departed,2020-01-01T00:00:00+00:00,true,2020-01-01T00:00:00+00:00,2020-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
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

    fn facts() -> UserReport {
        UserReport {
            report: shared::credential_report::CredentialReport::parse(REPORT).unwrap(),
            user_ids: IDS.iter().map(|(n, id)| ((*n).to_owned(), (*id).to_owned())).collect(),
        }
    }

    fn evaluations(case: &str) -> Vec<Evaluation> {
        periodic(&IamUserUnusedCredentialsCheck, case, &facts()).unwrap()
    }

    #[test]
    fn scenario_1_password_unused_for_45_days_or_more_fails() {
        let evaluations = evaluations("cis-parameters");
        let alice = find(&evaluations, "AIDAALICE0000000001");
        assert_eq!(alice.resource_type, "AWS::IAM::User");
        assert_evaluation(
            alice,
            Compliance::NonCompliant,
            &["alice", "unused for 45 days or more", "password last used 2026-10-06", "Remove the console password"],
        );
        assert_evaluation(find(&evaluations, "AIDABOB000000000002"), Compliance::Compliant, &["bob", "last 45 days"]);
    }

    #[test]
    fn scenario_2_never_used_password_counts_from_when_it_was_set() {
        let evaluations = evaluations("cis-parameters");
        assert_evaluation(
            find(&evaluations, "AIDACAROL0000000003"),
            Compliance::NonCompliant,
            &["carol", "password unused since set 2026-10-05"],
        );
    }

    #[test]
    fn scenario_3_stale_or_never_used_active_keys_fail() {
        let evaluations = evaluations("cis-parameters");
        let dave = find(&evaluations, "AIDADAVE00000000004");
        assert_evaluation(dave, Compliance::NonCompliant, &["dave", "key 1 unused since created 2026-10-01"]);
        let gina = find(&evaluations, "AIDAGINA00000000007");
        assert_evaluation(gina, Compliance::NonCompliant, &["key 1 last used 2026-08-12"]);
        assert!(!gina.annotation.contains(": password"), "{}", gina.annotation);
    }

    #[test]
    fn scenario_4_inactive_keys_are_ignored() {
        let evaluations = evaluations("cis-parameters");
        // Dave's key 2 is inactive and was last used in 2024: only key 1 is named.
        assert!(!find(&evaluations, "AIDADAVE00000000004").annotation.contains("key 2"));
    }

    #[test]
    fn scenario_5_compliant_when_every_enabled_credential_was_used_recently() {
        let evaluations = evaluations("cis-parameters");
        // Key created in 2024, last used yesterday.
        assert_evaluation(find(&evaluations, "AIDAERIN00000000005"), Compliance::Compliant, &["erin", "last 45 days"]);
    }

    #[test]
    fn scenario_6_not_applicable_without_password_or_active_key() {
        let evaluations = evaluations("cis-parameters");
        assert_evaluation(
            find(&evaluations, "AIDAFRANK0000000006"),
            Compliance::NotApplicable,
            &["frank", "no console password and no active access key"],
        );
    }

    #[test]
    fn scenario_7_default_is_90_days() {
        let evaluations = evaluations("scheduled");
        for compliant in ["AIDAALICE0000000001", "AIDABOB000000000002", "AIDACAROL0000000003", "AIDADAVE00000000004"] {
            assert_evaluation(find(&evaluations, compliant), Compliance::Compliant, &["last 90 days"]);
        }
        assert_evaluation(
            find(&evaluations, "AIDAGINA00000000007"),
            Compliance::NonCompliant,
            &["unused for 90 days or more", "key 1 last used 2026-08-12"],
        );
    }

    #[test]
    fn scenario_8_root_and_departed_users_are_not_evaluated() {
        let evaluations = evaluations("cis-parameters");
        assert_eq!(evaluations.len(), IDS.len());
        assert!(evaluations.iter().all(|e| !e.annotation.contains("root") && !e.annotation.contains("departed")));
    }

    #[test]
    fn scenario_9_invalid_parameter_is_an_error() {
        let error = periodic(&IamUserUnusedCredentialsCheck, "invalid-parameter", &facts()).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("maxCredentialUsageAge"), "{error}");
    }

    fn scope() -> Scope {
        shared::testing::scope(shared::time::parse_rfc3339("2026-11-20T12:00:00Z").unwrap())
    }

    #[tokio::test]
    async fn scenario_10_gather_reads_the_report_and_all_user_pages() {
        let params = shared::testing::params::<IamUserUnusedCredentialsCheck>("cis-parameters").unwrap();
        let (generate, get) = credential_report(REPORT);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("gina", "AIDAGINA00000000007")]);
        let facts = IamUserUnusedCredentialsCheck
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &params, &scope())
            .await
            .unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(facts.user_ids.len(), 2);
        let evaluations = IamUserUnusedCredentialsCheck.evaluate(&facts, &params, &scope());
        assert_eq!(evaluations.len(), 2);
        assert_eq!(find(&evaluations, "AIDAGINA00000000007").compliance, Compliance::NonCompliant);
    }

    #[tokio::test]
    async fn scenario_11_unreadable_data_is_an_error_not_a_verdict() {
        let params = shared::testing::params::<IamUserUnusedCredentialsCheck>("cis-parameters").unwrap();
        let header = REPORT.lines().next().unwrap();
        // A password that is enabled, never used, and has no set date.
        let undated = format!(
            "{header}\nalice,arn:aws:iam::123456789012:user/alice,2025-01-01T00:00:00+00:00,true,no_information,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let (generate, get) = credential_report(undated);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("gina", "AIDAGINA00000000007")]);
        let error = IamUserUnusedCredentialsCheck
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("user alice: the password has no use and no set date"), "{error}");

        let denied = mock!(aws_sdk_iam::Client::generate_credential_report).then_error(|| {
            GenerateCredentialReportError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = IamUserUnusedCredentialsCheck
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&denied]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GenerateCredentialReport"), "{error}");
    }
}
