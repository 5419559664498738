//! # iam-root-user-no-recent-usage
//!
//! Checks that the root user was not used in the last `rootUsageLookbackDays` days: neither its
//! password nor either of its access keys. Daily and administrative work belongs to IAM roles or
//! IAM Identity Center; the few tasks only root can do still show up as use, so a person must
//! review each one.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: the account (`AWS::::Account`).
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: the `<root_account>` row's `password_last_used`,
//!   `access_key_1_last_used_date`, `access_key_2_last_used_date`). IAM regenerates the report at
//!   most every 4 hours, so a use in the last hours may show later.
//! - **Parameters**: `rootUsageLookbackDays` (default 30; CIS gives no number). A use counts when
//!   it is less than that many days old, to the second: a use exactly 30 days ago does not.
//! - **Same as**: no AWS managed rule checks this (custom rule).
//! - **CIS v5.0.0**: 1.6 (Manual: whether each use was a root-only task is for a person to
//!   confirm, for example from CloudTrail events with `userIdentity.type` = `Root`).
//!   **Well-Architected**: not in the pack.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when the root password was used within the look-back window; the annotation
//!    names each recent use.
//! 2. NON_COMPLIANT when a root access key was used within the window, even if the key is now
//!    inactive.
//! 3. COMPLIANT when the last root use is older than the window; a use exactly 30 days ago is
//!    outside it, one a second later is inside.
//! 4. COMPLIANT when the root user has no recorded use (`no_information`, `N/A`).
//! 5. `rootUsageLookbackDays` is honoured (7: a use 10 days ago passes).
//! 6. NOT_APPLICABLE when the credential report has no root row.
//! 7. An invalid parameter (`rootUsageLookbackDays` = `thirty`) is an error naming it.
//! 8. `gather` reads the credential report; AccessDenied is an error naming the missing
//!    permission, never a verdict.

use aws_smithy_types::DateTime;
use shared::credential_report::{self, CredentialReport};
use shared::prelude::*;
use shared::time::{DAY, format_date};

pub struct IamRootUserNoRecentUsage;

pub struct Params {
    lookback_days: i64,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { lookback_days: p.int("rootUsageLookbackDays")? })
    }
}

/// The verdict on the account from the root user's row.
pub fn decide(report: &CredentialReport, lookback_days: i64, now: DateTime) -> Verdict {
    let Some(root) = report.root() else {
        return Verdict::not_applicable(
            "The IAM credential report has no root user row, so root use cannot be reviewed in this account.",
        );
    };
    let uses: Vec<(&str, DateTime)> = [
        ("password", root.password_last_used),
        ("access key 1", root.access_keys[0].last_used_date),
        ("access key 2", root.access_keys[1].last_used_date),
    ]
    .into_iter()
    .filter_map(|(what, date)| Some((what, date.at()?)))
    .collect();
    let recent: Vec<String> = uses
        .iter()
        .filter(|(_, t)| now.secs() - t.secs() < lookback_days * DAY)
        .map(|(what, t)| format!("{what} {}", format_date(*t)))
        .collect();
    if !recent.is_empty() {
        return Verdict::non_compliant(format!(
            "The root user was used in the last {lookback_days} days ({}). Do daily work through IAM roles or IAM Identity Center. Manual check: confirm each use was a task only root can do.",
            recent.join("; ")
        ));
    }
    let last = match uses.iter().map(|(_, t)| *t).max_by_key(DateTime::secs) {
        Some(t) => format!("last use {}", format_date(t)),
        None => "no recorded use".to_owned(),
    };
    Verdict::compliant(format!(
        "The root user's password and access keys were not used in the last {lookback_days} days ({last}). Manual check: confirm administrators work through roles, not the root user."
    ))
}

impl PeriodicRule for IamRootUserNoRecentUsage {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-root-user-no-recent-usage",
        description: "Checks that the root user's password and access keys were not used in the last rootUsageLookbackDays days.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[ParamSpec::int(
            "rootUsageLookbackDays",
            Some("30"),
            1,
            3650,
            "Days back in which any use of the root user is reported.",
        )],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport"],
        cis: &["1.6"],
        cis_parameters: &[("rootUsageLookbackDays", "30")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = CredentialReport;

    async fn gather(&self, aws: &Aws, _: &Params, _: &Scope) -> Result<CredentialReport, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        credential_report::fetch(&iam).await
    }

    fn evaluate(&self, report: &CredentialReport, params: &Params, scope: &Scope) -> Vec<Evaluation> {
        vec![decide(report, params.lookback_days, scope.now).on(ACCOUNT, &scope.account_id)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::generate_credential_report::{
        GenerateCredentialReportError, GenerateCredentialReportOutput,
    };
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_sdk_iam::primitives::Blob;
    use aws_sdk_iam::types::ReportStateType;
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, periodic};

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    const USER_ROW: &str = "alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,true,2026-11-20T11:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,true,true,2026-01-02T00:00:00+00:00,2026-11-20T11:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

    /// A credential report whose root row has these last-use values, as IAM writes them.
    /// The fixtures' notification time is 2026-11-20T12:00:00Z.
    fn report(password: &str, key_1: &str, key_2: &str) -> String {
        let key = |used: &str, active: bool| match used {
            "N/A" => "false,N/A,N/A,N/A,N/A".to_owned(),
            _ => format!("{active},2019-06-01T00:00:00+00:00,{used},us-east-1,iam"),
        };
        format!(
            "{HEADER}\n<root_account>,arn:aws:iam::123456789012:root,2019-01-01T00:00:00+00:00,not_supported,{password},not_supported,not_supported,true,{},{},false,N/A,false,N/A\n{USER_ROW}\n",
            key(key_1, true),
            key(key_2, false)
        )
    }

    fn evaluate(case: &str, csv: &str) -> Evaluation {
        let evaluations = periodic(&IamRootUserNoRecentUsage, case, &CredentialReport::parse(csv).unwrap()).unwrap();
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    #[test]
    fn scenario_1_non_compliant_when_the_root_password_was_used_recently() {
        let e = evaluate("scheduled", &report("2026-11-19T08:00:00+00:00", "N/A", "N/A"));
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["used in the last 30 days (password 2026-11-19)", "IAM roles", "Manual check:"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_when_a_root_key_was_used_recently() {
        // Key 2 is inactive now, but was used three days ago; key 1 last year.
        let e =
            evaluate("scheduled", &report("no_information", "2025-11-01T00:00:00+00:00", "2026-11-17T12:00:00+00:00"));
        assert_evaluation(&e, Compliance::NonCompliant, &["(access key 2 2026-11-17)"]);
        let e = evaluate(
            "scheduled",
            &report("2026-11-20T11:59:00+00:00", "2026-11-18T00:00:00+00:00", "2026-11-17T12:00:00+00:00"),
        );
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["(password 2026-11-20; access key 1 2026-11-18; access key 2 2026-11-17)"],
        );
    }

    #[test]
    fn scenario_3_compliant_when_the_last_use_is_older_than_the_window() {
        let e = evaluate("scheduled", &report("2026-10-21T12:00:00+00:00", "2026-01-01T00:00:00+00:00", "N/A"));
        assert_evaluation(&e, Compliance::Compliant, &["not used in the last 30 days (last use 2026-10-21)"]);
        let e = evaluate("scheduled", &report("2026-10-21T12:00:01+00:00", "N/A", "N/A"));
        assert_evaluation(&e, Compliance::NonCompliant, &["password 2026-10-21"]);
    }

    #[test]
    fn scenario_4_compliant_without_any_recorded_use() {
        let e = evaluate("scheduled", &report("no_information", "N/A", "N/A"));
        assert_evaluation(&e, Compliance::Compliant, &["(no recorded use)", "Manual check:"]);
    }

    #[test]
    fn scenario_5_lookback_is_honoured() {
        let csv = report("2026-11-10T12:00:00+00:00", "N/A", "N/A");
        assert_evaluation(&evaluate("lookback-7-days", &csv), Compliance::Compliant, &["last 7 days"]);
        assert_evaluation(&evaluate("scheduled", &csv), Compliance::NonCompliant, &["password 2026-11-10"]);
    }

    #[test]
    fn scenario_6_not_applicable_without_a_root_row() {
        let e = evaluate("scheduled", &format!("{HEADER}\n{USER_ROW}\n"));
        assert_evaluation(&e, Compliance::NotApplicable, &["no root user row"]);
    }

    #[test]
    fn scenario_7_invalid_parameter_is_an_error() {
        let csv = report("no_information", "N/A", "N/A");
        let error = periodic(&IamRootUserNoRecentUsage, "invalid-parameter", &CredentialReport::parse(&csv).unwrap())
            .unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("rootUsageLookbackDays"), "{error}");
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(shared::time::parse_rfc3339("2026-11-20T12:00:00Z").unwrap())
    }

    #[tokio::test]
    async fn scenario_8_gather_reads_the_report_and_reports_errors() {
        let params = shared::testing::params::<IamRootUserNoRecentUsage>("scheduled").unwrap();
        let csv = report("2026-11-19T08:00:00+00:00", "N/A", "N/A");
        let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
            .sequence()
            .output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Started).build())
            .output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build())
            .build();
        let get = mock!(aws_sdk_iam::Client::get_credential_report)
            .then_output(move || GetCredentialReportOutput::builder().content(Blob::new(csv.clone())).build());
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&generate, &get]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(iam);
        let report = IamRootUserNoRecentUsage.gather(&aws, &params, &scope()).await.unwrap();
        assert_eq!(generate.num_calls(), 2);
        let [e] = IamRootUserNoRecentUsage.evaluate(&report, &params, &scope()).try_into().unwrap();
        assert_eq!(e.compliance, Compliance::NonCompliant);

        let denied = mock!(aws_sdk_iam::Client::generate_credential_report).then_error(|| {
            GenerateCredentialReportError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = IamRootUserNoRecentUsage.gather(&iam_with(&[&denied]), &params, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GenerateCredentialReport"), "{error}");
    }
}
