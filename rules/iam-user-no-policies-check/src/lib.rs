//! # iam-user-no-policies-check
//!
//! Checks that IAM users receive permissions only through groups: no managed policy attached
//! directly to the user and no inline user policy. Group membership is not checked (a user
//! without groups and policies simply has no permissions), and a permissions boundary is not a
//! policy that grants anything, so it is ignored.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::IAM::User`, by user id, read from the configuration item alone
//!   (`attachedManagedPolicies`, `userPolicyList`).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `iam-user-no-policies-check`.
//! - **CIS v5.0.0**: 1.14.
//!
//! ## Scenarios
//! 1. COMPLIANT when the user has no attached and no inline policy, whatever its groups and
//!    permissions boundary.
//! 2. NON_COMPLIANT when a managed policy is attached directly to the user; the annotation
//!    names it.
//! 3. NON_COMPLIANT when the user has an inline policy; the annotation names it.
//! 4. NOT_APPLICABLE when the user was deleted.
//! 5. An oversized notification is evaluated on the item fetched from AWS Config.
//! 6. An item without the policy lists is an error, not a verdict.

use serde_json::Value;
use shared::prelude::*;

pub struct IamUserNoPoliciesCheck;

/// The `key` of each entry of the list at `field`; an error when the item lacks the list.
fn names(item: &ConfigurationItem, field: &str, key: &str) -> Result<Vec<String>, RuleError> {
    let Some(Value::Array(entries)) = item.config(field) else {
        return Err(RuleError::InvalidData(format!(
            "the configuration item of IAM user {} has no {field} list",
            item.resource_id
        )));
    };
    Ok(entries.iter().map(|e| e.get(key).and_then(Value::as_str).unwrap_or("(unnamed)").to_owned()).collect())
}

/// At most three names, then how many more.
fn listing(names: &[String]) -> String {
    match names.len() {
        0..=3 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

impl ChangeRule for IamUserNoPoliciesCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-user-no-policies-check",
        description: "Checks that no IAM user has a managed policy attached directly or an inline policy, so permissions come only through groups.",
        trigger: Trigger::Change,
        resource_types: &["AWS::IAM::User"],
        parameters: &[],
        iam_actions: &[],
        cis: &["1.14"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let user = item
            .config("userName")
            .and_then(Value::as_str)
            .or(item.resource_name.as_deref())
            .unwrap_or(&item.resource_id);
        let attached = names(item, "attachedManagedPolicies", "policyName")?;
        let inline = names(item, "userPolicyList", "policyName")?;
        if attached.is_empty() && inline.is_empty() {
            return Ok(Verdict::compliant(format!("IAM user {user} has no directly attached or inline policies.")));
        }
        let mut found = Vec::new();
        if !attached.is_empty() {
            found.push(format!("attached: {}", listing(&attached)));
        }
        if !inline.is_empty() {
            found.push(format!("inline: {}", listing(&inline)));
        }
        Ok(Verdict::non_compliant(format!(
            "IAM user {user} has {} attached and {} inline policies ({}). Grant the permissions through an IAM group, add the user to it, then remove the user's own policies.",
            attached.len(),
            inline.len(),
            found.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_without_user_policies() {
        let e = change(&IamUserNoPoliciesCheck, "compliant").unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), ("AWS::IAM::User", "AIDAALICE0000000001"));
        assert_evaluation(&e, Compliance::Compliant, &["alice", "no directly attached or inline policies"]);
    }

    #[test]
    fn scenario_2_non_compliant_with_an_attached_policy() {
        let e = change(&IamUserNoPoliciesCheck, "attached").unwrap();
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["IAM user bob has 1 attached and 0 inline policies", "attached: AdministratorAccess", "IAM group"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_with_an_inline_policy() {
        let e = change(&IamUserNoPoliciesCheck, "inline").unwrap();
        assert_evaluation(&e, Compliance::NonCompliant, &["0 attached and 1 inline", "inline: s3-one-off"]);
    }

    #[test]
    fn long_policy_lists_are_shortened() {
        let names: Vec<String> = (1..=5).map(|i| format!("p{i}")).collect();
        assert_eq!(listing(&names), "p1, p2, p3 and 2 more");
        assert_eq!(listing(&names[..2]), "p1, p2");
    }

    #[test]
    fn scenario_4_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&IamUserNoPoliciesCheck, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_5_oversized_item_is_fetched() {
        let user = Recorded::new(
            "AWS::IAM::User",
            "AIDABIG0000000000005",
            serde_json::json!({
                "userName": "big", "userId": "AIDABIG0000000000005", "groupList": ["admins"],
                "attachedManagedPolicies": [], "userPolicyList": [{"policyName": "huge", "policyDocument": "%7B%7D"}]
            }),
        );
        let config = shared::testing::recorded_config_client(vec![user], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&IamUserNoPoliciesCheck, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "AIDABIG0000000000005");
    }

    #[test]
    fn scenario_6_an_item_without_policy_lists_is_an_error() {
        let error = change(&IamUserNoPoliciesCheck, "incomplete").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("userPolicyList"), "{error}");
    }
}
