//! # ec2-instance-profile-attached
//!
//! Checks that every EC2 instance has an IAM instance profile, so that software on it can get
//! temporary credentials from a role instead of long-lived access keys stored on the instance.
//! With `IamInstanceProfileArnList`, the profile must also be one of the listed ones.
//!
//! - **Trigger**: configuration changes.
//! - **Reports on**: `AWS::EC2::Instance`, by instance id, read from the configuration item alone
//!   (`iamInstanceProfile.arn`, `state.name`).
//! - **Parameters**: `IamInstanceProfileArnList` (optional, comma-separated instance profile
//!   ARNs; no default: any profile is accepted). Every entry must be an instance profile ARN.
//! - **Same as**: the AWS managed rule `ec2-instance-profile-attached` (identifier
//!   `EC2_INSTANCE_PROFILE_ATTACHED`).
//! - **CIS v5.0.0**: 1.17, in part: a profile can be attached and still hold no role; the rule
//!   `ec2-instance-iam-role-attached` checks that part. **Well-Architected**: SEC-3, SEC-6.
//!
//! ## Scenarios
//! 1. COMPLIANT when the instance has an instance profile.
//! 2. NON_COMPLIANT when it has none.
//! 3. NON_COMPLIANT when `IamInstanceProfileArnList` is set and the profile is not in it.
//! 4. COMPLIANT when the profile is one of `IamInstanceProfileArnList`.
//! 5. A stopped instance is evaluated like a running one.
//! 6. NOT_APPLICABLE when the instance is terminated or shutting down.
//! 7. NOT_APPLICABLE when the instance was deleted.
//! 8. An oversized notification is evaluated on the item fetched from AWS Config.
//! 9. A list entry that is not an instance profile ARN is an error naming the parameter.
//! 10. An item that carries no configuration is an error, not a verdict.

use serde_json::Value;
use shared::prelude::*;

pub struct Ec2InstanceProfileAttached;

const LIST: &str = "IamInstanceProfileArnList";

/// The instance profile ARNs allowed (empty: any).
pub struct Params {
    allowed: Vec<String>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let allowed = p.list(LIST)?.to_vec();
        if let Some(bad) = allowed.iter().find(|arn| !is_instance_profile_arn(arn)) {
            return Err(ParamError::new(
                LIST,
                format!("{bad:?} is not an instance profile ARN (arn:aws:iam::<account>:instance-profile/<name>)"),
            ));
        }
        Ok(Params { allowed })
    }
}

fn is_instance_profile_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if !partition.is_empty()
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("instance-profile/").is_some_and(|name| !name.is_empty()))
}

impl ChangeRule for Ec2InstanceProfileAttached {
    const SPEC: RuleSpec = RuleSpec {
        name: "ec2-instance-profile-attached",
        description: "Checks that EC2 instances have an IAM instance profile attached (one of IamInstanceProfileArnList when it is set).",
        trigger: Trigger::Change,
        resource_types: &["AWS::EC2::Instance"],
        parameters: &[ParamSpec::csv(
            LIST,
            None,
            "Instance profile ARNs that instances may use (any profile when empty).",
        )],
        iam_actions: &[],
        cis: &["1.17"],
        well_architected: &["SEC-3", "SEC-6"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        if !item.configuration.is_object() {
            return Err(RuleError::InvalidData(format!(
                "the configuration item of EC2 instance {} carries no configuration",
                item.resource_id
            )));
        }
        let id = item.config("instanceId").and_then(Value::as_str).unwrap_or(&item.resource_id);
        let state = item.config("state.name").and_then(Value::as_str);
        if let Some(state @ ("terminated" | "shutting-down")) = state {
            return Ok(Verdict::not_applicable(format!("Instance {id} is {state}.")));
        }
        let profile = item.config("iamInstanceProfile.arn").and_then(Value::as_str).filter(|arn| !arn.is_empty());
        Ok(match profile {
            None => Verdict::non_compliant(format!(
                "Instance {id} has no IAM instance profile. Attach a profile whose role grants what the workload needs (aws ec2 associate-iam-instance-profile) instead of storing access keys on it."
            )),
            Some(arn) if !params.allowed.is_empty() && !params.allowed.iter().any(|a| a == arn) => {
                Verdict::non_compliant(format!(
                    "Instance {id} uses instance profile {arn}, which is not in {LIST}. Associate one of the listed profiles, or add this one to the list."
                ))
            }
            Some(arn) => Verdict::compliant(format!("Instance {id} has instance profile {arn}.")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_with_a_profile() {
        let e = change(&Ec2InstanceProfileAttached, "with-profile").unwrap();
        assert_eq!(e.resource_type, "AWS::EC2::Instance");
        assert_eq!(e.resource_id, "i-0a1b2c3d4e5f60001");
        assert_evaluation(&e, Compliance::Compliant, &["i-0a1b2c3d4e5f60001", "instance-profile/web-server"]);
    }

    #[test]
    fn scenario_2_non_compliant_without_a_profile() {
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "no-profile").unwrap(),
            Compliance::NonCompliant,
            &["i-0a1b2c3d4e5f60002", "no IAM instance profile", "associate-iam-instance-profile"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_with_a_profile_not_in_the_list() {
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "profile-not-allowed").unwrap(),
            Compliance::NonCompliant,
            &["instance-profile/web-server", "not in IamInstanceProfileArnList"],
        );
    }

    #[test]
    fn scenario_4_compliant_with_a_listed_profile() {
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "profile-allowed").unwrap(),
            Compliance::Compliant,
            &["instance-profile/approved-batch"],
        );
    }

    #[test]
    fn scenario_5_stopped_instances_are_evaluated() {
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "stopped-no-profile").unwrap(),
            Compliance::NonCompliant,
            &["i-0a1b2c3d4e5f60004"],
        );
    }

    #[test]
    fn scenario_6_not_applicable_when_terminated_or_shutting_down() {
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "terminated").unwrap(),
            Compliance::NotApplicable,
            &["terminated"],
        );
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "shutting-down").unwrap(),
            Compliance::NotApplicable,
            &["shutting-down"],
        );
    }

    #[test]
    fn scenario_7_not_applicable_when_deleted() {
        assert_evaluation(
            &change(&Ec2InstanceProfileAttached, "deleted").unwrap(),
            Compliance::NotApplicable,
            &["deleted"],
        );
    }

    #[tokio::test]
    async fn scenario_8_oversized_item_is_fetched() {
        let instance = Recorded::new(
            "AWS::EC2::Instance",
            "i-0a1b2c3d4e5f60008",
            serde_json::json!({"instanceId": "i-0a1b2c3d4e5f60008", "state": {"code": 16, "name": "running"},
                "iamInstanceProfile": {"arn": "arn:aws:iam::123456789012:instance-profile/batch", "id": "AIPA0A1B2C3D4E5F60008"}}),
        );
        let config = shared::testing::recorded_config_client(vec![instance], vec![]);
        let outcome =
            shared::testing::handle_change_with_config(&Ec2InstanceProfileAttached, "oversized", config).await.unwrap();
        assert_eq!(outcome.verdicts(), [("i-0a1b2c3d4e5f60008", "COMPLIANT")]);
    }

    #[test]
    fn scenario_9_a_list_entry_that_is_not_an_arn_is_rejected() {
        let error = change(&Ec2InstanceProfileAttached, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("IamInstanceProfileArnList"), "{error}");
        assert!(error.to_string().contains("web-server"), "{error}");
        assert!(is_instance_profile_arn("arn:aws-cn:iam::123456789012:instance-profile/path/app"));
        assert!(!is_instance_profile_arn("arn:aws:iam::123456789012:role/app"));
        assert!(!is_instance_profile_arn("arn:aws:iam::123456789012:instance-profile/"));
    }

    #[test]
    fn scenario_10_an_item_without_configuration_is_an_error() {
        let error = change(&Ec2InstanceProfileAttached, "no-configuration").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("i-0a1b2c3d4e5f60001"), "{error}");
    }
}
