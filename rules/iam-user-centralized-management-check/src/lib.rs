//! # iam-user-centralized-management-check
//!
//! Checks that people are not managed as IAM users outside the central identity account: human
//! access should come through identity federation or IAM Identity Center, and other accounts
//! should hold only service users. A console password marks a user as a likely person.
//!
//! - **Trigger**: periodic, every 24 hours.
//! - **Reports on**: `AWS::IAM::User`, by user id (as AWS Config records users).
//! - **Reads**: the IAM credential report (`iam:GenerateCredentialReport`,
//!   `iam:GetCredentialReport`: `password_enabled`), `iam:ListUsers` (user ids) and, only when
//!   `serviceUserTag` is set, `iam:ListUserTags` for each user with a console password.
//!   IAM regenerates the report at most every 4 hours.
//! - **Parameters** (all optional): `identityAccountIds` (accounts that may hold IAM users for
//!   people: every user there is NOT_APPLICABLE); `serviceUserTag` (`key=value`, or `key` for any
//!   value: a user carrying it is a service user; key and value match exactly); `exemptUserNames`
//!   (users accepted as they are, such as break-glass users; matched ignoring letter case, as
//!   IAM user names are).
//! - **Same as**: no AWS managed rule checks this (custom rule). It complements the managed rule
//!   `account-part-of-organizations`, which covers the other half of CIS 1.20.
//! - **CIS v5.0.0**: 1.20 (Manual: which account is the identity account, and whether a user
//!   represents a person, is for a person to confirm). **Well-Architected**: not in the pack.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when a user has a console password (a likely person) and the account is not a
//!    central identity account.
//! 2. COMPLIANT when a user has no console password (a likely service user); the annotation asks
//!    for a manual check that it is not a person.
//! 3. COMPLIANT when the user is in `exemptUserNames`, whatever the letter case.
//! 4. COMPLIANT when a user with a console password carries `serviceUserTag`; one without the tag,
//!    or with another value, stays NON_COMPLIANT and is told to tag or move.
//! 5. NOT_APPLICABLE for every user when the account is in `identityAccountIds`.
//! 6. The root user's row is not evaluated, and a user in the report but no longer in IAM is
//!    skipped (its old result is cleared as stale).
//! 7. Invalid parameters (an account id that is not 12 digits, a tag without a key) are errors
//!    naming them.
//! 8. `gather` reads the credential report, pages through `ListUsers`, and pages through
//!    `ListUserTags` only for users with a console password, only when `serviceUserTag` is set
//!    and the account is not an identity account.
//! 9. `gather` reports AccessDenied on `ListUserTags` as an error naming it; a user deleted before
//!    its tags were read is skipped.

use std::collections::HashMap;

use shared::credential_report::{self, CredentialReport, CredentialReportRow};
use shared::prelude::*;

pub struct IamUserCentralizedManagementCheck;

const USER: &str = "AWS::IAM::User";

/// A tag that marks service users: the key, and the value (any value when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTag {
    key: String,
    value: Option<String>,
}

impl ServiceTag {
    fn parse(text: &str) -> Result<Self, ParamError> {
        let (key, value) = match text.split_once('=') {
            Some((key, value)) => (key.trim(), Some(value.trim().to_owned())),
            None => (text.trim(), None),
        };
        if key.is_empty() {
            return Err(ParamError::new("serviceUserTag", format!("expected key=value or key, got {text:?}")));
        }
        Ok(ServiceTag { key: key.to_owned(), value })
    }

    fn matches(&self, tags: &[(String, String)]) -> bool {
        tags.iter().any(|(k, v)| *k == self.key && self.value.as_ref().is_none_or(|want| want == v))
    }
}

impl std::fmt::Display for ServiceTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.value {
            Some(value) => write!(f, "{}={value}", self.key),
            None => write!(f, "{}", self.key),
        }
    }
}

pub struct Params {
    identity_accounts: Vec<String>,
    service_tag: Option<ServiceTag>,
    exempt: Vec<String>,
}

impl Params {
    fn is_exempt(&self, user: &str) -> bool {
        self.exempt.iter().any(|name| name.eq_ignore_ascii_case(user))
    }
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let identity_accounts = p.list("identityAccountIds")?.to_vec();
        if let Some(bad) = identity_accounts.iter().find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ParamError::new("identityAccountIds", format!("expected 12-digit account ids, got {bad:?}")));
        }
        Ok(Params {
            identity_accounts,
            service_tag: p
                .opt_string("serviceUserTag")?
                .filter(|t| !t.is_empty())
                .map(ServiceTag::parse)
                .transpose()?,
            exempt: p.list("exemptUserNames")?.to_vec(),
        })
    }
}

/// The credential report, user name → user id, and user name → tags for the users whose tags
/// the decision needs (console users, when `serviceUserTag` is set).
#[derive(Debug)]
pub struct Facts {
    pub report: CredentialReport,
    pub user_ids: HashMap<String, String>,
    pub tags: HashMap<String, Vec<(String, String)>>,
}

/// Whether the decision needs this user's tags.
fn needs_tags(row: &CredentialReportRow, params: &Params) -> bool {
    params.service_tag.is_some() && row.has_console_password() && !params.is_exempt(&row.user)
}

/// The verdict for one user's row, outside an identity account; `None` when the user's tags are
/// needed but were not read (the user was deleted meanwhile).
pub fn decide(row: &CredentialReportRow, params: &Params, tags: Option<&[(String, String)]>) -> Option<Verdict> {
    let user = &row.user;
    let manual = "Manual check: confirm it does not represent a person.";
    if params.is_exempt(user) {
        return Some(Verdict::compliant(format!(
            "IAM user {user} is exempt (exemptUserNames). Manual check: confirm it is a break-glass or service user."
        )));
    }
    if !row.has_console_password() {
        return Some(Verdict::compliant(format!(
            "IAM user {user} has no console password, so it looks like a service user. {manual}"
        )));
    }
    let or_tag = match &params.service_tag {
        Some(tag) if tag.matches(tags?) => {
            return Some(Verdict::compliant(format!("IAM user {user} is tagged as a service user ({tag}). {manual}")));
        }
        Some(tag) => format!(", or tag it {tag} if it is a service user"),
        None => String::new(),
    };
    Some(Verdict::non_compliant(format!(
        "IAM user {user} has a console password outside a central identity account. Give this person federated or IAM Identity Center access and delete the user{or_tag}."
    )))
}

/// A user's tags, all pages; `None` when the user no longer exists.
async fn user_tags(iam: &aws_sdk_iam::Client, user: &str) -> Result<Option<Vec<(String, String)>>, RuleError> {
    let mut tags = Vec::new();
    let mut pages = iam.list_user_tags().user_name(user).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_entity_exception()) => return Ok(None),
            page => page.context("iam:ListUserTags")?,
        };
        tags.extend(page.tags().iter().map(|t| (t.key().to_owned(), t.value().to_owned())));
    }
    Ok(Some(tags))
}

impl PeriodicRule for IamUserCentralizedManagementCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-user-centralized-management-check",
        description: "Checks that IAM users with a console password (likely people) exist only in central identity accounts, unless exempt or tagged as service users.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[USER],
        parameters: &[
            ParamSpec::csv(
                "identityAccountIds",
                None,
                "Accounts that may hold IAM users for people (central identity accounts).",
            ),
            ParamSpec::string(
                "serviceUserTag",
                None,
                "A tag (key=value, or key) that marks an IAM user as a service user.",
            ),
            ParamSpec::csv("exemptUserNames", None, "IAM user names accepted as they are, such as break-glass users."),
        ],
        iam_actions: &["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers", "iam:ListUserTags"],
        cis: &["1.20"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Facts;

    async fn gather(&self, aws: &Aws, params: &Params, scope: &Scope) -> Result<Facts, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let report = credential_report::fetch(&iam).await?;
        let user_ids = shared::iam::user_ids(&iam).await?;
        let mut tags = HashMap::new();
        if !params.identity_accounts.contains(&scope.account_id) {
            for row in report.users().filter(|row| user_ids.contains_key(&row.user) && needs_tags(row, params)) {
                if let Some(found) = user_tags(&iam, &row.user).await? {
                    tags.insert(row.user.clone(), found);
                }
            }
        }
        Ok(Facts { report, user_ids, tags })
    }

    fn evaluate(&self, facts: &Facts, params: &Params, scope: &Scope) -> Vec<Evaluation> {
        let account = &scope.account_id;
        let identity_account = params.identity_accounts.contains(account);
        facts
            .report
            .users()
            .filter_map(|row| {
                let id = facts.user_ids.get(&row.user)?;
                let verdict = if identity_account {
                    Verdict::not_applicable(format!(
                        "Account {account} is a central identity account (identityAccountIds), where IAM users may live. Manual check: confirm its identity provider or IAM Identity Center setup."
                    ))
                } else {
                    decide(row, params, facts.tags.get(&row.user).map(Vec::as_slice))?
                };
                Some(verdict.on(USER, id))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_sdk_iam::operation::list_user_tags::{ListUserTagsError, ListUserTagsOutput};
    use aws_sdk_iam::operation::list_users::ListUsersOutput;
    use aws_sdk_iam::primitives::{Blob, DateTime};
    use aws_sdk_iam::types::error::NoSuchEntityException;
    use aws_sdk_iam::types::{ReportStateType, Tag, User};
    use aws_smithy_mocks::{RuleMode, mock};
    use shared::testing::{assert_evaluation, find, periodic};

    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,true,2026-11-19T08:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00+00:00,2026-11-19T08:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
break-glass,arn:aws:iam::123456789012:user/break-glass,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
legacy-admin,arn:aws:iam::123456789012:user/legacy-admin,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
ci-deployer,arn:aws:iam::123456789012:user/ci-deployer,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,false,true,2026-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
kiosk,arn:aws:iam::123456789012:user/kiosk,2026-01-01T00:00:00+00:00,true,no_information,2026-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::123456789012:user/departed,2026-01-01T00:00:00+00:00,true,N/A,2026-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    const IDS: &[(&str, &str)] = &[
        ("alice", "AIDAALICE0000000001"),
        ("bob", "AIDABOB000000000002"),
        ("break-glass", "AIDABREAKGLASS00003"),
        ("legacy-admin", "AIDALEGACY000000004"),
        ("ci-deployer", "AIDACIDEPLOYER00005"),
        ("kiosk", "AIDAKIOSK0000000006"),
    ];

    fn tag(key: &str, value: &str) -> (String, String) {
        (key.to_owned(), value.to_owned())
    }

    fn facts() -> Facts {
        let mut tags = HashMap::new();
        for name in ["alice", "break-glass", "legacy-admin"] {
            tags.insert(name.to_owned(), vec![tag("team", "platform")]);
        }
        tags.insert("ci-deployer".to_owned(), vec![tag("team", "platform"), tag("user-type", "service")]);
        tags.insert("kiosk".to_owned(), vec![tag("user-type", "human")]);
        Facts {
            report: CredentialReport::parse(REPORT).unwrap(),
            user_ids: IDS.iter().map(|(n, id)| ((*n).to_owned(), (*id).to_owned())).collect(),
            tags,
        }
    }

    fn evaluations(case: &str) -> Vec<Evaluation> {
        periodic(&IamUserCentralizedManagementCheck, case, &facts()).unwrap()
    }

    #[test]
    fn scenario_1_non_compliant_with_a_console_password_outside_the_identity_account() {
        let evaluations = evaluations("scheduled");
        let alice = find(&evaluations, "AIDAALICE0000000001");
        assert_eq!(alice.resource_type, "AWS::IAM::User");
        assert_evaluation(
            alice,
            Compliance::NonCompliant,
            &["alice", "console password outside a central identity account", "IAM Identity Center"],
        );
        assert!(!alice.annotation.contains("tag it"), "{}", alice.annotation);
        for person in ["AIDABREAKGLASS00003", "AIDALEGACY000000004", "AIDACIDEPLOYER00005", "AIDAKIOSK0000000006"] {
            assert_eq!(find(&evaluations, person).compliance, Compliance::NonCompliant);
        }
    }

    #[test]
    fn scenario_2_compliant_without_a_console_password() {
        assert_evaluation(
            find(&evaluations("scheduled"), "AIDABOB000000000002"),
            Compliance::Compliant,
            &["bob", "looks like a service user", "Manual check:"],
        );
    }

    #[test]
    fn scenario_3_exempt_users_are_compliant_whatever_the_case() {
        let evaluations = evaluations("exempt-users");
        assert_evaluation(
            find(&evaluations, "AIDABREAKGLASS00003"),
            Compliance::Compliant,
            &["exempt", "Manual check:"],
        );
        // Listed as "Legacy-Admin".
        assert_evaluation(find(&evaluations, "AIDALEGACY000000004"), Compliance::Compliant, &["legacy-admin"]);
        assert_eq!(find(&evaluations, "AIDAALICE0000000001").compliance, Compliance::NonCompliant);
    }

    #[test]
    fn scenario_4_service_tag_makes_a_console_user_compliant() {
        let evaluations = evaluations("service-tag");
        assert_evaluation(
            find(&evaluations, "AIDACIDEPLOYER00005"),
            Compliance::Compliant,
            &["tagged as a service user (user-type=service)", "Manual check:"],
        );
        assert_evaluation(
            find(&evaluations, "AIDAKIOSK0000000006"),
            Compliance::NonCompliant,
            &["kiosk", "or tag it user-type=service if it is a service user"],
        );
        assert_eq!(find(&evaluations, "AIDAALICE0000000001").compliance, Compliance::NonCompliant);
        // A tag given by key alone accepts any value.
        let any_value =
            Params { identity_accounts: vec![], service_tag: ServiceTag::parse("user-type").ok(), exempt: vec![] };
        let row = facts().report.users().find(|r| r.user == "kiosk").cloned().unwrap();
        let verdict = decide(&row, &any_value, Some(&[tag("user-type", "human")])).unwrap();
        assert_eq!(verdict.compliance, Compliance::Compliant);
    }

    #[test]
    fn scenario_5_identity_accounts_are_not_applicable() {
        let evaluations = evaluations("identity-account");
        assert_eq!(evaluations.len(), IDS.len());
        for e in &evaluations {
            assert_evaluation(e, Compliance::NotApplicable, &["Account 123456789012 is a central identity account"]);
        }
    }

    #[test]
    fn scenario_6_root_and_departed_users_are_not_evaluated() {
        let evaluations = evaluations("scheduled");
        assert_eq!(evaluations.len(), IDS.len());
        assert!(evaluations.iter().all(|e| !e.annotation.contains("root") && !e.annotation.contains("departed")));
    }

    #[test]
    fn scenario_7_invalid_parameters_are_errors() {
        let error = periodic(&IamUserCentralizedManagementCheck, "invalid-parameter", &facts()).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("identityAccountIds") && error.to_string().contains("12345"), "{error}");
        let specs = IamUserCentralizedManagementCheck::SPEC.parameters;
        let parsed = Parameters::parse(Some(r#"{"serviceUserTag":"=service"}"#), specs).unwrap();
        assert_eq!(Params::from_params(&parsed).err().map(|e| e.name), Some("serviceUserTag".to_owned()));
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_168_800))
    }

    fn user(name: &str, id: &str) -> User {
        User::builder()
            .user_name(name)
            .user_id(id)
            .path("/")
            .arn(format!("arn:aws:iam::123456789012:user/{name}"))
            .create_date(DateTime::from_secs(0))
            .build()
            .unwrap()
    }

    /// Mocks for the report and a two-page ListUsers with every fixture user.
    fn report_and_users() -> Vec<aws_smithy_mocks::Rule> {
        let generate = mock!(aws_sdk_iam::Client::generate_credential_report)
            .then_output(|| GenerateCredentialReportOutput::builder().state(ReportStateType::Complete).build());
        let get = mock!(aws_sdk_iam::Client::get_credential_report)
            .then_output(|| GetCredentialReportOutput::builder().content(Blob::new(REPORT)).build());
        let users: Vec<User> = IDS.iter().map(|(n, id)| user(n, id)).collect();
        let (first, second) = (users[..3].to_vec(), users[3..].to_vec());
        let list = mock!(aws_sdk_iam::Client::list_users)
            .sequence()
            .output(move || {
                ListUsersOutput::builder()
                    .set_users(Some(first.clone()))
                    .is_truncated(true)
                    .marker("m")
                    .build()
                    .unwrap()
            })
            .output(move || ListUsersOutput::builder().set_users(Some(second.clone())).build().unwrap())
            .build();
        vec![generate, get, list]
    }

    fn aws_with(rules: &[aws_smithy_mocks::Rule], more: &[&aws_smithy_mocks::Rule]) -> Aws {
        let all: Vec<&aws_smithy_mocks::Rule> = rules.iter().chain(more.iter().copied()).collect();
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::MatchAny, &all);
        Aws::new(shared::testing::test_sdk_config()).with_client(iam)
    }

    fn tags_output(tags: &[(&str, &str)], next: Option<&str>) -> ListUserTagsOutput {
        let tags = tags.iter().map(|(k, v)| Tag::builder().key(*k).value(*v).build().unwrap()).collect();
        ListUserTagsOutput::builder()
            .set_tags(Some(tags))
            .is_truncated(next.is_some())
            .set_marker(next.map(str::to_owned))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn scenario_8_gather_reads_tags_only_when_needed() {
        let base = report_and_users();
        let tags = mock!(aws_sdk_iam::Client::list_user_tags)
            .match_requests(|r| r.user_name() == Some("ci-deployer") && r.marker().is_none())
            .then_output(|| tags_output(&[("team", "platform")], Some("next")));
        let tags_2 = mock!(aws_sdk_iam::Client::list_user_tags)
            .match_requests(|r| r.user_name() == Some("ci-deployer") && r.marker() == Some("next"))
            .then_output(|| tags_output(&[("user-type", "service")], None));
        let others = mock!(aws_sdk_iam::Client::list_user_tags).then_output(|| tags_output(&[], None));

        let params = shared::testing::params::<IamUserCentralizedManagementCheck>("service-tag").unwrap();
        let aws = aws_with(&base, &[&tags, &tags_2, &others]);
        let facts = IamUserCentralizedManagementCheck.gather(&aws, &params, &scope()).await.unwrap();
        assert_eq!(base[2].num_calls(), 2, "ListUsers pages");
        // alice, break-glass, legacy-admin, ci-deployer (2 pages), kiosk; not bob (no password).
        assert_eq!(tags.num_calls() + tags_2.num_calls() + others.num_calls(), 6);
        let mut read: Vec<&str> = facts.tags.keys().map(String::as_str).collect();
        read.sort_unstable();
        assert_eq!(read, ["alice", "break-glass", "ci-deployer", "kiosk", "legacy-admin"]);
        let evaluations = IamUserCentralizedManagementCheck.evaluate(&facts, &params, &scope());
        assert_eq!(find(&evaluations, "AIDACIDEPLOYER00005").compliance, Compliance::Compliant);

        for case in ["scheduled", "identity-account"] {
            let base = report_and_users();
            let never = mock!(aws_sdk_iam::Client::list_user_tags).then_output(|| tags_output(&[], None));
            let params = shared::testing::params::<IamUserCentralizedManagementCheck>(case).unwrap();
            let facts =
                IamUserCentralizedManagementCheck.gather(&aws_with(&base, &[&never]), &params, &scope()).await.unwrap();
            assert_eq!((never.num_calls(), facts.tags.len()), (0, 0), "{case}");
        }
    }

    #[tokio::test]
    async fn scenario_9_list_user_tags_errors() {
        let params = shared::testing::params::<IamUserCentralizedManagementCheck>("service-tag").unwrap();
        let base = report_and_users();
        let denied = mock!(aws_sdk_iam::Client::list_user_tags).then_error(|| {
            ListUserTagsError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let error = IamUserCentralizedManagementCheck
            .gather(&aws_with(&base, &[&denied]), &params, &scope())
            .await
            .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:ListUserTags"), "{error}");

        let base = report_and_users();
        let gone =
            mock!(aws_sdk_iam::Client::list_user_tags).match_requests(|r| r.user_name() == Some("kiosk")).then_error(
                || ListUserTagsError::NoSuchEntityException(NoSuchEntityException::builder().message("gone").build()),
            );
        let others = mock!(aws_sdk_iam::Client::list_user_tags).then_output(|| tags_output(&[], None));
        let facts = IamUserCentralizedManagementCheck
            .gather(&aws_with(&base, &[&gone, &others]), &params, &scope())
            .await
            .unwrap();
        assert!(!facts.tags.contains_key("kiosk"));
        let evaluations = IamUserCentralizedManagementCheck.evaluate(&facts, &params, &scope());
        assert_eq!(evaluations.len(), IDS.len() - 1);
        assert!(evaluations.iter().all(|e| e.resource_id != "AIDAKIOSK0000000006"));
    }
}
