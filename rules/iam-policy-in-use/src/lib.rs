//! # iam-policy-in-use
//!
//! Checks that a given managed policy is in use: attached to an IAM user, to a group that has at
//! least one user, or to a role that trusts at least one principal, as `policyUsageType` allows.
//! The CIS pack uses it to require a support role: `AWSSupportAccess` attached to a role.
//!
//! - **Trigger**: periodic, every 24 hours. IAM is global: deploy the rule in one Region only.
//! - **Reports on**: the account (`AWS::::Account`). The policy checked is usually AWS managed,
//!   and AWS Config records no configuration item for those.
//! - **Reads**: `iam:ListEntitiesForPolicy` (permissions-policy attachments, every page),
//!   `iam:GetRole` (a role's trust policy) and `iam:GetGroup` (whether a group has users), until
//!   one entity qualifies.
//! - **Parameters**: `policyARN` (required); `policyUsageType` (optional: `IAM_USER`,
//!   `IAM_GROUP`, `IAM_ROLE` or `ANY`, default `ANY`).
//! - **Same as**: the AWS managed rule `iam-policy-in-use`.
//! - **CIS v5.0.0**: 1.16, with `policyARN` = `arn:aws:iam::aws:policy/AWSSupportAccess` and
//!   `policyUsageType` = `IAM_ROLE` (the CIS audit looks at roles). Outside the `aws` partition,
//!   override `policyARN` with the partition's ARN.
//!
//! ## Scenarios
//! 1. COMPLIANT when the policy is attached to a role that trusts a principal.
//! 2. NON_COMPLIANT when no role has the policy attached (with `IAM_ROLE`, users and groups that
//!    have it do not count).
//! 3. NON_COMPLIANT when every role that has it trusts no principal; the annotation names them.
//! 4. With `ANY`, a user with the policy counts, and a group counts only if it has members.
//! 5. NON_COMPLIANT when the policy does not exist (for example an ARN of another partition);
//!    the annotation names the ARN.
//! 6. `gather` pages through the attachments with the entity filter of `policyUsageType`, and
//!    stops reading roles and groups once one qualifies.
//! 7. A missing `policyARN`, or a `policyUsageType` outside the four values, is an error naming
//!    the parameter.
//! 8. AccessDenied is an error naming the IAM action, and nothing is reported.

use aws_sdk_iam::types::{EntityType, PolicyUsageType};
use shared::policy::{Effect, PolicyDocument};
use shared::prelude::*;

pub struct IamPolicyInUse;

/// Which attachments count (`policyUsageType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageType {
    User,
    Group,
    Role,
    Any,
}

impl UsageType {
    fn entity_filter(self) -> Option<EntityType> {
        match self {
            UsageType::User => Some(EntityType::User),
            UsageType::Group => Some(EntityType::Group),
            UsageType::Role => Some(EntityType::Role),
            UsageType::Any => None,
        }
    }

    /// What must hold the policy, for annotations.
    fn wanted(self) -> &'static str {
        match self {
            UsageType::User => "IAM user",
            UsageType::Group => "IAM group with members",
            UsageType::Role => "IAM role with a trusted entity",
            UsageType::Any => "IAM user, group with members, or role with a trusted entity",
        }
    }
}

pub struct Params {
    policy_arn: String,
    usage: UsageType,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let policy_arn = p
            .opt_string("policyARN")?
            .filter(|arn| !arn.is_empty())
            .ok_or_else(|| ParamError::new("policyARN", "a policy ARN is required"))?
            .to_owned();
        let usage = match p.opt_string("policyUsageType")?.unwrap_or("ANY").to_ascii_uppercase().as_str() {
            "IAM_USER" => UsageType::User,
            "IAM_GROUP" => UsageType::Group,
            "IAM_ROLE" => UsageType::Role,
            "ANY" => UsageType::Any,
            other => {
                return Err(ParamError::new(
                    "policyUsageType",
                    format!("expected IAM_USER, IAM_GROUP, IAM_ROLE or ANY, got {other:?}"),
                ));
            }
        };
        Ok(Params { policy_arn, usage })
    }
}

/// An IAM user, group or role, by kind and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    User(String),
    Group(String),
    Role(String),
}

impl Entity {
    fn describe(&self) -> String {
        match self {
            Entity::User(n) => format!("IAM user {n}"),
            Entity::Group(n) => format!("IAM group {n}"),
            Entity::Role(n) => format!("IAM role {n}"),
        }
    }
}

/// How the policy is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyUse {
    /// IAM does not know the policy ARN.
    NoSuchPolicy,
    Attached {
        /// The first entity found that counts.
        qualifying: Option<Entity>,
        /// Entities that have the policy but do not count (empty groups, roles that trust no one).
        idle: Vec<Entity>,
    },
}

/// Whether a role's trust policy lets at least one principal assume it.
fn trusts_someone(document: &PolicyDocument) -> bool {
    document.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && match &s.principal {
                Some(shared::policy::Principal::Anyone) => true,
                Some(shared::policy::Principal::Some(map)) => map.values().any(|ids| !ids.is_empty()),
                None => false,
            }
    })
}

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

impl PeriodicRule for IamPolicyInUse {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-policy-in-use",
        description: "Checks that a managed policy is attached to a user, a group with users, or a role with a trusted entity, as policyUsageType allows.",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[ACCOUNT],
        parameters: &[
            ParamSpec::string("policyARN", None, "ARN of the managed policy that must be in use (required)."),
            ParamSpec::string(
                "policyUsageType",
                Some("ANY"),
                "What must have the policy attached: IAM_USER, IAM_GROUP, IAM_ROLE or ANY.",
            ),
        ],
        iam_actions: &["iam:ListEntitiesForPolicy", "iam:GetRole", "iam:GetGroup"],
        cis: &["1.16"],
        cis_parameters: &[("policyARN", "arn:aws:iam::aws:policy/AWSSupportAccess"), ("policyUsageType", "IAM_ROLE")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;
    type Facts = PolicyUse;

    async fn gather(&self, aws: &Aws, p: &Params, _: &Scope) -> Result<PolicyUse, RuleError> {
        let iam = aws.client(aws_sdk_iam::Client::new);
        let (mut users, mut groups, mut roles) = (Vec::new(), Vec::new(), Vec::new());
        let mut pages = iam
            .list_entities_for_policy()
            .policy_arn(&p.policy_arn)
            .set_entity_filter(p.usage.entity_filter())
            .policy_usage_filter(PolicyUsageType::PermissionsPolicy)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_entity_exception()) => {
                    return Ok(PolicyUse::NoSuchPolicy);
                }
                Err(e) => return Err(e).context("iam:ListEntitiesForPolicy"),
            };
            users.extend(page.policy_users().iter().filter_map(|u| u.user_name()).map(str::to_owned));
            groups.extend(page.policy_groups().iter().filter_map(|g| g.group_name()).map(str::to_owned));
            roles.extend(page.policy_roles().iter().filter_map(|r| r.role_name()).map(str::to_owned));
        }
        let counts = |kind| p.usage == UsageType::Any || p.usage == kind;
        if counts(UsageType::User)
            && let Some(user) = users.first()
        {
            return Ok(PolicyUse::Attached { qualifying: Some(Entity::User(user.clone())), idle: Vec::new() });
        }
        let mut idle = Vec::new();
        if counts(UsageType::Role) {
            for role in roles {
                let output = iam.get_role().role_name(&role).send().await.context("iam:GetRole")?;
                let text = output.role().and_then(|r| r.assume_role_policy_document()).ok_or_else(|| {
                    RuleError::InvalidData(format!("iam:GetRole returned no trust policy for role {role}"))
                })?;
                let trust = PolicyDocument::parse_str(text).map_err(|e| {
                    RuleError::InvalidData(format!("the trust policy of role {role} cannot be read: {e}"))
                })?;
                if trusts_someone(&trust) {
                    return Ok(PolicyUse::Attached { qualifying: Some(Entity::Role(role)), idle });
                }
                idle.push(Entity::Role(role));
            }
        }
        if counts(UsageType::Group) {
            for group in groups {
                let output = iam.get_group().group_name(&group).max_items(1).send().await.context("iam:GetGroup")?;
                if !output.users().is_empty() {
                    return Ok(PolicyUse::Attached { qualifying: Some(Entity::Group(group)), idle });
                }
                idle.push(Entity::Group(group));
            }
        }
        Ok(PolicyUse::Attached { qualifying: None, idle })
    }

    fn evaluate(&self, facts: &PolicyUse, p: &Params, scope: &Scope) -> Vec<Evaluation> {
        let (arn, name, account) = (&p.policy_arn, policy_name(&p.policy_arn), &scope.account_id);
        let evaluation = match facts {
            PolicyUse::NoSuchPolicy => Evaluation::non_compliant(
                ACCOUNT,
                account,
                format!(
                    "Policy {arn} does not exist in this account, so nothing uses it. Check the rule parameter policyARN (its partition and name)."
                ),
            ),
            PolicyUse::Attached { qualifying: Some(entity), .. } => {
                Evaluation::compliant(ACCOUNT, account, format!("{} has policy {name} attached.", entity.describe()))
            }
            PolicyUse::Attached { qualifying: None, idle } => {
                let idle_note = match idle.as_slice() {
                    [] => String::new(),
                    [Entity::Group(g)] => format!(" (IAM group {g} has it but no members)"),
                    [Entity::Role(r)] => format!(" (IAM role {r} has it but trusts no principal)"),
                    more => format!(" ({} groups or roles have it but no members or trusted principal)", more.len()),
                };
                let fix = match p.usage {
                    UsageType::Role => "to a role that those who need it can assume",
                    UsageType::User => "to the IAM user who needs it",
                    UsageType::Group => "to a group and add the users who need it",
                    UsageType::Any => "to a role or group for those who need it",
                };
                Evaluation::non_compliant(
                    ACCOUNT,
                    account,
                    format!("No {} has policy {name} attached{idle_note}. Attach {arn} {fix}.", p.usage.wanted()),
                )
            }
        };
        vec![evaluation]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_group::GetGroupOutput;
    use aws_sdk_iam::operation::get_role::{GetRoleError, GetRoleOutput};
    use aws_sdk_iam::operation::list_entities_for_policy::{ListEntitiesForPolicyError, ListEntitiesForPolicyOutput};
    use aws_sdk_iam::primitives::DateTime;
    use aws_sdk_iam::types::error::NoSuchEntityException;
    use aws_sdk_iam::types::{Group, PolicyGroup, PolicyRole, PolicyUser, Role, User};
    use aws_smithy_mocks::mock;
    use shared::testing::{assert_evaluation, periodic};

    const SUPPORT: &str = "arn:aws:iam::aws:policy/AWSSupportAccess";

    fn only(evaluations: Vec<Evaluation>) -> Evaluation {
        assert_eq!(evaluations.len(), 1);
        let e = evaluations.into_iter().next().unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), (ACCOUNT, "123456789012"));
        e
    }

    fn judge(case: &str, facts: PolicyUse) -> Evaluation {
        only(periodic(&IamPolicyInUse, case, &facts).unwrap())
    }

    fn role(name: &str, trust: &str) -> Role {
        Role::builder()
            .path("/")
            .role_name(name)
            .role_id(format!("AROA{}", name.to_uppercase()))
            .arn(format!("arn:aws:iam::123456789012:role/{name}"))
            .create_date(DateTime::from_secs(0))
            .assume_role_policy_document(trust)
            .build()
            .unwrap()
    }

    /// URL-encoded, as IAM returns trust policies.
    const TRUSTS_ACCOUNT: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    const TRUSTS_NO_ONE: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;

    fn entities(users: &[&str], groups: &[&str], roles: &[&str]) -> ListEntitiesForPolicyOutput {
        page(users, groups, roles, None)
    }

    fn page(users: &[&str], groups: &[&str], roles: &[&str], marker: Option<&str>) -> ListEntitiesForPolicyOutput {
        let mut out =
            ListEntitiesForPolicyOutput::builder().is_truncated(marker.is_some()).set_marker(marker.map(str::to_owned));
        for u in users {
            out = out.policy_users(PolicyUser::builder().user_name(*u).build());
        }
        for g in groups {
            out = out.policy_groups(PolicyGroup::builder().group_name(*g).build());
        }
        for r in roles {
            out = out.policy_roles(PolicyRole::builder().role_name(*r).build());
        }
        out.build()
    }

    fn group(name: &str, members: &[&str]) -> GetGroupOutput {
        let users = members
            .iter()
            .map(|m| {
                User::builder()
                    .path("/")
                    .user_name(*m)
                    .user_id("AIDAEXAMPLE")
                    .arn(format!("arn:aws:iam::123456789012:user/{m}"))
                    .create_date(DateTime::from_secs(0))
                    .build()
                    .unwrap()
            })
            .collect();
        GetGroupOutput::builder()
            .group(
                Group::builder()
                    .path("/")
                    .group_name(name)
                    .group_id("AGPAEXAMPLE")
                    .arn(format!("arn:aws:iam::123456789012:group/{name}"))
                    .create_date(DateTime::from_secs(0))
                    .build()
                    .unwrap(),
            )
            .set_users(Some(users))
            .build()
            .unwrap()
    }

    fn iam_with(rules: &[&aws_smithy_mocks::Rule]) -> Aws {
        shared::mock_aws!(aws_sdk_iam, rules)
    }

    fn scope() -> Scope {
        shared::testing::scope(DateTime::from_secs(1_795_176_000))
    }

    async fn gather(case: &str, rules: &[&aws_smithy_mocks::Rule]) -> PolicyUse {
        let params = shared::testing::params::<IamPolicyInUse>(case).unwrap();
        IamPolicyInUse.gather(&iam_with(rules), &params, &scope()).await.unwrap()
    }

    #[tokio::test]
    async fn scenario_1_compliant_with_a_trusted_role() {
        let list =
            mock!(aws_sdk_iam::Client::list_entities_for_policy).then_output(|| entities(&[], &[], &["support"]));
        let get = mock!(aws_sdk_iam::Client::get_role)
            .match_requests(|r| r.role_name() == Some("support"))
            .then_output(|| GetRoleOutput::builder().role(role("support", TRUSTS_ACCOUNT)).build());
        let facts = gather("scheduled", &[&list, &get]).await;
        assert_eq!(facts, PolicyUse::Attached { qualifying: Some(Entity::Role("support".into())), idle: vec![] });
        assert_evaluation(&judge("scheduled", facts), Compliance::Compliant, &["IAM role support", "AWSSupportAccess"]);
    }

    #[tokio::test]
    async fn scenario_2_non_compliant_when_no_role_has_the_policy() {
        let facts = PolicyUse::Attached { qualifying: None, idle: vec![] };
        let e = judge("scheduled", facts);
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["No IAM role with a trusted entity has policy AWSSupportAccess", SUPPORT],
        );
        // With IAM_ROLE, users and groups that hold the policy are not even listed.
        let list = mock!(aws_sdk_iam::Client::list_entities_for_policy)
            .match_requests(|r| r.entity_filter() == Some(&EntityType::Role))
            .then_output(|| entities(&[], &[], &[]));
        assert_eq!(gather("scheduled", &[&list]).await, PolicyUse::Attached { qualifying: None, idle: vec![] });
    }

    #[tokio::test]
    async fn scenario_3_non_compliant_when_the_roles_trust_no_one() {
        let list = mock!(aws_sdk_iam::Client::list_entities_for_policy).then_output(|| entities(&[], &[], &["orphan"]));
        let get = mock!(aws_sdk_iam::Client::get_role)
            .then_output(|| GetRoleOutput::builder().role(role("orphan", TRUSTS_NO_ONE)).build());
        let facts = gather("scheduled", &[&list, &get]).await;
        assert_eq!(facts, PolicyUse::Attached { qualifying: None, idle: vec![Entity::Role("orphan".into())] });
        assert_evaluation(
            &judge("scheduled", facts),
            Compliance::NonCompliant,
            &["IAM role orphan has it but trusts no principal"],
        );
    }

    #[tokio::test]
    async fn scenario_4_any_counts_users_and_groups_with_members() {
        let list = mock!(aws_sdk_iam::Client::list_entities_for_policy)
            .match_requests(|r| r.entity_filter().is_none())
            .then_output(|| entities(&["alice"], &["team"], &[]));
        let facts = gather("any", &[&list]).await;
        assert_eq!(facts, PolicyUse::Attached { qualifying: Some(Entity::User("alice".into())), idle: vec![] });
        assert_evaluation(&judge("any", facts), Compliance::Compliant, &["IAM user alice"]);

        let list =
            mock!(aws_sdk_iam::Client::list_entities_for_policy).then_output(|| entities(&[], &["empty", "team"], &[]));
        let get = mock!(aws_sdk_iam::Client::get_group)
            .sequence()
            .output(|| group("empty", &[]))
            .output(|| group("team", &["bob"]))
            .build();
        let facts = gather("any", &[&list, &get]).await;
        assert_eq!(
            facts,
            PolicyUse::Attached {
                qualifying: Some(Entity::Group("team".into())),
                idle: vec![Entity::Group("empty".into())]
            }
        );

        let idle =
            PolicyUse::Attached { qualifying: None, idle: vec![Entity::Group("a".into()), Entity::Role("b".into())] };
        assert_evaluation(
            &judge("any", idle),
            Compliance::NonCompliant,
            &["No IAM user, group with members, or role with a trusted entity", "2 groups or roles have it"],
        );
    }

    #[tokio::test]
    async fn scenario_5_non_compliant_when_the_policy_does_not_exist() {
        let missing = mock!(aws_sdk_iam::Client::list_entities_for_policy).then_error(|| {
            ListEntitiesForPolicyError::NoSuchEntityException(
                NoSuchEntityException::builder().message("Policy does not exist").build(),
            )
        });
        let facts = gather("scheduled", &[&missing]).await;
        assert_eq!(facts, PolicyUse::NoSuchPolicy);
        assert_evaluation(
            &judge("scheduled", facts),
            Compliance::NonCompliant,
            &[SUPPORT, "does not exist", "policyARN"],
        );
    }

    #[tokio::test]
    async fn scenario_6_gather_pages_and_stops_at_the_first_qualifying_role() {
        let list = mock!(aws_sdk_iam::Client::list_entities_for_policy)
            .match_requests(|r| {
                r.policy_arn() == Some(SUPPORT)
                    && r.policy_usage_filter() == Some(&PolicyUsageType::PermissionsPolicy)
                    && r.entity_filter() == Some(&EntityType::Role)
            })
            .sequence()
            .output(|| page(&[], &[], &["orphan"], Some("m")))
            .output(|| entities(&[], &[], &["support", "other"]))
            .build();
        let get = mock!(aws_sdk_iam::Client::get_role).then_compute_output(|r| {
            let trust = if r.role_name() == Some("orphan") { TRUSTS_NO_ONE } else { TRUSTS_ACCOUNT };
            GetRoleOutput::builder().role(role(r.role_name().unwrap(), trust)).build()
        });
        let facts = gather("scheduled", &[&list, &get]).await;
        assert_eq!(list.num_calls(), 2);
        assert_eq!(get.num_calls(), 2, "the role after the first qualifying one is not read");
        assert_eq!(
            facts,
            PolicyUse::Attached {
                qualifying: Some(Entity::Role("support".into())),
                idle: vec![Entity::Role("orphan".into())]
            }
        );
    }

    #[test]
    fn scenario_7_parameters_are_checked() {
        let facts = PolicyUse::Attached { qualifying: None, idle: vec![] };
        let error = periodic(&IamPolicyInUse, "missing-policy-arn", &facts).unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("policyARN"), "{error}");
        let error = periodic(&IamPolicyInUse, "invalid-usage-type", &facts).unwrap_err();
        assert!(error.to_string().contains("policyUsageType"), "{error}");
        assert!(error.to_string().contains("IAM_ROLE"), "{error}");
    }

    #[tokio::test]
    async fn scenario_8_access_denied_names_the_action_and_reports_nothing() {
        let list =
            mock!(aws_sdk_iam::Client::list_entities_for_policy).then_output(|| entities(&[], &[], &["support"]));
        let denied = mock!(aws_sdk_iam::Client::get_role).then_error(|| {
            GetRoleError::generic(
                aws_sdk_iam::error::ErrorMetadata::builder().code("AccessDenied").message("not authorized").build(),
            )
        });
        let config = shared::testing::recorded_config_client(vec![], vec![]);
        let error = shared::testing::handle_periodic_with(
            &IamPolicyInUse,
            "scheduled",
            iam_with(&[&list, &denied]).with_client(config),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("iam:GetRole"), "{error}");
    }
}
