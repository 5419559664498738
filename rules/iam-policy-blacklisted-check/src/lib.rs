//! # iam-policy-blacklisted-check
//!
//! Checks that no IAM user, group or role has one of the forbidden managed policies attached
//! (by default `AdministratorAccess`). The CIS pack forbids `AWSCloudShellFullAccess`, whose file
//! upload and download can move data in and out of the account.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::IAM::User`, `AWS::IAM::Group` and `AWS::IAM::Role`, by the id Config
//!   records, read from the configuration item alone (`attachedManagedPolicies`).
//! - **Parameters**: `policyArns` (comma-separated policy ARNs, default
//!   `arn:aws:iam::aws:policy/AdministratorAccess`); `exceptionList` (optional, names not ARNs:
//!   `users:[alice;bob],groups:[admins],roles:[break-glass]`).
//! - **Same as**: the AWS managed rule `iam-policy-blacklisted-check`.
//! - **CIS v5.0.0**: 1.21 (Manual), with `policyArns` =
//!   `arn:aws:iam::aws:policy/AWSCloudShellFullAccess`. A person must still confirm that no other
//!   policy grants the same access (for example `cloudshell:*` in a custom policy).
//!
//! ## Scenarios
//! 1. NON_COMPLIANT when a user, group or role has a forbidden policy attached; the annotation
//!    names it.
//! 2. COMPLIANT when none is attached; the annotation says what a person must still confirm.
//! 3. Without parameters, `AdministratorAccess` is the forbidden policy.
//! 4. COMPLIANT when the entity is named in `exceptionList` for its own type (a user exception
//!    does not cover a role of the same name).
//! 5. NOT_APPLICABLE when the entity was deleted.
//! 6. An oversized notification is evaluated on the item fetched from AWS Config.
//! 7. A malformed `exceptionList` is an error naming the parameter.
//! 8. An item without `attachedManagedPolicies` is an error, not a verdict.

use serde_json::Value;
use shared::prelude::*;

pub struct IamPolicyBlacklistedCheck;

const USER: &str = "AWS::IAM::User";
const GROUP: &str = "AWS::IAM::Group";
const ROLE: &str = "AWS::IAM::Role";

pub struct Params {
    forbidden: Vec<String>,
    except_users: Vec<String>,
    except_groups: Vec<String>,
    except_roles: Vec<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let mut params = Params {
            forbidden: p.list("policyArns")?.to_vec(),
            except_users: Vec::new(),
            except_groups: Vec::new(),
            except_roles: Vec::new(),
        };
        for entry in p.list("exceptionList")? {
            let invalid = || {
                ParamError::new(
                    "exceptionList",
                    format!("expected entries like users:[name1;name2], groups:[…] or roles:[…], got {entry:?}"),
                )
            };
            let (kind, names) = entry.split_once(':').ok_or_else(invalid)?;
            let names = names.trim().strip_prefix('[').and_then(|n| n.strip_suffix(']')).ok_or_else(invalid)?;
            let names = names.split(';').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
            match kind.trim().to_ascii_lowercase().as_str() {
                "users" => params.except_users.extend(names),
                "groups" => params.except_groups.extend(names),
                "roles" => params.except_roles.extend(names),
                _ => return Err(invalid()),
            }
        }
        Ok(params)
    }
}

fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

impl ChangeRule for IamPolicyBlacklistedCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "iam-policy-blacklisted-check",
        description: "Checks that none of the given managed policies is attached to an IAM user, group or role.",
        trigger: Trigger::Change,
        resource_types: &[USER, GROUP, ROLE],
        parameters: &[
            ParamSpec::csv(
                "policyArns",
                Some("arn:aws:iam::aws:policy/AdministratorAccess"),
                "Comma-separated ARNs of managed policies that no user, group or role may have attached.",
            ),
            ParamSpec::csv(
                "exceptionList",
                None,
                "Entities exempted, by name: users:[name1;name2],groups:[name],roles:[name].",
            ),
        ],
        iam_actions: &[],
        cis: &["1.21"],
        cis_parameters: &[("policyArns", "arn:aws:iam::aws:policy/AWSCloudShellFullAccess")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, p: &Params) -> Result<Verdict, RuleError> {
        let (noun, name_field, exceptions) = match item.resource_type.as_str() {
            USER => ("user", "userName", &p.except_users),
            GROUP => ("group", "groupName", &p.except_groups),
            _ => ("role", "roleName", &p.except_roles),
        };
        let kind = format!("IAM {noun}");
        let name =
            item.config(name_field).and_then(Value::as_str).or(item.resource_name.as_deref()).ok_or_else(|| {
                RuleError::InvalidData(format!(
                    "the configuration item of {kind} {} has no {name_field}",
                    item.resource_id
                ))
            })?;
        let Some(Value::Array(attached)) = item.config("attachedManagedPolicies") else {
            return Err(RuleError::InvalidData(format!(
                "the configuration item of {kind} {name} has no attachedManagedPolicies list"
            )));
        };
        if exceptions.iter().any(|e| e == name) {
            return Ok(Verdict::compliant(format!("{kind} {name} is exempted by the rule parameter exceptionList.")));
        }
        let mut found: Vec<&str> = attached
            .iter()
            .filter_map(|a| a.get("policyArn").and_then(Value::as_str))
            .filter(|arn| p.forbidden.iter().any(|f| f == arn))
            .map(policy_name)
            .collect();
        found.dedup();
        if found.is_empty() {
            let names: Vec<&str> = p.forbidden.iter().map(|f| policy_name(f)).collect();
            return Ok(Verdict::compliant(format!(
                "{kind} {name} has none of the forbidden policies ({}) attached. Manual check: confirm no other policy grants the same permissions.",
                names.join(", ")
            )));
        }
        Ok(Verdict::non_compliant(format!(
            "{kind} {name} has {} attached, which this rule forbids. Detach it and grant only the permissions the {noun} needs.",
            found.join(" and "),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_non_compliant_with_a_forbidden_policy() {
        let e = change(&IamPolicyBlacklistedCheck, "role-cloudshell").unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), ("AWS::IAM::Role", "AROAOPERATOR00000001"));
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["IAM role operator has AWSCloudShellFullAccess attached", "role needs"],
        );
        let e = change(&IamPolicyBlacklistedCheck, "group-cloudshell").unwrap();
        assert_eq!(e.resource_type, "AWS::IAM::Group");
        assert_evaluation(&e, Compliance::NonCompliant, &["IAM group developers has AWSCloudShellFullAccess"]);
    }

    #[test]
    fn scenario_2_compliant_without_forbidden_policies() {
        let e = change(&IamPolicyBlacklistedCheck, "user-compliant").unwrap();
        assert_eq!((e.resource_type.as_str(), e.resource_id.as_str()), ("AWS::IAM::User", "AIDAALICE0000000001"));
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["IAM user alice has none", "AWSCloudShellFullAccess", "Manual check:"],
        );
    }

    #[test]
    fn scenario_3_administrator_access_by_default() {
        let e = change(&IamPolicyBlacklistedCheck, "user-admin-default").unwrap();
        assert_evaluation(
            &e,
            Compliance::NonCompliant,
            &["IAM user bob has AdministratorAccess attached", "user needs"],
        );
    }

    #[test]
    fn scenario_4_exceptions_apply_by_type_and_name() {
        let e = change(&IamPolicyBlacklistedCheck, "excepted-role").unwrap();
        assert_evaluation(&e, Compliance::Compliant, &["IAM role operator is exempted", "exceptionList"]);
        let e = change(&IamPolicyBlacklistedCheck, "exception-of-another-type").unwrap();
        assert_eq!(e.compliance, Compliance::NonCompliant);
    }

    #[test]
    fn scenario_5_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&IamPolicyBlacklistedCheck, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_6_oversized_item_is_fetched() {
        let role = Recorded::new(
            ROLE,
            "AROABIG0000000000006",
            serde_json::json!({
                "roleName": "big", "roleId": "AROABIG0000000000006",
                "attachedManagedPolicies": [{"policyArn": "arn:aws:iam::aws:policy/AWSCloudShellFullAccess", "policyName": "AWSCloudShellFullAccess"}]
            }),
        );
        let config = shared::testing::recorded_config_client(vec![role], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&IamPolicyBlacklistedCheck, "oversized", config).await.unwrap();
        assert_eq!(outcome.evaluations[0].compliance_type, "NON_COMPLIANT");
        assert_eq!(outcome.evaluations[0].compliance_resource_id, "AROABIG0000000000006");
    }

    #[test]
    fn scenario_7_malformed_exception_list_is_an_error() {
        let error = change(&IamPolicyBlacklistedCheck, "invalid-exception-list").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("exceptionList"), "{error}");
    }

    #[test]
    fn scenario_8_an_item_without_attached_policies_is_an_error() {
        let error = change(&IamPolicyBlacklistedCheck, "incomplete").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("attachedManagedPolicies"), "{error}");
    }
}
