//! IAM mocks that many rule tests need: the credential report, paged users, the account summary.
#![allow(clippy::unwrap_used, reason = "test support: a broken fixture must fail the test loudly")]

use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
use aws_sdk_iam::operation::list_users::ListUsersOutput;
use aws_sdk_iam::primitives::{Blob, DateTime};
use aws_sdk_iam::types::{ReportStateType, SummaryKeyType, User};
use aws_smithy_mocks::{Rule, mock};

/// `GenerateCredentialReport` (complete at once) and `GetCredentialReport` returning `csv`.
pub fn credential_report(csv: impl Into<String>) -> (Rule, Rule) {
    let csv: String = csv.into();
    let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
        .then_output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build());
    let get = mock!(aws_sdk_iam::Client::get_credential_report)
        .then_output(move || GetCredentialReportOutput::builder().content(Blob::new(csv.clone())).build());
    (generate, get)
}

/// An IAM user of account 123456789012.
pub fn user(name: &str, id: &str) -> User {
    User::builder()
        .user_name(name)
        .user_id(id)
        .path("/")
        .arn(format!("arn:aws:iam::123456789012:user/{name}"))
        .create_date(DateTime::from_secs(0))
        .build()
        .unwrap()
}

/// `ListUsers` answering with one page per `(name, id)`, linked by markers, so a test can check
/// that every page is read (`rule.num_calls()` is the number of users).
pub fn list_users(users: &[(&str, &str)]) -> Rule {
    let pages: Vec<User> = users.iter().map(|(name, id)| user(name, id)).collect();
    let last = pages.len().saturating_sub(1);
    let mut sequence = mock!(aws_sdk_iam::Client::list_users).sequence();
    for (i, page) in pages.into_iter().enumerate() {
        sequence = sequence.output(move || {
            let out = ListUsersOutput::builder().users(page.clone());
            if i < last { out.is_truncated(true).marker(format!("page-{}", i + 1)) } else { out }.build().unwrap()
        });
    }
    sequence.build()
}

/// `GetAccountSummary` with `Users` = 3 and `entries`.
pub fn account_summary(entries: &'static [(SummaryKeyType, i32)]) -> Rule {
    mock!(aws_sdk_iam::Client::get_account_summary).then_output(move || {
        let mut out = GetAccountSummaryOutput::builder().summary_map(SummaryKeyType::Users, 3);
        for (key, value) in entries {
            out = out.summary_map(key.clone(), *value);
        }
        out.build()
    })
}
