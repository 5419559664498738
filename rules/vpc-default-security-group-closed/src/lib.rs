//! # vpc-default-security-group-closed
//!
//! Checks that the default security group of every VPC has no inbound and no outbound rules, so
//! that anything launched without a security group of its own gets no network access.
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded group (hybrid;
//!   AWS's managed rule is change-triggered).
//! - **Reports on**: `AWS::EC2::SecurityGroup`, read from the configuration item alone. Groups
//!   other than a VPC's `default` group are NOT_APPLICABLE (AWS reserves that name).
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `vpc-default-security-group-closed` (identifier
//!   `VPC_DEFAULT_SECURITY_GROUP_CLOSED`).
//! - **CIS v5.0.0**: 5.5. **Well-Architected**: SEC-5 (network protection).
//!
//! Every new VPC's default group starts non-compliant (it allows all outbound traffic and all
//! inbound traffic from itself). Resources still attached to the group do not change the
//! verdict; move them to dedicated groups before removing the rules.
//!
//! ## Scenarios
//! 1. COMPLIANT when the default group has no inbound and no outbound rules.
//! 2. NON_COMPLIANT with the rules every default group starts with (all traffic from itself,
//!    all traffic out).
//! 3. NON_COMPLIANT when only an inbound rule is left.
//! 4. NOT_APPLICABLE for a group that is not a default group, whatever its rules.
//! 5. NOT_APPLICABLE when the group was deleted.
//! 6. An oversized notification is evaluated on the item fetched from AWS Config.
//! 7. A scheduled run evaluates every recorded security group and clears results of groups
//!    that are gone.
//! 8. An unknown rule parameter is rejected with an error naming it, and nothing is reported.

use shared::ec2::{Permission, SecurityGroup};
use shared::prelude::*;

pub struct VpcDefaultSecurityGroupClosed;

/// `1 inbound rule (all traffic)`, `2 outbound rules (TCP 443, all traffic)`.
fn rules_text(direction: &str, permissions: &[Permission]) -> String {
    let what: Vec<String> = permissions.iter().map(Permission::describe).collect();
    match permissions.len() {
        0 => format!("no {direction} rules"),
        1 => format!("1 {direction} rule ({})", what.join(", ")),
        n => format!("{n} {direction} rules ({})", what.join(", ")),
    }
}

impl ChangeRule for VpcDefaultSecurityGroupClosed {
    const SPEC: RuleSpec = RuleSpec {
        name: "vpc-default-security-group-closed",
        description: "Checks that the default security group of every VPC has no inbound or outbound rules.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::SecurityGroup"],
        parameters: &[],
        iam_actions: &[],
        cis: &["5.5"],
        well_architected: &["SEC-5"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let group = SecurityGroup::from_item(item)?;
        if group.group_name.as_deref() != Some("default") {
            return Ok(Verdict::not_applicable(format!(
                "Security group {} is not the default security group of a VPC.",
                group.label()
            )));
        }
        let vpc = group.vpc_id.as_deref().map(|v| format!(" of VPC {v}")).unwrap_or_default();
        if group.ingress.is_empty() && group.egress.is_empty() {
            return Ok(Verdict::compliant(format!(
                "Default security group {}{vpc} has no inbound or outbound rules.",
                group.group_id
            )));
        }
        Ok(Verdict::non_compliant(format!(
            "Default security group {}{vpc} has {} and {}. Move resources to dedicated security groups, then remove every rule from the default group.",
            group.group_id,
            rules_text("inbound", &group.ingress),
            rules_text("outbound", &group.egress)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    fn verdict(case: &str) -> Evaluation {
        change(&VpcDefaultSecurityGroupClosed, case).unwrap()
    }

    #[test]
    fn scenario_1_compliant_when_closed() {
        let e = verdict("closed");
        assert_eq!(
            (e.resource_type.as_str(), e.resource_id.as_str()),
            ("AWS::EC2::SecurityGroup", "sg-0d0e0f0a0b0c00001")
        );
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["sg-0d0e0f0a0b0c00001 of VPC vpc-0a1b2c3d", "no inbound or outbound"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_out_of_the_box() {
        assert_evaluation(
            &verdict("out-of-the-box"),
            Compliance::NonCompliant,
            &["1 inbound rule (all traffic) and 1 outbound rule (all traffic)", "Move resources to dedicated"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_with_inbound_rule_only() {
        assert_evaluation(
            &verdict("inbound-only"),
            Compliance::NonCompliant,
            &["1 inbound rule (TCP 443) and no outbound rules"],
        );
    }

    #[test]
    fn scenario_4_not_applicable_for_other_groups() {
        assert_evaluation(
            &verdict("not-default"),
            Compliance::NotApplicable,
            &["sg-0a1b2c3d4e5f60002 (web) is not the default"],
        );
    }

    #[test]
    fn scenario_5_not_applicable_when_deleted() {
        assert_evaluation(&verdict("deleted"), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_6_oversized_item_is_fetched() {
        let outcome =
            shared::testing::handle_change_with_config(&VpcDefaultSecurityGroupClosed, "oversized", recorded_config())
                .await
                .unwrap();
        assert_eq!(outcome.verdicts(), [("sg-0d0e0f0a0b0c00001", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_7_scheduled_run_sweeps_recorded_groups_and_clears_stale_results() {
        let outcome =
            shared::testing::handle_change_with_config(&VpcDefaultSecurityGroupClosed, "scheduled", recorded_config())
                .await
                .unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("sg-0d0e0f0a0b0c00001", "NON_COMPLIANT"),
                ("sg-0d0e0f0a0b0c00002", "COMPLIANT"),
                ("sg-0a1b2c3d4e5f60002", "NOT_APPLICABLE"),
                ("sg-deleted", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[test]
    fn scenario_8_unknown_parameter_is_rejected() {
        let error = change(&VpcDefaultSecurityGroupClosed, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("groupName"), "{error}");
    }

    /// Two default groups (`…0001` with its out-of-the-box egress rule, `…0002` closed), one
    /// other group, and an old result for a deleted group.
    fn recorded_config() -> aws_sdk_config::Client {
        let all_out = serde_json::json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]);
        let group = |id: &str, name: &str, egress: serde_json::Value| {
            Recorded::new(
                "AWS::EC2::SecurityGroup",
                id,
                serde_json::json!({"groupId": id, "groupName": name, "vpcId": "vpc-0a1b2c3d", "ipPermissions": [], "ipPermissionsEgress": egress}),
            )
        };
        shared::testing::recorded_config_client(
            vec![
                group("sg-0d0e0f0a0b0c00001", "default", all_out.clone()),
                group("sg-0d0e0f0a0b0c00002", "default", serde_json::json!([])),
                group("sg-0a1b2c3d4e5f60002", "web", all_out),
            ],
            vec![("AWS::EC2::SecurityGroup", "sg-deleted")],
        )
    }
}
