//! # vpc-sg-port-restriction-check
//!
//! Checks that no security group lets the restricted ports (by default the remote administration
//! ports 22 and 3389) in from the whole internet: no inbound rule may allow TCP, UDP or all
//! traffic (`-1`) on those ports from `0.0.0.0/0` or `::/0` (or any other `/0` range).
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded group (hybrid;
//!   AWS's managed rule is periodic, but the group's configuration item alone decides).
//! - **Reports on**: `AWS::EC2::SecurityGroup`, read from the configuration item alone.
//! - **Parameters**: `restrictPorts` (ports 0-65535, default `22,3389`), `protocolType` (`TCP`,
//!   `UDP` or `ALL`, default `ALL`), `ipType` (`IPv4`, `IPv6` or `ALL`, default `ALL`),
//!   `excludeExternalSecurityGroups` (default `true`).
//! - **Same as**: the AWS managed rule `vpc-sg-port-restriction-check` (identifier
//!   `VPC_SG_PORT_RESTRICTION_CHECK`). Differences: `protocolType` `TCP` or `UDP` also flags
//!   all-traffic (`-1`) rules, since all traffic includes that protocol; AWS does not define an
//!   "external" security group, so `excludeExternalSecurityGroups` is validated but excludes
//!   nothing (every group is evaluated).
//! - **CIS v5.0.0**: 5.3 as `vpc-sg-port-restriction-check` (ports 22 and 3389 from `0.0.0.0/0`),
//!   5.4 as `vpc-sg-port-restriction-check-ipv6` (the same ports from `::/0`) and 5.1.2 as
//!   `vpc-sg-port-restriction-check-cifs` (port 445 from either range): three Config rules of the
//!   CIS pack backed by this one function.
//!
//! Sources given as security groups or prefix lists are not the internet and are not flagged;
//! narrower ranges are "trusted networks" only your organization can judge.
//!
//! ## Scenarios
//! 1. COMPLIANT when no inbound rule opens port 22 or 3389 to the internet (defaults).
//! 2. NON_COMPLIANT when TCP 22 is open to `0.0.0.0/0`.
//! 3. NON_COMPLIANT when UDP 3389 is open to `::/0` (defaults check both protocols and families).
//! 4. NON_COMPLIANT when an all-traffic rule, or a port range such as 0-3389, is open.
//! 5. CIS 5.3 (`ipType` `IPv4`): NON_COMPLIANT for RDP from `0.0.0.0/0`; COMPLIANT when the
//!    administration ports are open only to `::/0`.
//! 6. CIS 5.4 (`ipType` `IPv6`): NON_COMPLIANT for all traffic from `::/0`; COMPLIANT when the
//!    ports are open only to `0.0.0.0/0`.
//! 7. CIS 5.1.2 (`restrictPorts` `445`): NON_COMPLIANT for CIFS from `::/0`; COMPLIANT when only
//!    SSH is open.
//! 8. `protocolType` `TCP`: UDP 22 from the internet is COMPLIANT; an all-traffic rule is not.
//! 9. COMPLIANT when the ports are open only to private ranges, security groups or prefix lists,
//!    or when only ICMP is open to the internet.
//! 10. `excludeExternalSecurityGroups` `false` is accepted and changes no verdict.
//! 11. NOT_APPLICABLE when the group was deleted.
//! 12. An oversized notification is evaluated on the item fetched from AWS Config.
//! 13. A scheduled run evaluates every recorded security group and clears results of groups
//!     that are gone.
//! 14. An invalid `restrictPorts` or `ipType` is an error naming the parameter, and nothing is
//!     reported.

use shared::ec2::{IpType, ProtocolType, SecurityGroup, parse_ports};
use shared::prelude::*;
use shared::spec::Variant;

pub struct VpcSgPortRestrictionCheck;

/// The validated parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub ports: Vec<i64>,
    pub protocol: ProtocolType,
    pub ip: IpType,
    /// Accepted as AWS's rule does; see the header for why it has no effect.
    pub exclude_external: bool,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params {
            ports: parse_ports("restrictPorts", p.list("restrictPorts")?)?,
            protocol: ProtocolType::parse("protocolType", p.opt_string("protocolType")?)?,
            ip: IpType::parse("ipType", p.opt_string("ipType")?)?,
            exclude_external: p.bool("excludeExternalSecurityGroups")?,
        })
    }
}

/// `port 445`, `ports 22, 3389`.
fn ports_text(ports: &[i64]) -> String {
    let list: Vec<String> = ports.iter().map(i64::to_string).collect();
    if list.len() == 1 { format!("port {}", list[0]) } else { format!("ports {}", list.join(", ")) }
}

impl ChangeRule for VpcSgPortRestrictionCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "vpc-sg-port-restriction-check",
        description: "Checks that security groups do not allow inbound traffic to restricted ports (by default 22 and 3389) from 0.0.0.0/0 or ::/0.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::SecurityGroup"],
        parameters: &[
            ParamSpec::csv(
                "restrictPorts",
                Some("22,3389"),
                "Ports (0-65535) that must not be open to the whole internet.",
            ),
            ParamSpec::string(
                "protocolType",
                Some("ALL"),
                "TCP, UDP or ALL: which protocols to check; all-traffic (-1) rules always count.",
            ),
            ParamSpec::string("ipType", Some("ALL"), "IPv4 (0.0.0.0/0), IPv6 (::/0) or ALL (both)."),
            ParamSpec::boolean(
                "excludeExternalSecurityGroups",
                Some("true"),
                "Accepted for compatibility with AWS's rule; every group is evaluated.",
            ),
        ],
        iam_actions: &[],
        cis: &["5.3"],
        cis_parameters: &[("restrictPorts", "22,3389"), ("protocolType", "ALL"), ("ipType", "IPv4")],
        cis_variants: &[
            Variant {
                name: "vpc-sg-port-restriction-check-ipv6",
                cis: &["5.4"],
                parameters: &[("restrictPorts", "22,3389"), ("protocolType", "ALL"), ("ipType", "IPv6")],
            },
            Variant {
                name: "vpc-sg-port-restriction-check-cifs",
                cis: &["5.1.2"],
                parameters: &[("restrictPorts", "445"), ("protocolType", "ALL"), ("ipType", "ALL")],
            },
        ],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let group = SecurityGroup::from_item(item)?;
        let mut opened: Vec<i64> = Vec::new();
        let mut offenders: Vec<String> = Vec::new();
        for permission in group.ingress.iter().filter(|p| params.protocol.includes(p.protocol)) {
            let ports: Vec<i64> = params.ports.iter().copied().filter(|p| permission.covers_port(*p)).collect();
            let open: Vec<&str> =
                permission.cidrs.iter().map(String::as_str).filter(|c| params.ip.is_open(c)).collect();
            if ports.is_empty() || open.is_empty() {
                continue;
            }
            offenders.push(format!("{} from {}", permission.describe(), open.join(" and ")));
            opened.extend(ports);
        }
        if offenders.is_empty() {
            return Ok(Verdict::compliant(format!(
                "Security group {} does not open {} to {} ({}).",
                group.label(),
                ports_text(&params.ports),
                params.ip.ranges(),
                params.protocol.as_str()
            )));
        }
        opened.sort_unstable();
        opened.dedup();
        Ok(Verdict::non_compliant(format!(
            "Security group {} opens {} to the internet ({}). Remove these rules or restrict their sources to trusted address ranges.",
            group.label(),
            ports_text(&opened),
            offenders.join("; ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    fn verdict(case: &str) -> Evaluation {
        change(&VpcSgPortRestrictionCheck, case).unwrap()
    }

    #[test]
    fn scenario_1_compliant_without_open_administration_ports() {
        let e = verdict("compliant");
        assert_eq!(
            (e.resource_type.as_str(), e.resource_id.as_str()),
            ("AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f60001")
        );
        assert_evaluation(
            &e,
            Compliance::Compliant,
            &["sg-0a1b2c3d4e5f60001 (web)", "ports 22, 3389", "0.0.0.0/0 or ::/0"],
        );
    }

    #[test]
    fn scenario_2_non_compliant_ssh_from_ipv4_internet() {
        assert_evaluation(
            &verdict("open-ssh-ipv4"),
            Compliance::NonCompliant,
            &["opens port 22 to the internet", "TCP 22 from 0.0.0.0/0", "restrict their sources"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_udp_rdp_from_ipv6_internet() {
        assert_evaluation(
            &verdict("open-rdp-udp-ipv6"),
            Compliance::NonCompliant,
            &["port 3389", "UDP 3389 from ::/0"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_all_traffic_and_port_ranges() {
        assert_evaluation(
            &verdict("all-traffic-and-ranges"),
            Compliance::NonCompliant,
            &["ports 22, 3389", "all traffic from 0.0.0.0/0", "TCP 0-3389 from ::/0"],
        );
    }

    #[test]
    fn scenario_5_cis_5_3_checks_ipv4_only() {
        assert_evaluation(&verdict("cis-5-3-open"), Compliance::NonCompliant, &["TCP 3389 from 0.0.0.0/0"]);
        assert_evaluation(&verdict("cis-5-3-ipv6-only"), Compliance::Compliant, &["to 0.0.0.0/0 ("]);
    }

    #[test]
    fn scenario_6_cis_5_4_checks_ipv6_only() {
        assert_evaluation(&verdict("cis-5-4-open"), Compliance::NonCompliant, &["all traffic from ::/0"]);
        assert_evaluation(&verdict("cis-5-4-ipv4-only"), Compliance::Compliant, &["to ::/0 ("]);
    }

    #[test]
    fn scenario_7_cis_5_1_2_checks_cifs() {
        assert_evaluation(
            &verdict("cis-5-1-2-open"),
            Compliance::NonCompliant,
            &["opens port 445", "TCP 445 from ::/0"],
        );
        assert_evaluation(&verdict("cis-5-1-2-ssh-only"), Compliance::Compliant, &["port 445"]);
    }

    #[test]
    fn scenario_8_tcp_only_ignores_udp_but_not_all_traffic() {
        assert_evaluation(&verdict("tcp-only-udp-open"), Compliance::Compliant, &["(TCP)"]);
        assert_evaluation(&verdict("tcp-only-all-traffic"), Compliance::NonCompliant, &["all traffic from 0.0.0.0/0"]);
    }

    #[test]
    fn scenario_9_compliant_with_private_group_and_prefix_list_sources() {
        assert_evaluation(&verdict("other-sources"), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_10_exclude_external_groups_changes_nothing() {
        let with_default = verdict("open-ssh-ipv4");
        let with_false = verdict("include-external-groups");
        assert_eq!(with_false.compliance, Compliance::NonCompliant);
        assert_eq!(with_false.annotation, with_default.annotation);
    }

    #[test]
    fn scenario_11_not_applicable_when_deleted() {
        assert_evaluation(&verdict("deleted"), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_12_oversized_item_is_fetched() {
        let outcome = shared::testing::handle_change_with_config(
            &VpcSgPortRestrictionCheck,
            "oversized",
            recorded_config(&["sg-0a1b2c3d4e5f60002"]),
        )
        .await
        .unwrap();
        assert_eq!(outcome.verdicts(), [("sg-0a1b2c3d4e5f60002", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_13_scheduled_run_sweeps_recorded_groups_and_clears_stale_results() {
        let outcome = shared::testing::handle_change_with_config(
            &VpcSgPortRestrictionCheck,
            "scheduled",
            recorded_config(&["sg-0a1b2c3d4e5f60002", "sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60006"]),
        )
        .await
        .unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("sg-0a1b2c3d4e5f60002", "NON_COMPLIANT"),
                ("sg-0a1b2c3d4e5f60001", "COMPLIANT"),
                ("sg-0a1b2c3d4e5f60006", "COMPLIANT"),
                ("sg-deleted", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[test]
    fn scenario_14_invalid_parameters_are_rejected() {
        for (case, name, value) in [("invalid-ports", "restrictPorts", "ssh"), ("invalid-ip-type", "ipType", "IPv5")] {
            let error = change(&VpcSgPortRestrictionCheck, case).unwrap_err();
            assert_eq!(error.error_type(), "InvalidParameterValueException");
            let text = error.to_string();
            assert!(text.contains(name) && text.contains(value), "{text}");
        }
    }

    #[test]
    fn the_cis_pack_runs_three_rules_on_this_function() {
        let spec = VpcSgPortRestrictionCheck::SPEC;
        assert_eq!(spec.problems(), Vec::<String>::new());
        let rules: Vec<(&str, &[&str])> =
            [(spec.name, spec.cis)].into_iter().chain(spec.cis_variants.iter().map(|v| (v.name, v.cis))).collect();
        assert_eq!(
            rules,
            [
                ("vpc-sg-port-restriction-check", &["5.3"][..]),
                ("vpc-sg-port-restriction-check-ipv6", &["5.4"][..]),
                ("vpc-sg-port-restriction-check-cifs", &["5.1.2"][..])
            ]
        );
        let defaults = Parameters::parse(None, spec.parameters).unwrap();
        assert_eq!(
            Params::from_params(&defaults).unwrap(),
            Params { ports: vec![22, 3389], protocol: ProtocolType::All, ip: IpType::All, exclude_external: true }
        );
    }

    /// A Config client that has recorded the given groups (`…0002` open to 0.0.0.0/0, `…0006`
    /// open to ::/0 only, the others restricted), holds an old result for a deleted group, and
    /// accepts every evaluation.
    fn recorded_config(ids: &[&str]) -> aws_sdk_config::Client {
        shared::testing::recorded_config_client(
            ids.iter()
                .map(|id| {
                    let ranges = match id.chars().last() {
                        Some('2') => serde_json::json!({"ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}),
                        Some('6') => serde_json::json!({"ipv6Ranges": [{"cidrIpv6": "::/0"}]}),
                        _ => serde_json::json!({"ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}]}),
                    };
                    let mut ssh = serde_json::json!({"ipProtocol": "tcp", "fromPort": 22, "toPort": 22});
                    if let (Some(ssh), Some(ranges)) = (ssh.as_object_mut(), ranges.as_object()) {
                        ssh.extend(ranges.clone());
                    }
                    Recorded::new(
                        "AWS::EC2::SecurityGroup",
                        id,
                        serde_json::json!({"groupId": id, "groupName": "web", "ipPermissions": [ssh]}),
                    )
                })
                .collect(),
            vec![("AWS::EC2::SecurityGroup", "sg-deleted")],
        )
    }
}
