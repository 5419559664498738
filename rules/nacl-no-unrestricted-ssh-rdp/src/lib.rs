//! # nacl-no-unrestricted-ssh-rdp
//!
//! Checks that no network ACL lets SSH or RDP in from the whole internet: no inbound ALLOW entry
//! from `0.0.0.0/0` or `::/0` may cover TCP port 22, or TCP or UDP port 3389, and none may allow
//! all traffic (protocol `-1`), which is what the untouched default network ACL does (rule 100).
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded network ACL
//!   (hybrid; AWS's managed rule is change-triggered).
//! - **Reports on**: `AWS::EC2::NetworkAcl`, read from the configuration item alone. Network
//!   ACLs not associated with any subnet are evaluated too.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `nacl-no-unrestricted-ssh-rdp` (identifier
//!   `NACL_NO_UNRESTRICTED_SSH_RDP`, Security Hub EC2.21), as its behaviour is documented: only
//!   inbound ALLOW entries from the whole internet count, TCP or UDP entries without a port range
//!   cover every port, other protocols (ICMP…) are ignored, and rule order is ignored, so a
//!   lower-numbered DENY does not excuse a later ALLOW.
//! - **CIS v5.0.0**: 5.2.
//!
//! A common surprise: an inbound ALLOW for return traffic on ports 1024-65535 from the internet
//! covers 3389 and is flagged, as CIS intends (a DENY for 3389 before it is not counted); start
//! such ranges above 3389, for example at 32768 (the Linux ephemeral range).
//!
//! **Gap to CIS 5.2.** CIS also lists UDP port 22 and lets an organization add its own remote
//! administration ports; this rule, like AWS's, flags neither. `nacl-no-unrestricted-remote-admin-ingress`
//! checks CIS 5.2 literally, with configurable ports, and is in the CIS pack next to this one.
//!
//! ## Scenarios
//! 1. COMPLIANT when no inbound ALLOW entry from the internet covers SSH or RDP (denies, private
//!    sources and other ports are fine).
//! 2. NON_COMPLIANT for the untouched default network ACL (rule 100 allows all traffic from
//!    `0.0.0.0/0`).
//! 3. NON_COMPLIANT when a TCP port range that contains 22 is open to `0.0.0.0/0`.
//! 4. NON_COMPLIANT when UDP 3389 is open to `::/0`.
//! 5. COMPLIANT when only UDP 22 is open to the internet (the documented gap to CIS).
//! 6. NON_COMPLIANT when a lower-numbered DENY precedes the open ALLOW (rule order is ignored).
//! 7. COMPLIANT when SSH is open only outbound, denied inbound, or only ICMP is allowed.
//! 8. NON_COMPLIANT when a TCP entry from the internet has no port range (every port).
//! 9. NOT_APPLICABLE when the network ACL was deleted.
//! 10. An oversized notification is evaluated on the item fetched from AWS Config.
//! 11. A scheduled run evaluates every recorded network ACL and clears results of ACLs that are
//!     gone.
//! 12. An unknown rule parameter is rejected with an error naming it, and nothing is reported.
//! 13. An entry that cannot be understood is an error, not a verdict.

use shared::ec2::{AclEntry, NetworkAcl, Protocol};
use shared::prelude::*;

pub struct NaclNoUnrestrictedSshRdp;

const SSH: i64 = 22;
const RDP: i64 = 3389;

/// Whether an inbound ALLOW entry from the internet lets SSH or RDP in, as AWS's rule reads it.
fn lets_ssh_or_rdp_in(entry: &AclEntry) -> bool {
    match entry.protocol {
        Protocol::All => true,
        Protocol::Tcp => entry.covers_port(SSH) || entry.covers_port(RDP),
        Protocol::Udp => entry.covers_port(RDP),
        _ => false,
    }
}

impl ChangeRule for NaclNoUnrestrictedSshRdp {
    const SPEC: RuleSpec = RuleSpec {
        name: "nacl-no-unrestricted-ssh-rdp",
        description: "Checks that network ACLs do not allow inbound SSH (TCP 22) or RDP (TCP/UDP 3389), or all traffic, from 0.0.0.0/0 or ::/0.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::NetworkAcl"],
        parameters: &[],
        iam_actions: &[],
        cis: &["5.2"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;

    fn evaluate(&self, item: &ConfigurationItem, _: &NoParams) -> Result<Verdict, RuleError> {
        let acl = NetworkAcl::from_item(item)?;
        let offending: Vec<String> =
            acl.open_inbound_allows().into_iter().filter(|e| lets_ssh_or_rdp_in(e)).map(AclEntry::describe).collect();
        if offending.is_empty() {
            return Ok(Verdict::compliant(format!(
                "Network ACL {} allows no SSH or RDP in from 0.0.0.0/0 or ::/0.",
                acl.label()
            )));
        }
        Ok(Verdict::non_compliant(format!(
            "Network ACL {} lets SSH or RDP in from the internet: {}. Narrow or remove these entries; earlier deny entries do not count.",
            acl.label(),
            offending.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    fn verdict(case: &str) -> Evaluation {
        change(&NaclNoUnrestrictedSshRdp, case).unwrap()
    }

    #[test]
    fn scenario_1_compliant_with_restricted_entries() {
        let e = verdict("restricted");
        assert_eq!(
            (e.resource_type.as_str(), e.resource_id.as_str()),
            ("AWS::EC2::NetworkAcl", "acl-0a1b2c3d4e5f60001")
        );
        assert_evaluation(&e, Compliance::Compliant, &["acl-0a1b2c3d4e5f60001 (vpc-0a1b2c3d)"]);
    }

    #[test]
    fn scenario_2_non_compliant_default_acl() {
        assert_evaluation(
            &verdict("default-acl"),
            Compliance::NonCompliant,
            &["default ACL of vpc-0a1b2c3d", "rule 100 (all traffic from 0.0.0.0/0)", "Narrow or remove"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_ssh_port_range() {
        assert_evaluation(
            &verdict("ssh-port-range"),
            Compliance::NonCompliant,
            &["rule 100 (TCP 0-1023 from 0.0.0.0/0)"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_udp_rdp_from_ipv6() {
        assert_evaluation(&verdict("rdp-udp-ipv6"), Compliance::NonCompliant, &["rule 100 (UDP 3389 from ::/0)"]);
    }

    #[test]
    fn scenario_5_udp_ssh_is_not_flagged() {
        assert_evaluation(&verdict("udp-ssh"), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_6_lower_numbered_deny_does_not_excuse() {
        let e = verdict("deny-before-allow");
        assert_evaluation(&e, Compliance::NonCompliant, &["rule 100 (TCP 22 from 0.0.0.0/0)"]);
        assert!(!e.annotation.contains("rule 90"), "{}", e.annotation);
    }

    #[test]
    fn scenario_7_compliant_egress_deny_and_icmp() {
        assert_evaluation(&verdict("egress-deny-and-icmp"), Compliance::Compliant, &[]);
    }

    #[test]
    fn scenario_8_non_compliant_tcp_without_port_range() {
        assert_evaluation(&verdict("tcp-without-ports"), Compliance::NonCompliant, &["rule 100 (TCP from 0.0.0.0/0)"]);
    }

    #[test]
    fn scenario_9_not_applicable_when_deleted() {
        assert_evaluation(&verdict("deleted"), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_10_oversized_item_is_fetched() {
        let outcome =
            shared::testing::handle_change_with_config(&NaclNoUnrestrictedSshRdp, "oversized", recorded_config())
                .await
                .unwrap();
        assert_eq!(outcome.verdicts(), [("acl-0a1b2c3d4e5f60002", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_11_scheduled_run_sweeps_recorded_acls_and_clears_stale_results() {
        let outcome =
            shared::testing::handle_change_with_config(&NaclNoUnrestrictedSshRdp, "scheduled", recorded_config())
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
    fn scenario_12_unknown_parameter_is_rejected() {
        let error = change(&NaclNoUnrestrictedSshRdp, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("restrictPorts"), "{error}");
    }

    #[test]
    fn scenario_13_unreadable_entry_is_an_error() {
        let error = change(&NaclNoUnrestrictedSshRdp, "unreadable-entry").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("permit"), "{error}");
    }

    /// The default ACL (`…0002`), a restricted one (`…0001`), and an old result for a deleted ACL.
    fn recorded_config() -> aws_sdk_config::Client {
        let acl = |id: &str, default: bool, entries: serde_json::Value| {
            Recorded::new(
                "AWS::EC2::NetworkAcl",
                id,
                serde_json::json!({"networkAclId": id, "vpcId": "vpc-0a1b2c3d", "isDefault": default, "entries": entries, "associations": []}),
            )
        };
        shared::testing::recorded_config_client(
            vec![
                acl(
                    "acl-0a1b2c3d4e5f60002",
                    true,
                    serde_json::json!([{"ruleNumber": 100, "egress": false, "ruleAction": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"}]),
                ),
                acl(
                    "acl-0a1b2c3d4e5f60001",
                    false,
                    serde_json::json!([{"ruleNumber": 100, "egress": false, "ruleAction": "allow", "protocol": "6", "cidrBlock": "10.0.0.0/8", "portRange": {"from": 22, "to": 22}}]),
                ),
            ],
            vec![("AWS::EC2::NetworkAcl", "acl-deleted")],
        )
    }
}
