//! # nacl-no-unrestricted-remote-admin-ingress
//!
//! Checks CIS 5.2 as the benchmark words it: no network ACL may have an inbound ALLOW entry from
//! the whole internet whose protocol is TCP, UDP or all traffic (`-1`) and whose port range
//! includes a remote administration port (by default 22 and 3389; add the ones your
//! organization uses, such as 5985-5986 for WinRM or 5900 for VNC).
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded network ACL
//!   (hybrid).
//! - **Reports on**: `AWS::EC2::NetworkAcl`, read from the configuration item alone.
//! - **Parameters**: `restrictPorts` (ports 0-65535, default `22,3389`), `protocolType` (`TCP`,
//!   `UDP` or `ALL`, default `ALL`; all-traffic entries always count), `ipType` (`IPv4`, `IPv6` or
//!   `ALL`, default `ALL`). The same meanings as in `vpc-sg-port-restriction-check`.
//! - **Same as**: no AWS managed rule (custom). It complements `nacl-no-unrestricted-ssh-rdp`,
//!   AWS's rule for CIS 5.2, which has no parameters and does not flag UDP 22; with the defaults
//!   this rule flags everything that one does, and more.
//! - **CIS v5.0.0**: 5.2 (the CIS pack sets `ipType` `IPv4`, the range the recommendation names;
//!   `nacl-no-unrestricted-ssh-rdp` covers `::/0`).
//!
//! Like the benchmark's audit, it ignores rule order: a lower-numbered DENY does not excuse a
//! later ALLOW. The untouched default network ACL (rule 100 allows all traffic) is flagged.
//!
//! ## Scenarios
//! 1. COMPLIANT when no inbound ALLOW entry from the internet covers a restricted port.
//! 2. NON_COMPLIANT for the untouched default network ACL (CIS pack values).
//! 3. NON_COMPLIANT when UDP 22 is open to `0.0.0.0/0` (which `nacl-no-unrestricted-ssh-rdp`
//!    does not flag).
//! 4. NON_COMPLIANT for an organization's own administration ports (WinRM 5985-5986 added to
//!    `restrictPorts`); COMPLIANT for the same entry with the default ports.
//! 5. CIS pack values (`ipType` `IPv4`): COMPLIANT when SSH is open only to `::/0`.
//! 6. `protocolType` `TCP`: COMPLIANT when only UDP 3389 is open.
//! 7. NON_COMPLIANT when a lower-numbered DENY precedes the open ALLOW.
//! 8. NOT_APPLICABLE when the network ACL was deleted.
//! 9. An oversized notification is evaluated on the item fetched from AWS Config.
//! 10. A scheduled run evaluates every recorded network ACL and clears results of ACLs that are
//!     gone.
//! 11. An invalid `restrictPorts` is an error naming the parameter, and nothing is reported.

use shared::ec2::{IpType, NetworkAcl, ProtocolType, parse_ports};
use shared::prelude::*;

pub struct NaclNoUnrestrictedRemoteAdminIngress;

/// The validated parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub ports: Vec<i64>,
    pub protocol: ProtocolType,
    pub ip: IpType,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        Ok(Params {
            ports: parse_ports("restrictPorts", p.list("restrictPorts")?)?,
            protocol: ProtocolType::parse("protocolType", p.opt_string("protocolType")?)?,
            ip: IpType::parse("ipType", p.opt_string("ipType")?)?,
        })
    }
}

/// `port 22`, `ports 22, 3389`.
fn ports_text(ports: &[i64]) -> String {
    let list: Vec<String> = ports.iter().map(i64::to_string).collect();
    if list.len() == 1 { format!("port {}", list[0]) } else { format!("ports {}", list.join(", ")) }
}

impl ChangeRule for NaclNoUnrestrictedRemoteAdminIngress {
    const SPEC: RuleSpec = RuleSpec {
        name: "nacl-no-unrestricted-remote-admin-ingress",
        description: "Checks that network ACLs do not allow inbound TCP, UDP or all traffic to remote administration ports (by default 22 and 3389) from 0.0.0.0/0 or ::/0.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::NetworkAcl"],
        parameters: &[
            ParamSpec::csv(
                "restrictPorts",
                Some("22,3389"),
                "Remote administration ports (0-65535) that must not be open to the whole internet.",
            ),
            ParamSpec::string(
                "protocolType",
                Some("ALL"),
                "TCP, UDP or ALL: which protocols to check; all-traffic (-1) entries always count.",
            ),
            ParamSpec::string("ipType", Some("ALL"), "IPv4 (0.0.0.0/0), IPv6 (::/0) or ALL (both)."),
        ],
        iam_actions: &[],
        cis: &["5.2"],
        cis_parameters: &[("restrictPorts", "22,3389"), ("protocolType", "ALL"), ("ipType", "IPv4")],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let acl = NetworkAcl::from_item(item)?;
        let mut opened: Vec<i64> = Vec::new();
        let mut offending: Vec<String> = Vec::new();
        for entry in acl.open_inbound_allows() {
            let open_here = entry.cidr.as_deref().is_some_and(|c| params.ip.is_open(c));
            let ports: Vec<i64> = params.ports.iter().copied().filter(|p| entry.covers_port(*p)).collect();
            if !open_here || !params.protocol.includes(entry.protocol) || ports.is_empty() {
                continue;
            }
            offending.push(entry.describe());
            opened.extend(ports);
        }
        if offending.is_empty() {
            return Ok(Verdict::compliant(format!(
                "Network ACL {} allows no {} in from {} ({}).",
                acl.label(),
                ports_text(&params.ports),
                params.ip.ranges(),
                params.protocol.as_str()
            )));
        }
        opened.sort_unstable();
        opened.dedup();
        Ok(Verdict::non_compliant(format!(
            "Network ACL {} lets {} in from the internet: {}. Narrow or remove these entries; earlier deny entries do not count.",
            acl.label(),
            ports_text(&opened),
            offending.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    fn verdict(case: &str) -> Evaluation {
        change(&NaclNoUnrestrictedRemoteAdminIngress, case).unwrap()
    }

    #[test]
    fn scenario_1_compliant_with_restricted_entries() {
        let e = verdict("restricted");
        assert_eq!(
            (e.resource_type.as_str(), e.resource_id.as_str()),
            ("AWS::EC2::NetworkAcl", "acl-0a1b2c3d4e5f60001")
        );
        assert_evaluation(&e, Compliance::Compliant, &["ports 22, 3389", "0.0.0.0/0 or ::/0"]);
    }

    #[test]
    fn scenario_2_non_compliant_default_acl() {
        assert_evaluation(
            &verdict("default-acl"),
            Compliance::NonCompliant,
            &["default ACL", "lets ports 22, 3389 in", "rule 100 (all traffic from 0.0.0.0/0)"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_udp_ssh() {
        assert_evaluation(
            &verdict("udp-ssh"),
            Compliance::NonCompliant,
            &["port 22 in", "rule 100 (UDP 22 from 0.0.0.0/0)"],
        );
    }

    #[test]
    fn scenario_4_organization_ports() {
        assert_evaluation(
            &verdict("winrm-extra-ports"),
            Compliance::NonCompliant,
            &["ports 5985, 5986", "rule 100 (TCP 5985-5986 from 0.0.0.0/0)"],
        );
        assert_evaluation(&verdict("winrm-default-ports"), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_5_cis_values_check_ipv4_only() {
        assert_evaluation(&verdict("cis-ipv6-only"), Compliance::Compliant, &["from 0.0.0.0/0 ("]);
    }

    #[test]
    fn scenario_6_tcp_only_ignores_udp() {
        assert_evaluation(&verdict("tcp-only-udp-rdp"), Compliance::Compliant, &["(TCP)"]);
    }

    #[test]
    fn scenario_7_lower_numbered_deny_does_not_excuse() {
        assert_evaluation(
            &verdict("deny-before-allow"),
            Compliance::NonCompliant,
            &["rule 100 (TCP 22 from 0.0.0.0/0)"],
        );
    }

    #[test]
    fn scenario_8_not_applicable_when_deleted() {
        assert_evaluation(&verdict("deleted"), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_9_oversized_item_is_fetched() {
        let outcome = shared::testing::handle_change_with_config(
            &NaclNoUnrestrictedRemoteAdminIngress,
            "oversized",
            recorded_config(),
        )
        .await
        .unwrap();
        assert_eq!(outcome.verdicts(), [("acl-0a1b2c3d4e5f60002", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_10_scheduled_run_sweeps_recorded_acls_and_clears_stale_results() {
        let outcome = shared::testing::handle_change_with_config(
            &NaclNoUnrestrictedRemoteAdminIngress,
            "scheduled",
            recorded_config(),
        )
        .await
        .unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("acl-0a1b2c3d4e5f60002", "NON_COMPLIANT"),
                ("acl-0a1b2c3d4e5f60001", "COMPLIANT"),
                ("acl-deleted", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[test]
    fn scenario_11_invalid_ports_are_rejected() {
        let error = change(&NaclNoUnrestrictedRemoteAdminIngress, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("restrictPorts") && error.to_string().contains("22-23"), "{error}");
    }

    /// The default ACL (`…0002`, with UDP 22 open), a restricted one (`…0001`), and an old result
    /// for a deleted ACL.
    fn recorded_config() -> aws_sdk_config::Client {
        let acl = |id: &str, entries: serde_json::Value| {
            Recorded::new(
                "AWS::EC2::NetworkAcl",
                id,
                serde_json::json!({"networkAclId": id, "vpcId": "vpc-0a1b2c3d", "entries": entries}),
            )
        };
        shared::testing::recorded_config_client(
            vec![
                acl(
                    "acl-0a1b2c3d4e5f60002",
                    serde_json::json!([{"ruleNumber": 100, "egress": false, "ruleAction": "allow", "protocol": "17", "cidrBlock": "0.0.0.0/0", "portRange": {"from": 22, "to": 22}}]),
                ),
                acl(
                    "acl-0a1b2c3d4e5f60001",
                    serde_json::json!([{"ruleNumber": 100, "egress": false, "ruleAction": "allow", "protocol": "6", "cidrBlock": "10.0.0.0/8", "portRange": {"from": 22, "to": 22}}]),
                ),
            ],
            vec![("AWS::EC2::NetworkAcl", "acl-deleted")],
        )
    }
}
