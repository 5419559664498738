//! # iam-attached-policy-no-full-admin
//!
//! Checks that no managed policy attached to a user, group or role grants full administrator
//! access: a statement with `"Effect": "Allow"`, `"Action": "*"` and `"Resource": "*"` (as a
//! string or a list item) in the policy's default version. Unlike
//! `iam-policy-no-statements-with-admin-access`, it looks only at *attached* policies, and it
//! includes AWS managed policies such as `AdministratorAccess`, as the CIS audit does.
//!
//! - **Trigger**: periodic, every 24 hours. IAM is global: deploy the rule in one Region only.
//! - **Reports on**: `AWS::IAM::Policy`, by policy id.
//! - **Reads**: `iam:ListPolicies` (attached permissions policies, every page) and
//!   `iam:GetPolicyVersion` (each policy's default version).
//! - **Parameters** (optional): `includeAwsManagedPolicies` (default `true`; `false` checks
//!   customer managed policies only); `exemptPolicyArns` (policies reported NOT_APPLICABLE).
//! - **Same as**: no AWS managed rule; it closes the gap `iam-policy-no-statements-with-admin-access`
//!   leaves for CIS (attached AWS managed policies).
//! - **CIS v5.0.0**: 1.15 (the pack sets no parameter).
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when an attached policy (customer or AWS managed) allows `*` on `*`; the
//!    annotation says how many users, groups or roles it is attached to.
//! 2. NON_COMPLIANT when `*` is written as a list item or `Statement` is a single object.
//! 3. COMPLIANT when the policy allows only `service:*` or named actions, or only denies `*` on `*`.
//! 4. COMPLIANT when a statement uses `NotAction` (neither AWS nor CIS names it; not flagged).
//! 5. NOT_APPLICABLE for a policy listed in `exemptPolicyArns`, whose document is not read.
//! 6. With `includeAwsManagedPolicies` = `false` only customer managed policies are listed.
//! 7. Policies that are not attached are not listed, so not reported (their old results are
//!    cleared as stale); only the default version of a policy is read.
//! 8. `gather` pages through the attached policies and decodes their URL-encoded documents.
//! 9. A document that cannot be read is an error naming the policy, not a verdict.
//! 10. AccessDenied is an error naming the IAM action, and nothing is reported.
//! 11. An invalid parameter value is an error naming the parameter.

use aws_sdk_iam::types::{PolicyScopeType, PolicyUsageType};
use shared::policy::{PolicyDocument, Statement};
use shared::prelude::*;

pub struct IamAttachedPolicyNoFullAdmin;

const POLICY: &str = "AWS::IAM::Policy";

pub struct Params {
    include_aws_managed: bool,
    exempt: Vec<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params {
            include_aws_managed: p.bool("includeAwsManagedPolicies")?,
            exempt: p.list("exemptPolicyArns")?.to_vec(),
        })
    }
}

/// What the rule knows of an attached policy's default version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Listed in `exemptPolicyArns`; not read.
    Exempt,
    Document(PolicyDocument),
}

/// One attached managed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub id: String,
    pub name: String,
    pub arn: String,
    /// Users, groups and roles it is attached to.
    pub attachments: i32,
    pub content: Content,
}

impl PeriodicRule for IamAttachedPolicyNoFullAdmin {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-attached-policy-no-full-admin",
        description: "Checks that no attached IAM managed policy (customer or AWS managed) allows Action * on Resource * in its default version.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[POLICY],
        parameters: &[
            ParamSpec::boolean(
                "includeAwsManagedPolicies",
                Some("true"),
                "Also check attached AWS managed policies such as AdministratorAccess.",
            ),
            ParamSpec::csv("exemptPolicyArns", None, "Policy ARNs that are not checked (reported NOT_APPLICABLE)."),
        ],
        iam_actions: &["iam:ListPolicies", "iam:GetPolicyVersion"],
        cis: &["1.15"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = Vec<AttachedPolicy>;

    async fn gather(&self, aws: &Aws, p: &Params, _: &Scope) -> Result<Vec<AttachedPolicy>, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let scope = if p.include_aws_managed { PolicyScopeType::All } else { PolicyScopeType::Local };
        let mut listed = Vec::new();
        let mut pages = iam
            .list_policies()
            .scope(scope)
            .only_attached(true)
            .policy_usage_filter(PolicyUsageType::PermissionsPolicy)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for policy in page.context("iam:ListPolicies")?.policies() {
                let field = |value: Option<&str>, what: &str| {
                    value.map(str::to_owned).ok_or_else(|| {
                        RuleError::InvalidData(format!(
                            "iam:ListPolicies returned a policy without {what} ({})",
                            policy.arn().or(policy.policy_name()).unwrap_or("unnamed")
                        ))
                    })
                };
                let arn = field(policy.arn(), "ARN")?;
                let id = field(policy.policy_id(), "policy id")?;
                let name = field(policy.policy_name(), "name")?;
                let version = field(policy.default_version_id(), "default version")?;
                listed.push((id, name, arn, policy.attachment_count().unwrap_or(0), version));
            }
        }
        let mut policies = Vec::with_capacity(listed.len());
        for (id, name, arn, attachments, version) in listed {
            let content = if p.exempt.contains(&arn) {
                Content::Exempt
            } else {
                let output = iam
                    .get_policy_version()
                    .policy_arn(&arn)
                    .version_id(&version)
                    .send()
                    .await
                    .context("iam:GetPolicyVersion")?;
                let text = output.policy_version().and_then(|v| v.document()).ok_or_else(|| {
                    RuleError::InvalidData(format!(
                        "iam:GetPolicyVersion returned no document for version {version} of policy {arn}"
                    ))
                })?;
                let document = PolicyDocument::parse_str(text).map_err(|e| {
                    RuleError::InvalidData(format!("the default version of policy {arn} cannot be read: {e}"))
                })?;
                Content::Document(document)
            };
            policies.push(AttachedPolicy { id, name, arn, attachments, content });
        }
        Ok(policies)
    }

    fn evaluate(&self, policies: &Vec<AttachedPolicy>, _: &Params, _: &Scope) -> Vec<Evaluation> {
        policies
            .iter()
            .map(|policy| {
                let (id, name) = (&policy.id, &policy.name);
                match &policy.content {
                    Content::Exempt => Evaluation::not_applicable(
                        POLICY,
                        id,
                        format!("Policy {name} is exempted by the rule parameter exemptPolicyArns."),
                    ),
                    Content::Document(document) if document.statements.iter().any(Statement::grants_full_admin) => {
                        Evaluation::non_compliant(
                            POLICY,
                            id,
                            format!(
                                "Attached policy {name} grants full administrator access (Allow * on *) to {} user(s), group(s) or role(s). Detach it and grant least-privilege policies instead.",
                                policy.attachments
                            ),
                        )
                    }
                    Content::Document(_) => Evaluation::compliant(
                        POLICY,
                        id,
                        format!("Attached policy {name} has no statement that allows * on *."),
                    ),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_policy_version::{GetPolicyVersionError, GetPolicyVersionOutput};
    use aws_sdk_iam::operation::list_policies::ListPoliciesOutput;
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::{Policy, PolicyVersion};
    use aws_smithy_mocks::{RuleMode, mock};
    use serde_json::{Value, json};
    use shared::testing::{assert_evaluation, find, periodic};

    const ADMIN_ARN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    fn attached(id: &str, name: &str, arn: &str, attachments: i32, document: Value) -> AttachedPolicy {
        AttachedPolicy {
            id: id.into(),
            name: name.into(),
            arn: arn.into(),
            attachments,
            content: Content::Document(PolicyDocument::parse(&document).unwrap()),
        }
    }

    fn local(name: &str, document: Value) -> AttachedPolicy {
        attached(
            &format!("ANPA{}", name.to_uppercase()),
            name,
            &format!("arn:aws:iam::123456789012:policy/{name}"),
            1,
            document,
        )
    }

    fn admin() -> AttachedPolicy {
        attached(
            "ANPAIWMBCKSKIEE64ZLYK",
            "AdministratorAccess",
            ADMIN_ARN,
            3,
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        )
    }

    fn judge(case: &str, policies: Vec<AttachedPolicy>) -> Vec<Evaluation> {
        periodic(&IamAttachedPolicyNoFullAdmin, case, &policies).unwrap()
    }

    #[test]
    fn scenario_1_non_compliant_when_an_attached_policy_allows_everything() {
        let evaluations = judge(
            "scheduled",
            vec![
                admin(),
                local("god-mode", json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
            ],
        );
        let e = find(&evaluations, "ANPAIWMBCKSKIEE64ZLYK");
        assert_eq!(e.resource_type, "AWS::IAM::Policy");
        assert_evaluation(
            e,
            Compliance::NonCompliant,
            &["AdministratorAccess", "3 user(s), group(s) or role(s)", "Detach"],
        );
        assert_evaluation(find(&evaluations, "ANPAGOD-MODE"), Compliance::NonCompliant, &["god-mode"]);
    }

    #[test]
    fn scenario_2_non_compliant_with_lists_or_a_single_statement_object() {
        let evaluations = judge(
            "scheduled",
            vec![
                local(
                    "listed",
                    json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["arn:aws:s3:::b", "*"]}]}),
                ),
                local("single", json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})),
            ],
        );
        assert_eq!(find(&evaluations, "ANPALISTED").compliance, Compliance::NonCompliant);
        assert_eq!(find(&evaluations, "ANPASINGLE").compliance, Compliance::NonCompliant);
    }

    #[test]
    fn scenario_3_compliant_with_service_wildcards_named_actions_or_denials() {
        let evaluations = judge(
            "scheduled",
            vec![
                local("s3-all", json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})),
                local(
                    "scoped",
                    json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}]}),
                ),
                local("deny-all", json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})),
            ],
        );
        for id in ["ANPAS3-ALL", "ANPASCOPED", "ANPADENY-ALL"] {
            assert_evaluation(find(&evaluations, id), Compliance::Compliant, &["no statement that allows * on *"]);
        }
    }

    #[test]
    fn scenario_4_not_action_is_not_flagged() {
        let evaluations = judge(
            "scheduled",
            vec![local("not-iam", json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}))],
        );
        assert_eq!(find(&evaluations, "ANPANOT-IAM").compliance, Compliance::Compliant);
    }

    #[test]
    fn scenario_5_exempt_policies_are_not_applicable() {
        let mut exempt = admin();
        exempt.content = Content::Exempt;
        let evaluations = judge("exempt", vec![exempt]);
        assert_evaluation(
            find(&evaluations, "ANPAIWMBCKSKIEE64ZLYK"),
            Compliance::NotApplicable,
            &["exemptPolicyArns"],
        );
    }

    fn policy(name: &str, arn: &str, version: &str) -> Policy {
        Policy::builder()
            .policy_name(name)
            .policy_id(format!("ANPA{}", name.to_uppercase()))
            .arn(arn)
            .default_version_id(version)
            .attachment_count(2)
            .build()
    }

    fn version(document: &str) -> GetPolicyVersionOutput {
        GetPolicyVersionOutput::builder()
            .policy_version(
                PolicyVersion::builder()
                    .document(document)
                    .version_id("v2")
                    .is_default_version(true)
                    .create_date(DateTime::from_secs(0))
                    .build(),
            )
            .build()
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_176_000))
    }

    const ENCODED_ADMIN: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

    #[tokio::test]
    async fn scenario_6_aws_managed_policies_can_be_left_out() {
        let list = mock!(aws_sdk_iam::Client::list_policies)
            .match_requests(|r| r.scope() == Some(&PolicyScopeType::Local) && r.only_attached() == Some(true))
            .then_output(|| ListPoliciesOutput::builder().build());
        let params = shared::testing::params::<IamAttachedPolicyNoFullAdmin>("customer-managed-only").unwrap();
        let facts = IamAttachedPolicyNoFullAdmin.gather(&iam_with(&[&list]), &params, &scope()).await.unwrap();
        assert!(facts.is_empty());
        assert_eq!(list.num_calls(), 1);
    }

    #[tokio::test]
    async fn scenario_7_only_attached_policies_and_default_versions_are_read() {
        let list = mock!(aws_sdk_iam::Client::list_policies)
            .match_requests(|r| {
                r.scope() == Some(&PolicyScopeType::All)
                    && r.only_attached() == Some(true)
                    && r.policy_usage_filter() == Some(&PolicyUsageType::PermissionsPolicy)
            })
            .then_output(|| {
                ListPoliciesOutput::builder()
                    .policies(policy("team", "arn:aws:iam::123456789012:policy/team", "v2"))
                    .build()
            });
        let get = mock!(aws_sdk_iam::Client::get_policy_version)
            .match_requests(|r| {
                r.version_id() == Some("v2") && r.policy_arn() == Some("arn:aws:iam::123456789012:policy/team")
            })
            .then_output(|| version(r#"{"Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#));
        let params = shared::testing::params::<IamAttachedPolicyNoFullAdmin>("scheduled").unwrap();
        let iam = shared::mock_client!(aws_sdk_iam, RuleMode::Sequential, &[&list, &get]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(iam);
        let facts = IamAttachedPolicyNoFullAdmin.gather(&aws, &params, &scope()).await.unwrap();
        assert_eq!(facts.len(), 1);
        assert_eq!((facts[0].id.as_str(), facts[0].attachments), ("ANPATEAM", 2));
        assert_eq!(judge("scheduled", facts)[0].compliance, Compliance::Compliant);
    }

    #[tokio::test]
    async fn scenario_8_gather_pages_and_decodes_url_encoded_documents() {
        let list = mock!(aws_sdk_iam::Client::list_policies)
            .sequence()
            .output(|| {
                ListPoliciesOutput::builder()
                    .policies(policy("AdministratorAccess", ADMIN_ARN, "v1"))
                    .is_truncated(true)
                    .marker("m")
                    .build()
            })
            .output(|| {
                ListPoliciesOutput::builder()
                    .policies(policy("exempted", "arn:aws:iam::123456789012:policy/exempted", "v1"))
                    .build()
            })
            .build();
        let get = mock!(aws_sdk_iam::Client::get_policy_version)
            .match_requests(|r| r.policy_arn() == Some(ADMIN_ARN))
            .then_output(|| version(ENCODED_ADMIN));
        let params = shared::testing::params::<IamAttachedPolicyNoFullAdmin>("exempt").unwrap();
        let facts = IamAttachedPolicyNoFullAdmin.gather(&iam_with(&[&list, &get]), &params, &scope()).await.unwrap();
        assert_eq!(list.num_calls(), 2);
        assert_eq!(get.num_calls(), 1, "the exempted policy's document is not read");
        assert_eq!(facts[1].content, Content::Exempt);
        let evaluations = judge("exempt", facts);
        assert_eq!(find(&evaluations, "ANPAADMINISTRATORACCESS").compliance, Compliance::NonCompliant);
        assert_eq!(find(&evaluations, "ANPAEXEMPTED").compliance, Compliance::NotApplicable);
    }

    #[tokio::test]
    async fn scenario_9_an_unreadable_document_is_an_error_naming_the_policy() {
        let list = mock!(aws_sdk_iam::Client::list_policies).then_output(|| {
            ListPoliciesOutput::builder()
                .policies(policy("broken", "arn:aws:iam::123456789012:policy/broken", "v1"))
                .build()
        });
        let get = mock!(aws_sdk_iam::Client::get_policy_version).then_output(|| version("%7Bnot-json"));
        let params = shared::testing::params::<IamAttachedPolicyNoFullAdmin>("scheduled").unwrap();
        let error =
            IamAttachedPolicyNoFullAdmin.gather(&iam_with(&[&list, &get]), &params, &scope()).await.unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("policy/broken"), "{error}");
    }

    #[tokio::test]
    async fn scenario_10_access_denied_names_the_action_and_reports_nothing() {
        let list = mock!(aws_sdk_iam::Client::list_policies).then_output(|| {
            ListPoliciesOutput::builder().policies(policy("AdministratorAccess", ADMIN_ARN, "v1")).build()
        });
        let denied = mock!(aws_sdk_iam::Client::get_policy_version).then_error(|| {
            GetPolicyVersionError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let error = shared::testing::handle_periodic_with(
            &IamAttachedPolicyNoFullAdmin,
            "scheduled",
            iam_with(&[&list, &denied]).with_client(config),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetPolicyVersion"), "{error}");
    }

    #[test]
    fn scenario_11_invalid_parameter_is_an_error_naming_it() {
        let error = periodic(&IamAttachedPolicyNoFullAdmin, "invalid-parameter", &Vec::new()).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("includeAwsManagedPolicies"), "{error}");
    }
}
