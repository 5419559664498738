//! The IAM credential report: generated, awaited and parsed once here, because many checks
//! (MFA, unused credentials, key rotation, root usage) read it.
//!
//! Values follow IAM's conventions: dates are RFC 3339; `N/A` means "never" or "does not apply";
//! `no_information` means IAM has no record (for example a password not used since October 2014);
//! `not_supported` appears on the root row for password fields. The root user's row is named
//! `<root_account>`.

use std::collections::HashMap;
use std::time::Duration;

use aws_smithy_types::DateTime;

use crate::error::{AwsResultExt, RuleError, error_code};
use crate::evaluation::{Evaluation, Verdict};
use crate::time::parse_rfc3339;

/// The name of the root user's row.
pub const ROOT_USER: &str = "<root_account>";

/// A date column of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportDate {
    At(DateTime),
    /// `N/A`: never happened, or does not apply.
    NotApplicable,
    /// `no_information`: IAM has no record.
    NoInformation,
    /// `not_supported`.
    NotSupported,
}

impl ReportDate {
    pub fn at(self) -> Option<DateTime> {
        match self {
            ReportDate::At(t) => Some(t),
            _ => None,
        }
    }
}

/// One access key's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeyColumns {
    pub active: bool,
    pub last_rotated: ReportDate,
    pub last_used_date: ReportDate,
}

/// One row: a user, or the root user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: ReportDate,
    /// `None` on the root row (`not_supported`): the root user always has a password.
    pub password_enabled: Option<bool>,
    pub password_last_used: ReportDate,
    pub password_last_changed: ReportDate,
    pub mfa_active: bool,
    pub access_keys: [AccessKeyColumns; 2],
    pub certs_active: [bool; 2],
}

impl CredentialReportRow {
    pub fn is_root(&self) -> bool {
        self.user == ROOT_USER
    }

    /// Whether the user can sign in to the console with a password.
    pub fn has_console_password(&self) -> bool {
        self.password_enabled == Some(true)
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialReport {
    pub generated: Option<DateTime>,
    pub rows: Vec<CredentialReportRow>,
}

impl CredentialReport {
    /// The IAM users' rows (without the root row).
    pub fn users(&self) -> impl Iterator<Item = &CredentialReportRow> {
        self.rows.iter().filter(|r| !r.is_root())
    }

    pub fn root(&self) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| r.is_root())
    }

    /// Parses the CSV text of a report.
    pub fn parse(csv: &str) -> Result<Self, RuleError> {
        let bad = |m: String| RuleError::InvalidData(format!("credential report: {m}"));
        let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
        let header: Vec<&str> =
            lines.next().ok_or_else(|| bad("the report is empty".into()))?.split(',').map(str::trim).collect();
        let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (*h, i)).collect();
        let col = |name: &'static str| index.get(name).copied().ok_or_else(|| bad(format!("column {name} is missing")));
        let cols = Columns {
            user: col("user")?,
            arn: col("arn")?,
            user_creation_time: col("user_creation_time")?,
            password_enabled: col("password_enabled")?,
            password_last_used: col("password_last_used")?,
            password_last_changed: col("password_last_changed")?,
            mfa_active: col("mfa_active")?,
            key_active: [col("access_key_1_active")?, col("access_key_2_active")?],
            key_last_rotated: [col("access_key_1_last_rotated")?, col("access_key_2_last_rotated")?],
            key_last_used: [col("access_key_1_last_used_date")?, col("access_key_2_last_used_date")?],
            cert_active: [col("cert_1_active")?, col("cert_2_active")?],
        };
        let rows = lines.map(|line| cols.row(&header, line).map_err(bad)).collect::<Result<_, _>>()?;
        Ok(CredentialReport { generated: None, rows })
    }
}

struct Columns {
    user: usize,
    arn: usize,
    user_creation_time: usize,
    password_enabled: usize,
    password_last_used: usize,
    password_last_changed: usize,
    mfa_active: usize,
    key_active: [usize; 2],
    key_last_rotated: [usize; 2],
    key_last_used: [usize; 2],
    cert_active: [usize; 2],
}

impl Columns {
    fn row(&self, header: &[&str], line: &str) -> Result<CredentialReportRow, String> {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != header.len() {
            return Err(format!("a row has {} cells where the header has {}", cells.len(), header.len()));
        }
        let user = cells[self.user];
        let cell = |i: usize| (header[i], cells[i]);
        let flag = |i: usize| -> Result<Option<bool>, String> {
            match cell(i) {
                (_, "true") => Ok(Some(true)),
                (_, "false") => Ok(Some(false)),
                (_, "not_supported" | "N/A") => Ok(None),
                (name, other) => Err(format!("user {user}: {name} is {other:?}, expected true or false")),
            }
        };
        let date = |i: usize| -> Result<ReportDate, String> {
            match cell(i) {
                (_, "N/A" | "") => Ok(ReportDate::NotApplicable),
                (_, "no_information") => Ok(ReportDate::NoInformation),
                (_, "not_supported") => Ok(ReportDate::NotSupported),
                (name, text) => {
                    parse_rfc3339(text).map(ReportDate::At).map_err(|e| format!("user {user}: {name}: {e}"))
                }
            }
        };
        let key = |k: usize| -> Result<AccessKeyColumns, String> {
            Ok(AccessKeyColumns {
                active: flag(self.key_active[k])?.unwrap_or(false),
                last_rotated: date(self.key_last_rotated[k])?,
                last_used_date: date(self.key_last_used[k])?,
            })
        };
        Ok(CredentialReportRow {
            user: user.to_owned(),
            arn: cells[self.arn].to_owned(),
            user_creation_time: date(self.user_creation_time)?,
            password_enabled: flag(self.password_enabled)?,
            password_last_used: date(self.password_last_used)?,
            password_last_changed: date(self.password_last_changed)?,
            mfa_active: flag(self.mfa_active)?.unwrap_or(false),
            access_keys: [key(0)?, key(1)?],
            certs_active: [flag(self.cert_active[0])?.unwrap_or(false), flag(self.cert_active[1])?.unwrap_or(false)],
        })
    }
}

/// How long to wait between polls while IAM generates the report (about 40 s in all).
pub const POLL_DELAYS: &[Duration] = &[
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
    Duration::from_secs(8),
    Duration::from_secs(8),
    Duration::from_secs(8),
];

/// Generates (or reuses, if IAM has a recent one) the credential report and parses it.
pub async fn fetch(iam: &aws_sdk_iam::Client) -> Result<CredentialReport, RuleError> {
    fetch_with(iam, POLL_DELAYS).await
}

/// [`fetch`], with the waits between polls given (tests pass zeros).
pub async fn fetch_with(iam: &aws_sdk_iam::Client, delays: &[Duration]) -> Result<CredentialReport, RuleError> {
    let mut delays = delays.iter();
    loop {
        let generated = iam.generate_credential_report().send().await.context("iam:GenerateCredentialReport")?;
        let complete = generated.state().map(|s| s.as_str() == "COMPLETE").unwrap_or(false);
        if complete {
            match iam.get_credential_report().send().await {
                Ok(report) => {
                    let bytes = report.content().map(|b| b.as_ref()).unwrap_or_default();
                    let text = std::str::from_utf8(bytes)
                        .map_err(|e| RuleError::InvalidData(format!("credential report is not UTF-8: {e}")))?;
                    let mut parsed = CredentialReport::parse(text)?;
                    parsed.generated = report.generated_time().copied();
                    return Ok(parsed);
                }
                Err(e) if matches!(error_code(&e), Some("ReportInProgress" | "ReportNotPresent" | "ReportExpired")) => {
                }
                Err(e) => return Err(crate::error::aws_error("iam:GetCredentialReport", e)),
            }
        }
        match delays.next() {
            Some(delay) => tokio::time::sleep(*delay).await,
            None => {
                return Err(RuleError::Service {
                    action: "iam:GenerateCredentialReport".into(),
                    code: "ReportNotReady".into(),
                    message: "IAM did not finish generating the credential report in time; the next run will retry"
                        .into(),
                });
            }
        }
    }
}

/// The credential report with the id of every IAM user (AWS Config records users by id): the
/// facts of the rules that judge each IAM user by their row of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserReport {
    pub report: CredentialReport,
    /// User name → user id, from `iam:ListUsers`.
    pub user_ids: HashMap<String, String>,
}

impl UserReport {
    /// The IAM actions [`UserReport::fetch`] calls.
    pub const ACTIONS: [&str; 3] = ["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers"];

    /// Reads the credential report and the user ids.
    pub async fn fetch(iam: &aws_sdk_iam::Client) -> Result<Self, RuleError> {
        let report = fetch_with(iam, POLL_DELAYS).await?;
        let user_ids = crate::iam::user_ids(iam).await?;
        Ok(UserReport { report, user_ids })
    }

    /// The rows of the IAM users that still exist, each with the user's id. The root user's row,
    /// and users deleted since the report was generated, are left out.
    pub fn users(&self) -> impl Iterator<Item = (&CredentialReportRow, &str)> {
        self.report.users().filter_map(|row| Some((row, self.user_ids.get(&row.user)?.as_str())))
    }

    /// Checks that `decide` can read every user's row. Call it in `gather`: a row the decision
    /// cannot read then fails the run before anything is reported, instead of losing its verdict.
    pub fn check<T>(&self, decide: impl Fn(&CredentialReportRow) -> Result<T, String>) -> Result<(), RuleError> {
        self.users().try_for_each(|(row, _)| decide(row).map(drop).map_err(RuleError::InvalidData))
    }

    /// One evaluation of `AWS::IAM::User` per user, from `decide`. Rows `decide` cannot read
    /// (which [`UserReport::check`] has refused in `gather`) are left out.
    pub fn evaluations(&self, decide: impl Fn(&CredentialReportRow) -> Result<Verdict, String>) -> Vec<Evaluation> {
        self.users().filter_map(|(row, id)| Some(decide(row).ok()?.on(crate::iam::USER, id))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SAMPLE: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,false,true,2026-01-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,true,false,N/A,N/A,N/A,N/A,true,2026-02-01T00:00:00+00:00,2026-03-01T00:00:00+00:00,us-east-1,s3,false,N/A,false,N/A
";

    #[test]
    fn parses_root_and_user_rows() {
        let report = CredentialReport::parse(SAMPLE).unwrap();
        let root = report.root().unwrap();
        assert_eq!(root.password_enabled, None);
        assert!(root.mfa_active);
        let users: Vec<_> = report.users().collect();
        assert_eq!(users.len(), 2);
        assert!(users[0].has_console_password() && !users[0].mfa_active);
        assert_eq!(users[0].password_last_used, ReportDate::NoInformation);
        assert!(users[0].access_keys[0].active);
        assert_eq!(users[0].access_keys[0].last_used_date, ReportDate::NotApplicable);
        assert!(!users[1].has_console_password());
        assert!(users[1].access_keys[1].last_used_date.at().is_some());
    }

    #[test]
    fn malformed_reports_are_errors() {
        assert!(CredentialReport::parse("").is_err());
        assert!(CredentialReport::parse("user,arn\nalice,x").unwrap_err().to_string().contains("user_creation_time"));
        let short = SAMPLE.lines().take(2).collect::<Vec<_>>().join("\n") + "\nalice,arn";
        assert!(CredentialReport::parse(&short).unwrap_err().to_string().contains("cells"));
        let bad_flag = SAMPLE.replace(
            "alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,true",
            "alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,maybe",
        );
        assert!(CredentialReport::parse(&bad_flag).unwrap_err().to_string().contains("password_enabled"));
        let bad_date = SAMPLE.replace("2026-01-02T00:00:00+00:00", "yesterday");
        assert!(CredentialReport::parse(&bad_date).unwrap_err().to_string().contains("access_key_1_last_rotated"));
    }

    mod fetching {
        use super::SAMPLE;
        use crate::credential_report::fetch_with;
        use aws_sdk_iam::operation::generate_credential_report::{
            GenerateCredentialReportError, GenerateCredentialReportOutput,
        };
        use aws_sdk_iam::operation::get_credential_report::{GetCredentialReportError, GetCredentialReportOutput};
        use aws_sdk_iam::primitives::Blob;
        use aws_sdk_iam::types::ReportStateType;
        use aws_smithy_mocks::{RuleMode, mock};
        use std::time::Duration;

        fn error(code: &str) -> aws_sdk_iam::error::ErrorMetadata {
            aws_sdk_iam::error::ErrorMetadata::builder().code(code).message(code).build()
        }

        #[tokio::test]
        async fn waits_while_iam_generates_the_report() {
            let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
                .sequence()
                .output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Started).build())
                .output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build())
                .output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build())
                .build();
            let get = mock!(aws_sdk_iam::Client::get_credential_report)
                .sequence()
                .error(|| GetCredentialReportError::generic(error("ReportInProgress")))
                .output(|| GetCredentialReportOutput::builder().content(Blob::new(SAMPLE)).build())
                .build();
            let iam = crate::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&generate, &get]);
            let report = fetch_with(&iam, &[Duration::ZERO; 3]).await.unwrap();
            assert_eq!(report.rows.len(), 3);
            assert_eq!((generate.num_calls(), get.num_calls()), (3, 2));
        }

        #[tokio::test]
        async fn gives_up_with_a_clear_error_when_the_report_never_completes() {
            let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
                .then_output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Inprogress).build());
            let iam = crate::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&generate]);
            let error = fetch_with(&iam, &[Duration::ZERO; 2]).await.unwrap_err();
            assert!(error.to_string().contains("did not finish generating"), "{error}");
            assert_eq!(generate.num_calls(), 3);
        }

        #[tokio::test]
        async fn access_denied_names_the_action() {
            let denied = mock!(aws_sdk_iam::Client::generate_credential_report)
                .then_error(|| GenerateCredentialReportError::generic(error("AccessDenied")));
            let iam = crate::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&denied]);
            let error = fetch_with(&iam, &[]).await.unwrap_err();
            assert_eq!(error.error_type(), "AccessDenied");
            assert!(error.to_string().contains("iam:GenerateCredentialReport"), "{error}");
        }
    }

    #[test]
    fn user_report_pairs_rows_with_ids_and_checks_before_reporting() {
        let facts = UserReport {
            report: CredentialReport::parse(SAMPLE).unwrap(),
            // bob was deleted after the report was generated; carol has no row yet.
            user_ids: [("alice", "AIDAALICE"), ("carol", "AIDACAROL")]
                .into_iter()
                .map(|(n, id)| (n.to_owned(), id.to_owned()))
                .collect(),
        };
        let users: Vec<(&str, &str)> = facts.users().map(|(row, id)| (row.user.as_str(), id)).collect();
        assert_eq!(users, [("alice", "AIDAALICE")]);
        let decide = |row: &CredentialReportRow| -> Result<Verdict, String> {
            if row.mfa_active { Ok(Verdict::compliant("mfa")) } else { Err(format!("user {}: unreadable", row.user)) }
        };
        let error = facts.check(decide).unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("user alice: unreadable"), "{error}");
        assert!(facts.evaluations(decide).is_empty());
        let evaluations = facts.evaluations(|row| Ok(Verdict::non_compliant(format!("{} judged", row.user))));
        assert_eq!(evaluations.len(), 1);
        assert_eq!(
            (evaluations[0].resource_type.as_str(), evaluations[0].resource_id.as_str()),
            (crate::iam::USER, "AIDAALICE")
        );
        assert!(facts.check(|_| Ok::<_, String>(())).is_ok());
    }
}
