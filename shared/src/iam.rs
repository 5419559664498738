//! IAM reads that several rules share.

use std::collections::HashMap;

use crate::error::{AwsResultExt, RuleError};

/// The resource type of IAM users, which AWS Config records by user id.
pub const USER: &str = "AWS::IAM::User";

/// User name → user id (the id AWS Config records users by), for every IAM user.
/// IAM action: `iam:ListUsers`.
pub async fn user_ids(iam: &aws_sdk_iam::Client) -> Result<HashMap<String, String>, RuleError> {
    let mut ids = HashMap::new();
    let mut pages = iam.list_users().into_paginator().send();
    while let Some(page) = pages.next().await {
        for user in page.context("iam:ListUsers")?.users() {
            ids.insert(user.user_name().to_owned(), user.user_id().to_owned());
        }
    }
    Ok(ids)
}

/// The account summary counters (`AccountMFAEnabled`, `AccountAccessKeysPresent`,
/// `AccountPasswordPresent`, `Users`, …). IAM action: `iam:GetAccountSummary`.
pub async fn account_summary(iam: &aws_sdk_iam::Client) -> Result<HashMap<String, i32>, RuleError> {
    let output = iam.get_account_summary().send().await.context("iam:GetAccountSummary")?;
    Ok(output.summary_map().map(|m| m.iter().map(|(k, v)| (k.as_str().to_owned(), *v)).collect()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput;
    use aws_sdk_iam::operation::list_users::ListUsersOutput;
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::{SummaryKeyType, User};
    use aws_smithy_mocks::{RuleMode, mock};

    #[tokio::test]
    async fn user_ids_page_through_list_users() {
        let user = |name: &str| {
            User::builder()
                .user_name(name)
                .user_id(format!("AIDA{}", name.to_uppercase()))
                .path("/")
                .arn(format!("arn:aws:iam::123456789012:user/{name}"))
                .create_date(DateTime::from_secs(0))
                .build()
                .unwrap()
        };
        let (a, b) = (user("alice"), user("bob"));
        let list = mock!(aws_sdk_iam::Client::list_users)
            .sequence()
            .output(move || ListUsersOutput::builder().users(a.clone()).is_truncated(true).marker("m").build().unwrap())
            .output(move || ListUsersOutput::builder().users(b.clone()).build().unwrap())
            .build();
        let iam = crate::mock_client!(aws_sdk_iam, RuleMode::Sequential, &[&list]);
        let ids = user_ids(&iam).await.unwrap();
        assert_eq!(ids.get("bob").map(String::as_str), Some("AIDABOB"));
        assert_eq!(ids.len(), 2);
    }

    #[tokio::test]
    async fn account_summary_is_a_name_to_count_map() {
        let summary = mock!(aws_sdk_iam::Client::get_account_summary).then_output(|| {
            GetAccountSummaryOutput::builder()
                .summary_map(SummaryKeyType::AccountMfaEnabled, 1)
                .summary_map(SummaryKeyType::AccountAccessKeysPresent, 0)
                .build()
        });
        let iam = crate::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&summary]);
        let map = account_summary(&iam).await.unwrap();
        assert_eq!(map.get("AccountMFAEnabled"), Some(&1));
        assert_eq!(map.get("AccountAccessKeysPresent"), Some(&0));
    }
}
