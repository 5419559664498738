//! # iam-policy-no-statements-with-admin-access
//!
//! Checks that no customer managed policy grants full administrator access: its default
//! version may have no statement with `"Effect": "Allow"`, `"Action": "*"` and `"Resource": "*"`
//! (as a string or a list item). `"service:*"` is fine. The policy is judged whether or not it is
//! attached; `iam-attached-policy-no-full-admin` covers attached AWS managed policies.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::IAM::Policy`, by policy id, read from the configuration item alone:
//!   Config records every version's document (URL-encoded) in `policyVersionList`. The rule calls
//!   no IAM API; an item without the default version's document is an error.
//! - **Parameters**: `excludePermissionBoundaryPolicy` (optional, default `false`): `true` skips
//!   policies used as a permissions boundary.
//! - **Same as**: the AWS managed rule `iam-policy-no-statements-with-admin-access`.
//! - **CIS v5.0.0**: 1.15 (the CIS pack sets `excludePermissionBoundaryPolicy` to `true`).
//!   **Well-Architected**: SEC-2, SEC-3.
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when the default version allows `*` on `*`, written as strings, as list items
//!    or in a single statement object.
//! 2. COMPLIANT when it allows only `service:*` or named actions, or only denies `*` on `*`, or
//!    when only an older, non-default version allowed `*` on `*`.
//! 3. COMPLIANT when a statement uses `NotAction` (neither AWS nor CIS names it; not flagged).
//! 4. NOT_APPLICABLE for a policy used as a permissions boundary when
//!    `excludePermissionBoundaryPolicy` is `true`; by default such a policy is judged.
//! 5. NOT_APPLICABLE for an AWS managed policy, should Config ever send one.
//! 6. NOT_APPLICABLE when the policy was deleted.
//! 7. An oversized notification is evaluated on the item fetched from AWS Config.
//! 8. An item without the default version's document, or with a document that cannot be read,
//!    is an error, not a verdict.
//! 9. An invalid parameter value is an error naming the parameter.

use serde_json::Value;
use shared::policy::{PolicyDocument, Statement};
use shared::prelude::*;

pub struct IamPolicyNoStatementsWithAdminAccess;

pub struct Params {
    exclude_boundaries: bool,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params { exclude_boundaries: p.bool("excludePermissionBoundaryPolicy")? })
    }
}

/// Whether an IAM policy ARN is an AWS managed policy (`arn:<partition>:iam::aws:policy/…`).
fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

/// The document of the default version, as Config recorded it.
fn default_document<'a>(item: &'a ConfigurationItem, policy: &str) -> Result<&'a Value, RuleError> {
    let missing =
        |what: &str| RuleError::InvalidData(format!("the configuration item of policy {policy} has no {what}"));
    let Some(Value::Array(versions)) = item.config("policyVersionList") else {
        return Err(missing("policyVersionList"));
    };
    let default_id = item.config("defaultVersionId").and_then(Value::as_str);
    let version = versions
        .iter()
        .find(|v| match default_id {
            Some(id) => v.get("versionId").and_then(Value::as_str) == Some(id),
            None => v.get("isDefaultVersion").and_then(Value::as_bool) == Some(true),
        })
        .ok_or_else(|| missing("default version in policyVersionList"))?;
    version.get("document").filter(|d| !d.is_null()).ok_or_else(|| missing("document for its default version"))
}

impl ChangeRule for IamPolicyNoStatementsWithAdminAccess {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-policy-no-statements-with-admin-access",
        description: "Checks that no customer managed IAM policy has an Allow statement with Action * on Resource * in its default version.",
        trigger: Trigger::Change,
        resource_types: &["AWS::IAM::Policy"],
        parameters: &[ParamSpec::boolean(
            "excludePermissionBoundaryPolicy",
            Some("false"),
            "Skip policies used as permissions boundaries.",
        )],
        iam_actions: &[],
        cis: &["1.15"],
        cis_parameters: &[("excludePermissionBoundaryPolicy", "true")],
        well_architected: &["SEC-2", "SEC-3"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, p: &Params) -> Result<Verdict, RuleError> {
        let policy = item
            .config("policyName")
            .and_then(Value::as_str)
            .or(item.resource_name.as_deref())
            .unwrap_or(&item.resource_id);
        let arn = item.config("arn").and_then(Value::as_str).or(item.arn.as_deref()).unwrap_or_default();
        if is_aws_managed(arn) {
            return Ok(Verdict::not_applicable(format!(
                "{policy} is an AWS managed policy; this rule judges customer managed policies only."
            )));
        }
        if p.exclude_boundaries {
            let boundaries = item.config("permissionsBoundaryUsageCount").and_then(Value::as_i64).ok_or_else(|| {
                RuleError::InvalidData(format!(
                    "the configuration item of policy {policy} has no permissionsBoundaryUsageCount"
                ))
            })?;
            if boundaries > 0 {
                return Ok(Verdict::not_applicable(format!(
                    "Policy {policy} is used as a permissions boundary, which excludePermissionBoundaryPolicy exempts."
                )));
            }
        }
        let document = PolicyDocument::parse(default_document(item, policy)?).map_err(|e| {
            RuleError::InvalidData(format!("the default version of policy {policy} cannot be read: {e}"))
        })?;
        Ok(if document.statements.iter().any(Statement::grants_full_admin) {
            Verdict::non_compliant(format!(
                "Policy {policy} allows Action * on Resource * (full administrator access). Replace that statement with the actions and resources actually needed."
            ))
        } else {
            Verdict::compliant(format!("Policy {policy} has no statement that allows * on *."))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_non_compliant_when_the_default_version_allows_everything() {
        let e = change(&IamPolicyNoStatementsWithAdminAccess, "admin").unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), ("AWS::IAM::Policy", "ANPAGODMODE000000001"));
        assert_evaluation(&e, Compliance::NonCompliant, &["god-mode", "Action * on Resource *"]);
        for case in ["admin-in-lists", "admin-single-statement"] {
            let e = change(&IamPolicyNoStatementsWithAdminAccess, case).unwrap();
            assert_eq!(e.compliance, Compliance::NonCompliant, "{case}");
        }
    }

    #[test]
    fn scenario_2_compliant_with_narrower_statements_or_an_old_admin_version() {
        for case in ["service-wildcard", "deny-all", "admin-in-old-version"] {
            let e = change(&IamPolicyNoStatementsWithAdminAccess, case).unwrap();
            assert_evaluation(&e, Compliance::Compliant, &["no statement that allows * on *"]);
        }
    }

    #[test]
    fn scenario_3_not_action_is_not_flagged() {
        assert_eq!(
            change(&IamPolicyNoStatementsWithAdminAccess, "not-action").unwrap().compliance,
            Compliance::Compliant
        );
    }

    #[test]
    fn scenario_4_permissions_boundaries_are_skipped_only_when_asked() {
        let e = change(&IamPolicyNoStatementsWithAdminAccess, "boundary-cis").unwrap();
        assert_evaluation(&e, Compliance::NotApplicable, &["permissions boundary", "excludePermissionBoundaryPolicy"]);
        let e = change(&IamPolicyNoStatementsWithAdminAccess, "boundary-default").unwrap();
        assert_eq!(e.compliance, Compliance::NonCompliant);
    }

    #[test]
    fn scenario_5_aws_managed_policies_are_not_applicable() {
        let e = change(&IamPolicyNoStatementsWithAdminAccess, "aws-managed").unwrap();
        assert_evaluation(&e, Compliance::NotApplicable, &["AWS managed policy"]);
    }

    #[test]
    fn scenario_6_not_applicable_when_deleted() {
        let e = change(&IamPolicyNoStatementsWithAdminAccess, "deleted").unwrap();
        assert_evaluation(&e, Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_7_oversized_item_is_fetched() {
        let document = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let policy = Recorded::new(
            "AWS::IAM::Policy",
            "ANPABIG0000000000007",
            serde_json::json!({
                "policyName": "big", "policyId": "ANPABIG0000000000007",
                "arn": "arn:aws:iam::123456789012:policy/big", "defaultVersionId": "v1",
                "permissionsBoundaryUsageCount": 0,
                "policyVersionList": [{"versionId": "v1", "isDefaultVersion": true, "document": document}]
            }),
        );
        let config = shared::testing::recorded_config_client(vec![policy], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&IamPolicyNoStatementsWithAdminAccess, "oversized", config)
                .await
                .unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "ANPABIG0000000000007");
    }

    #[test]
    fn scenario_8_missing_or_unreadable_documents_are_errors() {
        let error = change(&IamPolicyNoStatementsWithAdminAccess, "no-document").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("document for its default version"), "{error}");
        let error = change(&IamPolicyNoStatementsWithAdminAccess, "malformed-document").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("policy broken cannot be read"), "{error}");
    }

    #[test]
    fn scenario_9_invalid_parameter_is_an_error() {
        let error = change(&IamPolicyNoStatementsWithAdminAccess, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("excludePermissionBoundaryPolicy"), "{error}");
    }
}
