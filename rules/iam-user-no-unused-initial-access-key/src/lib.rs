//! # iam-user-no-unused-initial-access-key
//!
//! Checks that IAM users with a console password hold no access key that was created together
//! with the user and never used: keys should be created later, when someone asks for one. A key
//! counts as created at setup when it was created within `setupWindowSeconds` after the user.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::IAM::User`, by user id (as AWS Config records users). The user's
//!   configuration item carries no access-key data, so the rule reads the credential report.
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: `user_creation_time`, `password_enabled`,
//!   `access_key_N_last_rotated`, which is the key's creation time, and
//!   `access_key_N_last_used_date`) and `iam:ListUsers` (user ids). IAM regenerates the report
//!   at most every 4 hours.
//! - **Parameters**: `setupWindowSeconds` (default 600): the longest time from the user's
//!   creation to a key's creation that still counts as "created at setup".
//! - **Same as**: no AWS managed rule checks this (custom rule). Never-used keys created later are
//!   left to `iam-user-unused-credentials-check` (CIS 1.11), so one key is not counted twice.
//! - **CIS v5.0.0**: 1.10 (Manual: whether a key was requested is for a person to confirm).
//!   **Well-Architected**: not in the pack.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when a user with a console password has an access key that was created within
//!    `setupWindowSeconds` of the user and never used.
//! 2. Such a key counts even when it is inactive (CIS asks for it to be deleted).
//! 3. COMPLIANT when the key created at setup has been used.
//! 4. COMPLIANT when a never-used key was created after the setup window.
//! 5. `setupWindowSeconds` is honoured (60: a key created 5 minutes after the user passes).
//! 6. COMPLIANT when a user with a console password has no access key.
//! 7. NOT_APPLICABLE when the user has no console password (service users are out of scope).
//! 8. The root user's row is not evaluated, and a user in the report but no longer in IAM is
//!    skipped (its old result is cleared as stale).
//! 9. An invalid parameter (`setupWindowSeconds` = `-1`) is an error naming it.
//! 10. `gather` reads the credential report and pages through `ListUsers` for the user ids.
//! 11. `gather` fails, reporting nothing, when a needed date is missing from the report or when
//!     the report cannot be read (AccessDenied names the missing permission).

use shared::credential_report::{CredentialReportRow, ReportDate, UserReport};
use shared::prelude::*;

pub struct IamUserNoUnusedInitialAccessKey;

pub struct Params {
    /// Seconds after the user's creation within which a key counts as created at setup.
    setup_window_secs: i64,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { setup_window_secs: p.int("setupWindowSeconds")? })
    }
}

/// The verdict for one user's row; an error when a date the decision needs is missing.
pub fn decide(row: &CredentialReportRow, setup_window_secs: i64) -> Result<Verdict, String> {
    let user = &row.user;
    if !row.has_console_password() {
        return Ok(Verdict::not_applicable(format!("IAM user {user} has no console password.")));
    }
    let mut flagged = Vec::new();
    for (slot, key) in (1..).zip(&row.access_keys) {
        let created = match key.last_rotated {
            ReportDate::At(t) => t,
            _ if key.active => {
                return Err(format!(
                    "credential report: user {user}: access key {slot} is active but has no creation date"
                ));
            }
            _ => continue,
        };
        if key.last_used_date.at().is_some() {
            continue;
        }
        let user_created = row
            .user_creation_time
            .at()
            .ok_or_else(|| format!("credential report: user {user}: user_creation_time is not a date"))?;
        if (0..=setup_window_secs).contains(&(created.secs() - user_created.secs())) {
            flagged.push(if key.active {
                format!("access key {slot}")
            } else {
                format!("access key {slot} (inactive)")
            });
        }
    }
    Ok(if flagged.is_empty() {
        Verdict::compliant(format!(
            "IAM user {user} has no unused access key from its initial setup. Manual check: confirm each access key was requested when it was needed."
        ))
    } else {
        Verdict::non_compliant(format!(
            "IAM user {user} has a console password and {}, created at user setup and never used. Delete the key; create access keys only when the user asks for them.",
            flagged.join(" and ")
        ))
    })
}

impl PeriodicRule for IamUserNoUnusedInitialAccessKey {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-user-no-unused-initial-access-key",
        description: "Checks that IAM users with a console password have no never-used access key created when the user was set up.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[shared::iam::USER],
        parameters: &[ParamSpec::int(
            "setupWindowSeconds",
            Some("600"),
            0,
            86_400,
            "Seconds after a user's creation within which a new access key counts as created at setup.",
        )],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"],
        cis: &["1.10"],
        cis_parameters: &[("setupWindowSeconds", "600")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = UserReport;

    async fn gather(&self, aws: &Aws, params: &Params, _: &Scope) -> Result<UserReport, RuleError> {
        let facts = UserReport::fetch(&aws.client(aws_sdk_iam::Client::new)).await?;
        facts.check(|row| decide(row, params.setup_window_secs))?;
        Ok(facts)
    }

    fn evaluate(&self, facts: &UserReport, params: &Params, _: &Scope) -> Vec<Evaluation> {
        facts.evaluations(|row| decide(row, params.setup_window_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportError;
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::ReportStateType;
    use aws_smithy_mocks::mock;
    use shared::testing::iam::{credential_report, list_users};
    use shared::testing::{assert_evaluation, find, periodic};

    // Every user was created at 2026-11-01T10:00:00Z.
    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2026-11-01T10:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,true,2026-11-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2026-11-01T10:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-11-01T10:00:00+00:00,N/A,true,true,2026-11-01T10:00:05+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2026-11-01T10:00:00+00:00,true,no_information,2026-11-01T10:00:00+00:00,N/A,false,true,2026-11-10T10:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,2026-11-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
carol,arn:aws:iam::123456789012:user/carol,2026-11-01T10:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-11-01T10:00:00+00:00,N/A,true,true,2026-11-01T10:00:03+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
dave,arn:aws:iam::123456789012:user/dave,2026-11-01T10:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-11-01T10:00:00+00:00,N/A,true,true,2026-11-05T09:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
erin,arn:aws:iam::123456789012:user/erin,2026-11-01T10:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-11-01T10:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,true,2026-11-01T10:05:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
frank,arn:aws:iam::123456789012:user/frank,2026-11-01T10:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-11-01T10:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
gina,arn:aws:iam::123456789012:user/gina,2026-11-01T10:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-11-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::123456789012:user/departed,2026-11-01T10:00:00+00:00,true,N/A,2026-11-01T10:00:00+00:00,N/A,false,true,2026-11-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
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
        periodic(&IamUserNoUnusedInitialAccessKey, case, &facts()).unwrap()
    }

    #[test]
    fn scenario_1_non_compliant_with_a_never_used_key_from_setup() {
        let evaluations = evaluations("scheduled");
        let alice = find(&evaluations, "AIDAALICE0000000001");
        assert_eq!(alice.resource_type, "AWS::IAM::User");
        assert_evaluation(
            alice,
            Compliance::NonCompliant,
            &["alice", "access key 1, created at user setup and never used", "Delete the key"],
        );
    }

    #[test]
    fn scenario_2_inactive_setup_keys_count_too() {
        let evaluations = evaluations("scheduled");
        let bob = find(&evaluations, "AIDABOB000000000002");
        assert_evaluation(bob, Compliance::NonCompliant, &["bob", "access key 2 (inactive)"]);
        assert!(!bob.annotation.contains("access key 1"), "{}", bob.annotation);
    }

    #[test]
    fn scenario_3_compliant_when_the_setup_key_was_used() {
        let evaluations = evaluations("scheduled");
        assert_evaluation(
            find(&evaluations, "AIDACAROL0000000003"),
            Compliance::Compliant,
            &["carol", "no unused access key from its initial setup", "Manual check:"],
        );
    }

    #[test]
    fn scenario_4_compliant_when_the_unused_key_came_later() {
        assert_evaluation(find(&evaluations("scheduled"), "AIDADAVE00000000004"), Compliance::Compliant, &["dave"]);
    }

    #[test]
    fn scenario_5_setup_window_is_honoured() {
        // Erin's key 2 was created 300 s after her: inside the default 600 s, outside 60 s.
        let erin = "AIDAERIN00000000005";
        assert_evaluation(find(&evaluations("scheduled"), erin), Compliance::NonCompliant, &["access key 2"]);
        assert_evaluation(find(&evaluations("one-minute-window"), erin), Compliance::Compliant, &["erin"]);
        // Alice's key, 5 s after her, is still caught with 60 s.
        assert_eq!(find(&evaluations("one-minute-window"), "AIDAALICE0000000001").compliance, Compliance::NonCompliant);
    }

    #[test]
    fn scenario_6_compliant_with_a_password_and_no_keys() {
        assert_evaluation(find(&evaluations("scheduled"), "AIDAFRANK0000000006"), Compliance::Compliant, &["frank"]);
    }

    #[test]
    fn scenario_7_not_applicable_without_a_console_password() {
        assert_evaluation(
            find(&evaluations("scheduled"), "AIDAGINA00000000007"),
            Compliance::NotApplicable,
            &["gina", "no console password"],
        );
    }

    #[test]
    fn scenario_8_root_and_departed_users_are_not_evaluated() {
        let evaluations = evaluations("scheduled");
        assert_eq!(evaluations.len(), IDS.len());
        assert!(evaluations.iter().all(|e| !e.annotation.contains("root") && !e.annotation.contains("departed")));
    }

    #[test]
    fn scenario_9_invalid_parameter_is_an_error() {
        let error = periodic(&IamUserNoUnusedInitialAccessKey, "invalid-parameter", &facts()).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("setupWindowSeconds"), "{error}");
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    #[tokio::test]
    async fn scenario_10_gather_reads_the_report_and_all_user_pages() {
        let params = shared::testing::params::<IamUserNoUnusedInitialAccessKey>("scheduled").unwrap();
        let (generate, get) = credential_report(REPORT);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("carol", "AIDACAROL0000000003")]);
        let facts = IamUserNoUnusedInitialAccessKey
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &params, &scope())
            .await
            .unwrap();
        assert_eq!(list.num_calls(), 2);
        let evaluations = IamUserNoUnusedInitialAccessKey.evaluate(&facts, &params, &scope());
        assert_eq!(evaluations.len(), 2);
        assert_eq!(find(&evaluations, "AIDAALICE0000000001").compliance, Compliance::NonCompliant);
        assert_eq!(find(&evaluations, "AIDACAROL0000000003").compliance, Compliance::Compliant);
    }

    #[tokio::test]
    async fn scenario_11_unreadable_data_is_an_error_not_a_verdict() {
        let params = shared::testing::params::<IamUserNoUnusedInitialAccessKey>("scheduled").unwrap();
        let header = REPORT.lines().next().unwrap();
        // A never-used key, but no creation time for the user to compare it with.
        let undated = format!(
            "{header}\ncarol,arn:aws:iam::123456789012:user/carol,N/A,true,no_information,2026-11-01T10:00:00+00:00,N/A,false,true,2026-11-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let (generate, get) = credential_report(undated);
        let list = list_users(&[("alice", "AIDAALICE0000000001"), ("carol", "AIDACAROL0000000003")]);
        let error = IamUserNoUnusedInitialAccessKey
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &get, &list]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("user carol: user_creation_time is not a date"), "{error}");

        let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
            .then_output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build());
        let denied = mock!(aws_sdk_iam::Client::get_credential_report).then_error(|| {
            GetCredentialReportError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = IamUserNoUnusedInitialAccessKey
            .gather(&shared::mock_aws!(aws_sdk_iam, &[&generate, &denied]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetCredentialReport"), "{error}");
    }
}
