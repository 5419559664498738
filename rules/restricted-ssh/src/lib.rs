//! # restricted-ssh
//!
//! Checks that no security group lets SSH in from the whole internet: no inbound rule may allow
//! TCP port 22 from `0.0.0.0/0` or `::/0` (or any other `/0` range).
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded group (hybrid).
//! - **Reports on**: `AWS::EC2::SecurityGroup`, read from the configuration item alone.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `restricted-ssh` (identifier `INCOMING_SSH_DISABLED`).
//! - **Well-Architected**: SEC-5 (network protection).
//!
//! ## Scenarios
//! 1. COMPLIANT when no inbound rule opens port 22 to the internet.
//! 2. NON_COMPLIANT when a TCP rule for port 22 allows `0.0.0.0/0` (listed in `ipv4Ranges`).
//! 3. NON_COMPLIANT when it allows `::/0` (`ipv6Ranges`).
//! 4. NON_COMPLIANT when `0.0.0.0/0` appears only in the legacy `ipRanges` list.
//! 5. NON_COMPLIANT when a port range that contains 22 (for example 0-1024) is open.
//! 6. NON_COMPLIANT when a protocol `-1` (all traffic) rule is open.
//! 7. COMPLIANT when port 22 is open only to specific ranges, security groups or prefix lists,
//!    or when only other ports (or UDP 22) are open to the internet.
//! 8. NOT_APPLICABLE when the group was deleted.
//! 9. NOT_APPLICABLE when the group left the rule's scope.
//! 10. An oversized notification is evaluated on the item fetched from AWS Config.
//! 11. A scheduled run evaluates every recorded security group and clears results of groups
//!     that are gone.
//! 12. An unknown rule parameter is rejected with an error naming it, and nothing is reported.

use shared::ec2::{Protocol, SecurityGroup};
use shared::prelude::*;

pub struct RestrictedSsh;

const SSH_PORT: i64 = 22;

impl ChangeRule for RestrictedSsh {
    const SPEC: RuleSpec = RuleSpec {
        name: "restricted-ssh",
        description: "Checks that security groups do not allow inbound SSH (TCP 22) from 0.0.0.0/0 or ::/0.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::SecurityGroup"],
        parameters: &[],
        iam_actions: &[],
        cis: &[],
        well_architected: &["SEC-5"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let group = SecurityGroup::from_item(item)?;
        let open = group.open_ingress(Protocol::Tcp, SSH_PORT);
        if open.is_empty() {
            return Ok(Verdict::compliant(format!(
                "Security group {} does not allow SSH from the internet.",
                group.label()
            )));
        }
        let rules: Vec<String> =
            open.iter().map(|(p, cidrs)| format!("{} from {}", p.describe(), cidrs.join(" and "))).collect();
        Ok(Verdict::non_compliant(format!(
            "Security group {} allows SSH from the internet ({}). Remove the rule or restrict its source to trusted address ranges.",
            group.label(),
            rules.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    #[test]
    fn scenario_1_compliant_without_open_ssh() {
        let e = change(&RestrictedSsh, "compliant").unwrap();
        assert_eq!(e.resource_id, "sg-0a1b2c3d4e5f60001");
        assert_evaluation(&e, Compliance::Compliant, &["sg-0a1b2c3d4e5f60001"]);
    }

    #[test]
    fn scenario_2_non_compliant_open_to_ipv4() {
        assert_evaluation(
            &change(&RestrictedSsh, "open-ipv4").unwrap(),
            Compliance::NonCompliant,
            &["TCP 22 from 0.0.0.0/0", "Remove the rule"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_open_to_ipv6() {
        assert_evaluation(
            &change(&RestrictedSsh, "open-ipv6").unwrap(),
            Compliance::NonCompliant,
            &["TCP 22 from ::/0"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_in_legacy_ip_ranges() {
        assert_evaluation(
            &change(&RestrictedSsh, "legacy-ip-ranges").unwrap(),
            Compliance::NonCompliant,
            &["0.0.0.0/0"],
        );
    }

    #[test]
    fn scenario_5_non_compliant_port_range_containing_22() {
        assert_evaluation(&change(&RestrictedSsh, "port-range").unwrap(), Compliance::NonCompliant, &["TCP 0-1024"]);
    }

    #[test]
    fn scenario_6_non_compliant_all_traffic() {
        assert_evaluation(
            &change(&RestrictedSsh, "all-traffic").unwrap(),
            Compliance::NonCompliant,
            &["all traffic from 0.0.0.0/0"],
        );
    }

    #[test]
    fn scenario_7_compliant_restricted_sources_and_other_ports() {
        assert_evaluation(&change(&RestrictedSsh, "restricted-sources").unwrap(), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_8_not_applicable_when_deleted() {
        assert_evaluation(&change(&RestrictedSsh, "deleted").unwrap(), Compliance::NotApplicable, &["deleted"]);
    }

    #[test]
    fn scenario_9_not_applicable_when_out_of_scope() {
        assert_evaluation(&change(&RestrictedSsh, "left-scope").unwrap(), Compliance::NotApplicable, &["scope"]);
    }

    #[tokio::test]
    async fn scenario_10_oversized_item_is_fetched() {
        let outcome = shared::testing::handle_change_with_config(
            &RestrictedSsh,
            "oversized",
            recorded_config(&["sg-0a1b2c3d4e5f60002"]),
        )
        .await
        .unwrap();
        assert_eq!(outcome.verdicts(), [("sg-0a1b2c3d4e5f60002", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_11_scheduled_run_sweeps_recorded_groups_and_clears_stale_results() {
        let outcome = shared::testing::handle_change_with_config(
            &RestrictedSsh,
            "scheduled",
            recorded_config(&["sg-0a1b2c3d4e5f60002", "sg-0a1b2c3d4e5f60001"]),
        )
        .await
        .unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("sg-0a1b2c3d4e5f60002", "NON_COMPLIANT"),
                ("sg-0a1b2c3d4e5f60001", "COMPLIANT"),
                ("sg-deleted", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[test]
    fn scenario_12_unknown_parameter_is_rejected() {
        let error = change(&RestrictedSsh, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("authorizedTcpPorts"), "{error}");
    }

    /// A Config client that has recorded the given groups (`…0001` restricted, `…0002` open),
    /// holds an old result for a deleted group, and accepts every evaluation.
    fn recorded_config(ids: &[&str]) -> aws_sdk_config::Client {
        shared::testing::recorded_config_client(
            ids.iter()
                .map(|id| {
                    let cidr = if id.ends_with('2') { "0.0.0.0/0" } else { "10.0.0.0/8" };
                    let ssh = serde_json::json!({"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipv4Ranges": [{"cidrIp": cidr}]});
                    Recorded::new("AWS::EC2::SecurityGroup", id, serde_json::json!({"groupId": id, "ipPermissions": [ssh]}))
                })
                .collect(),
            vec![("AWS::EC2::SecurityGroup", "sg-deleted")],
        )
    }
}
