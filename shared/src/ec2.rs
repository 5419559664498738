//! Security groups and network ACLs as AWS Config records them, read once for every rule about
//! open ports, and the port-check parameters those rules share.
//!
//! Config's security-group item carries each inbound permission with up to three source lists:
//! the legacy `ipRanges` (plain CIDR strings), `ipv4Ranges[].cidrIp` and `ipv6Ranges[].cidrIpv6`;
//! protocol `-1` means all traffic and then carries no ports. A network ACL item carries
//! `entries[]`, each with one source (`cidrBlock` or `ipv6CidrBlock`), a protocol number as text
//! and an optional `portRange`. A CIDR is "the internet" when its prefix length is 0 (`0.0.0.0/0`,
//! `::/0`, or any other `/0`).

use serde::Deserialize;

use crate::ci::ConfigurationItem;
use crate::error::RuleError;
use crate::params::ParamError;

/// The IP protocol of a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    All,
    Tcp,
    Udp,
    Icmp,
    IcmpV6,
    Other(u8),
}

impl Protocol {
    fn parse(text: &str) -> Option<Self> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "-1" | "all" => Protocol::All,
            "tcp" | "6" => Protocol::Tcp,
            "udp" | "17" => Protocol::Udp,
            "icmp" | "1" => Protocol::Icmp,
            "icmpv6" | "58" => Protocol::IcmpV6,
            other => Protocol::Other(other.parse().ok()?),
        })
    }

    pub fn name(self) -> String {
        match self {
            Protocol::All => "all traffic".into(),
            Protocol::Tcp => "TCP".into(),
            Protocol::Udp => "UDP".into(),
            Protocol::Icmp => "ICMP".into(),
            Protocol::IcmpV6 => "ICMPv6".into(),
            Protocol::Other(n) => format!("protocol {n}"),
        }
    }
}

/// One inbound (or outbound) permission, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub protocol: Protocol,
    /// Inclusive port range; `None` means every port (protocol `-1`, or no ports recorded).
    pub ports: Option<(i64, i64)>,
    /// Every CIDR source, IPv4 and IPv6, from all three lists, without duplicates.
    pub cidrs: Vec<String>,
    /// Whether the permission also names security groups or prefix lists as sources.
    pub has_other_sources: bool,
}

impl Permission {
    /// Whether the permission lets `protocol` traffic to `port` in (protocol `-1` covers all).
    pub fn covers(&self, protocol: Protocol, port: i64) -> bool {
        let protocol_matches = self.protocol == Protocol::All || self.protocol == protocol;
        protocol_matches && self.covers_port(port)
    }

    /// The sources that are the whole internet.
    pub fn open_cidrs(&self) -> Vec<&str> {
        self.cidrs.iter().map(String::as_str).filter(|c| is_open_cidr(c)).collect()
    }

    /// `TCP 20-25`, `TCP 22`, `all traffic`.
    pub fn describe(&self) -> String {
        match (self.protocol, self.ports) {
            (Protocol::All, _) | (_, None) => self.protocol.name(),
            (p, Some((from, to))) if from == to => format!("{} {from}", p.name()),
            (p, Some((from, to))) if from == -1 && to == -1 => p.name(),
            (p, Some((from, to))) => format!("{} {from}-{to}", p.name()),
        }
    }

    /// Whether the permission's port range contains `port` (no range, or `-1`, means every port).
    pub fn covers_port(&self, port: i64) -> bool {
        port_in(self.ports, port)
    }
}

fn port_in(ports: Option<(i64, i64)>, port: i64) -> bool {
    match ports {
        None => true,
        Some((from, to)) if from == -1 && to == -1 => true,
        Some((from, to)) => from <= port && port <= to,
    }
}

/// Whether a CIDR covers every address (prefix length 0).
pub fn is_open_cidr(cidr: &str) -> bool {
    cidr.rsplit_once('/').is_some_and(|(_, len)| len.trim().parse::<u8>() == Ok(0))
}

/// Whether a CIDR is an IPv6 range.
pub fn is_ipv6_cidr(cidr: &str) -> bool {
    cidr.contains(':')
}

/// A security group's identity and permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: Option<String>,
    pub vpc_id: Option<String>,
    pub ingress: Vec<Permission>,
    pub egress: Vec<Permission>,
}

impl SecurityGroup {
    /// Reads the group from its configuration item.
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, RuleError> {
        let raw: RawGroup = serde_json::from_value(item.configuration.clone()).map_err(|e| {
            RuleError::InvalidData(format!(
                "configuration of security group {} is not understood: {e}",
                item.resource_id
            ))
        })?;
        let ingress = raw.ip_permissions.into_iter().map(RawPermission::normalise).collect::<Result<_, _>>();
        let egress = raw.ip_permissions_egress.into_iter().map(RawPermission::normalise).collect::<Result<_, _>>();
        let bad = |e: String| RuleError::InvalidData(format!("security group {}: {e}", item.resource_id));
        Ok(SecurityGroup {
            group_id: raw.group_id.unwrap_or_else(|| item.resource_id.clone()),
            group_name: raw.group_name,
            vpc_id: raw.vpc_id,
            ingress: ingress.map_err(bad)?,
            egress: egress.map_err(bad)?,
        })
    }

    /// `sg-123 (web)`, for annotations.
    pub fn label(&self) -> String {
        match &self.group_name {
            Some(name) if !name.is_empty() => format!("{} ({name})", self.group_id),
            _ => self.group_id.clone(),
        }
    }

    /// Inbound permissions that let `protocol`/`port` in from the internet, with the open CIDRs.
    pub fn open_ingress(&self, protocol: Protocol, port: i64) -> Vec<(&Permission, Vec<&str>)> {
        self.ingress
            .iter()
            .filter(|p| p.covers(protocol, port))
            .map(|p| (p, p.open_cidrs()))
            .filter(|(_, open)| !open.is_empty())
            .collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawGroup {
    group_id: Option<String>,
    group_name: Option<String>,
    vpc_id: Option<String>,
    ip_permissions: Vec<RawPermission>,
    ip_permissions_egress: Vec<RawPermission>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPermission {
    ip_protocol: Option<String>,
    from_port: Option<i64>,
    to_port: Option<i64>,
    ip_ranges: Vec<RawRange>,
    ipv4_ranges: Vec<RawRange>,
    ipv6_ranges: Vec<RawRange>,
    user_id_group_pairs: Vec<serde_json::Value>,
    prefix_list_ids: Vec<serde_json::Value>,
}

/// A source range: a plain CIDR string (legacy `ipRanges`) or `{cidrIp}` / `{cidrIpv6}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawRange {
    Text(String),
    V4 {
        #[serde(rename = "cidrIp")]
        cidr_ip: String,
    },
    V6 {
        #[serde(rename = "cidrIpv6")]
        cidr_ipv6: String,
    },
}

impl RawPermission {
    fn normalise(self) -> Result<Permission, String> {
        let protocol_text = self.ip_protocol.unwrap_or_default();
        let protocol =
            Protocol::parse(&protocol_text).ok_or_else(|| format!("unknown ipProtocol {protocol_text:?}"))?;
        let ports = match (protocol, self.from_port, self.to_port) {
            (Protocol::All, _, _) => None,
            (_, Some(from), Some(to)) => Some((from, to)),
            (_, Some(port), None) | (_, None, Some(port)) => Some((port, port)),
            (_, None, None) => None,
        };
        let mut cidrs: Vec<String> = Vec::new();
        for range in self.ip_ranges.into_iter().chain(self.ipv4_ranges).chain(self.ipv6_ranges) {
            let cidr = match range {
                RawRange::Text(c) => c,
                RawRange::V4 { cidr_ip } => cidr_ip,
                RawRange::V6 { cidr_ipv6 } => cidr_ipv6,
            };
            if !cidrs.contains(&cidr) {
                cidrs.push(cidr);
            }
        }
        Ok(Permission {
            protocol,
            ports,
            cidrs,
            has_other_sources: !self.user_id_group_pairs.is_empty() || !self.prefix_list_ids.is_empty(),
        })
    }
}

/// Whether a network ACL entry lets traffic in or keeps it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclAction {
    Allow,
    Deny,
}

/// One entry of a network ACL, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    pub rule_number: i64,
    /// Outbound (`true`) or inbound.
    pub egress: bool,
    pub action: AclAction,
    pub protocol: Protocol,
    /// Inclusive port range; `None` means every port (protocol `-1`, or no `portRange`).
    pub ports: Option<(i64, i64)>,
    /// The source (inbound) or destination (outbound): `cidrBlock` or `ipv6CidrBlock`.
    pub cidr: Option<String>,
}

impl AclEntry {
    /// Whether the entry's port range contains `port` (no range means every port).
    pub fn covers_port(&self, port: i64) -> bool {
        port_in(self.ports, port)
    }

    /// Whether the entry's source or destination is the whole internet.
    pub fn is_open(&self) -> bool {
        self.cidr.as_deref().is_some_and(is_open_cidr)
    }

    /// `rule 100 (all traffic from 0.0.0.0/0)`, `rule 120 (TCP 22 from ::/0)`.
    pub fn describe(&self) -> String {
        let what = match (self.protocol, self.ports) {
            (Protocol::All, _) | (_, None) => self.protocol.name(),
            (p, Some((from, to))) if from == to => format!("{} {from}", p.name()),
            (p, Some((from, to))) => format!("{} {from}-{to}", p.name()),
        };
        let direction = if self.egress { "to" } else { "from" };
        format!("rule {} ({what} {direction} {})", self.rule_number, self.cidr.as_deref().unwrap_or("no address"))
    }
}

/// A network ACL's identity and entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkAcl {
    pub acl_id: String,
    pub vpc_id: Option<String>,
    pub is_default: bool,
    pub entries: Vec<AclEntry>,
    /// The subnets the ACL is associated with.
    pub subnet_ids: Vec<String>,
}

impl NetworkAcl {
    /// Reads the network ACL from its configuration item.
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, RuleError> {
        let bad = |e: String| RuleError::InvalidData(format!("network ACL {}: {e}", item.resource_id));
        let raw: RawAcl = serde_json::from_value(item.configuration.clone())
            .map_err(|e| bad(format!("configuration is not understood: {e}")))?;
        let entries = raw.entries.into_iter().map(RawAclEntry::normalise).collect::<Result<_, _>>().map_err(bad)?;
        Ok(NetworkAcl {
            acl_id: raw.network_acl_id.unwrap_or_else(|| item.resource_id.clone()),
            vpc_id: raw.vpc_id,
            is_default: raw.is_default.unwrap_or(false),
            entries,
            subnet_ids: raw.associations.into_iter().filter_map(|a| a.subnet_id).collect(),
        })
    }

    /// `acl-1 (default ACL of vpc-1)`, `acl-2 (vpc-1)`, for annotations.
    pub fn label(&self) -> String {
        match (&self.vpc_id, self.is_default) {
            (Some(vpc), true) => format!("{} (default ACL of {vpc})", self.acl_id),
            (None, true) => format!("{} (default ACL)", self.acl_id),
            (Some(vpc), false) => format!("{} ({vpc})", self.acl_id),
            (None, false) => self.acl_id.clone(),
        }
    }

    /// The inbound ALLOW entries whose source is the whole internet, in rule-number order.
    pub fn open_inbound_allows(&self) -> Vec<&AclEntry> {
        let mut open: Vec<&AclEntry> =
            self.entries.iter().filter(|e| !e.egress && e.action == AclAction::Allow && e.is_open()).collect();
        open.sort_by_key(|e| e.rule_number);
        open
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAcl {
    network_acl_id: Option<String>,
    vpc_id: Option<String>,
    is_default: Option<bool>,
    entries: Vec<RawAclEntry>,
    associations: Vec<RawAclAssociation>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAclAssociation {
    subnet_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAclEntry {
    rule_number: Option<i64>,
    egress: Option<bool>,
    rule_action: Option<String>,
    protocol: Option<serde_json::Value>,
    cidr_block: Option<String>,
    ipv6_cidr_block: Option<String>,
    port_range: Option<RawPortRange>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPortRange {
    from: Option<i64>,
    to: Option<i64>,
}

impl RawAclEntry {
    fn normalise(self) -> Result<AclEntry, String> {
        let rule_number = self.rule_number.ok_or("an entry has no ruleNumber")?;
        let action = match self.rule_action.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("allow") => AclAction::Allow,
            Some("deny") => AclAction::Deny,
            other => return Err(format!("entry {rule_number} has an unknown ruleAction {other:?}")),
        };
        let protocol_text = match &self.protocol {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            other => return Err(format!("entry {rule_number} has an unknown protocol {other:?}")),
        };
        let protocol = Protocol::parse(&protocol_text)
            .ok_or_else(|| format!("entry {rule_number} has an unknown protocol {protocol_text:?}"))?;
        let ports = match (protocol, self.port_range) {
            (Protocol::All, _) | (_, None) => None,
            (_, Some(RawPortRange { from: Some(from), to: Some(to) })) => Some((from, to)),
            (_, Some(RawPortRange { from: Some(port), to: None } | RawPortRange { from: None, to: Some(port) })) => {
                Some((port, port))
            }
            (_, Some(RawPortRange { from: None, to: None })) => None,
        };
        Ok(AclEntry {
            rule_number,
            egress: self.egress.unwrap_or(false),
            action,
            protocol,
            ports,
            cidr: self.cidr_block.filter(|c| !c.is_empty()).or(self.ipv6_cidr_block.filter(|c| !c.is_empty())),
        })
    }
}

/// The `protocolType` parameter of port checks: which protocols count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolType {
    Tcp,
    Udp,
    All,
}

impl ProtocolType {
    /// `TCP`, `UDP` or `ALL`, in any letter case.
    pub fn parse(name: &str, value: Option<&str>) -> Result<Self, ParamError> {
        match value.map(str::to_ascii_uppercase).as_deref() {
            None | Some("ALL") => Ok(ProtocolType::All),
            Some("TCP") => Ok(ProtocolType::Tcp),
            Some("UDP") => Ok(ProtocolType::Udp),
            Some(_) => Err(ParamError::new(name, format!("expected TCP, UDP or ALL, got {:?}", value.unwrap_or("")))),
        }
    }

    /// Whether traffic of `protocol` is checked. Protocol `-1` (all traffic) always is, since it
    /// includes TCP and UDP; other protocols (ICMP…) never are.
    pub fn includes(self, protocol: Protocol) -> bool {
        match protocol {
            Protocol::All => true,
            Protocol::Tcp => matches!(self, ProtocolType::Tcp | ProtocolType::All),
            Protocol::Udp => matches!(self, ProtocolType::Udp | ProtocolType::All),
            _ => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolType::Tcp => "TCP",
            ProtocolType::Udp => "UDP",
            ProtocolType::All => "TCP, UDP or all traffic",
        }
    }
}

/// The `ipType` parameter of port checks: which "whole internet" ranges count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpType {
    Ipv4,
    Ipv6,
    All,
}

impl IpType {
    /// `IPv4`, `IPv6` or `ALL`, in any letter case.
    pub fn parse(name: &str, value: Option<&str>) -> Result<Self, ParamError> {
        match value.map(str::to_ascii_uppercase).as_deref() {
            None | Some("ALL") => Ok(IpType::All),
            Some("IPV4") => Ok(IpType::Ipv4),
            Some("IPV6") => Ok(IpType::Ipv6),
            Some(_) => Err(ParamError::new(name, format!("expected IPv4, IPv6 or ALL, got {:?}", value.unwrap_or("")))),
        }
    }

    /// Whether `cidr` is an open range of a family this type checks.
    pub fn is_open(self, cidr: &str) -> bool {
        is_open_cidr(cidr)
            && match self {
                IpType::All => true,
                IpType::Ipv4 => !is_ipv6_cidr(cidr),
                IpType::Ipv6 => is_ipv6_cidr(cidr),
            }
    }

    /// `0.0.0.0/0`, `::/0`, `0.0.0.0/0 or ::/0`.
    pub fn ranges(self) -> &'static str {
        match self {
            IpType::Ipv4 => "0.0.0.0/0",
            IpType::Ipv6 => "::/0",
            IpType::All => "0.0.0.0/0 or ::/0",
        }
    }
}

/// The `restrictPorts` parameter of port checks: ports from 0 to 65535, at least one.
pub fn parse_ports(name: &str, items: &[String]) -> Result<Vec<i64>, ParamError> {
    if items.is_empty() {
        return Err(ParamError::new(name, "expected at least one port"));
    }
    let mut ports = Vec::with_capacity(items.len());
    for item in items {
        match item.parse::<i64>() {
            Ok(port) if (0..=65535).contains(&port) => {
                if !ports.contains(&port) {
                    ports.push(port);
                }
            }
            _ => return Err(ParamError::new(name, format!("expected ports from 0 to 65535, got {item:?}"))),
        }
    }
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn group(permissions: serde_json::Value) -> SecurityGroup {
        let item = ConfigurationItem::from_json(&json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::SecurityGroup",
            "resourceId": "sg-1",
            "configuration": {"groupId": "sg-1", "groupName": "web", "ipPermissions": permissions}
        }))
        .unwrap();
        SecurityGroup::from_item(&item).unwrap()
    }

    #[test]
    fn all_three_source_lists_are_read_once() {
        let g = group(json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
            "ipRanges": ["0.0.0.0/0"], "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}, {"cidrIp": "10.0.0.0/8"}], "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]));
        assert_eq!(g.ingress[0].cidrs, ["0.0.0.0/0", "10.0.0.0/8", "::/0"]);
        assert_eq!(g.open_ingress(Protocol::Tcp, 22)[0].1, ["0.0.0.0/0", "::/0"]);
        assert_eq!(g.label(), "sg-1 (web)");
    }

    #[test]
    fn protocol_minus_one_covers_every_port() {
        let g = group(json!([{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]));
        assert_eq!(g.open_ingress(Protocol::Tcp, 22).len(), 1);
        assert_eq!(g.open_ingress(Protocol::Udp, 3389).len(), 1);
        assert_eq!(g.ingress[0].describe(), "all traffic");
    }

    #[test]
    fn port_ranges_and_protocols() {
        let g = group(
            json!([{"ipProtocol": "6", "fromPort": 0, "toPort": 1024, "ipRanges": ["0.0.0.0/0"]}, {"ipProtocol": "udp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}]),
        );
        assert_eq!(g.open_ingress(Protocol::Tcp, 22).len(), 1);
        assert_eq!(g.open_ingress(Protocol::Tcp, 3389).len(), 0);
        assert_eq!(g.ingress[0].describe(), "TCP 0-1024");
    }

    #[test]
    fn any_zero_length_prefix_is_open() {
        assert!(is_open_cidr("0.0.0.0/0") && is_open_cidr("::/0") && is_open_cidr("10.0.0.0/0"));
        assert!(!is_open_cidr("0.0.0.0/1") && !is_open_cidr("10.0.0.0/8") && !is_open_cidr("garbage"));
    }

    #[test]
    fn unreadable_groups_are_errors() {
        let item = ConfigurationItem::from_json(&json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z", "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1",
            "configuration": {"ipPermissions": [{"ipProtocol": "bogus"}]}
        }))
        .unwrap();
        assert!(SecurityGroup::from_item(&item).unwrap_err().to_string().contains("bogus"));
        let item = ConfigurationItem { configuration: json!({"ipPermissions": "nope"}), ..item };
        assert!(SecurityGroup::from_item(&item).is_err());
    }
    fn acl(entries: serde_json::Value) -> NetworkAcl {
        let item = ConfigurationItem::from_json(&json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::NetworkAcl",
            "resourceId": "acl-1",
            "configuration": {"networkAclId": "acl-1", "vpcId": "vpc-1", "isDefault": true, "entries": entries,
                "associations": [{"networkAclAssociationId": "aclassoc-1", "networkAclId": "acl-1", "subnetId": "subnet-1"}]}
        }))
        .unwrap();
        NetworkAcl::from_item(&item).unwrap()
    }

    #[test]
    fn network_acl_entries_are_normalised() {
        let a = acl(json!([
            {"ruleNumber": 100, "egress": false, "ruleAction": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"},
            {"ruleNumber": 32767, "egress": false, "ruleAction": "deny", "protocol": "-1", "cidrBlock": "0.0.0.0/0"},
            {"ruleNumber": 90, "egress": false, "ruleAction": "allow", "protocol": "6", "ipv6CidrBlock": "::/0", "portRange": {"from": 20, "to": 25}},
            {"ruleNumber": 100, "egress": true, "ruleAction": "allow", "protocol": "-1", "cidrBlock": "0.0.0.0/0"},
            {"ruleNumber": 110, "egress": false, "ruleAction": "allow", "protocol": "17", "cidrBlock": "10.0.0.0/8", "portRange": {"from": 53, "to": 53}}
        ]));
        assert!(a.is_default && a.vpc_id.as_deref() == Some("vpc-1") && a.subnet_ids == ["subnet-1"]);
        assert_eq!(a.label(), "acl-1 (default ACL of vpc-1)");
        let open: Vec<i64> = a.open_inbound_allows().iter().map(|e| e.rule_number).collect();
        assert_eq!(open, [90, 100]);
        assert_eq!(a.open_inbound_allows()[0].describe(), "rule 90 (TCP 20-25 from ::/0)");
        assert_eq!(a.open_inbound_allows()[1].describe(), "rule 100 (all traffic from 0.0.0.0/0)");
        assert!(a.open_inbound_allows()[0].covers_port(22) && !a.open_inbound_allows()[0].covers_port(26));
        assert_eq!(a.entries[4].protocol, Protocol::Udp);
    }

    #[test]
    fn unreadable_network_acls_are_errors() {
        let item = ConfigurationItem::from_json(&json!({
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z", "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::NetworkAcl", "resourceId": "acl-1",
            "configuration": {"entries": [{"ruleNumber": 1, "ruleAction": "maybe", "protocol": "6"}]}
        }))
        .unwrap();
        assert!(NetworkAcl::from_item(&item).unwrap_err().to_string().contains("maybe"));
        let item = ConfigurationItem {
            configuration: json!({"entries": [{"ruleNumber": 1, "ruleAction": "allow", "protocol": "tcpish"}]}),
            ..item
        };
        assert!(NetworkAcl::from_item(&item).unwrap_err().to_string().contains("tcpish"));
        let item = ConfigurationItem { configuration: json!({"entries": {}}), ..item };
        assert!(NetworkAcl::from_item(&item).is_err());
    }

    #[test]
    fn port_check_parameters() {
        assert_eq!(ProtocolType::parse("p", None), Ok(ProtocolType::All));
        assert_eq!(ProtocolType::parse("p", Some("tcp")), Ok(ProtocolType::Tcp));
        assert_eq!(ProtocolType::parse("p", Some("icmp")).unwrap_err().name, "p");
        assert!(ProtocolType::Tcp.includes(Protocol::All) && !ProtocolType::Tcp.includes(Protocol::Udp));
        assert!(!ProtocolType::All.includes(Protocol::Icmp));
        assert_eq!(IpType::parse("i", Some("ipv6")), Ok(IpType::Ipv6));
        assert!(IpType::parse("i", Some("v4")).is_err());
        assert!(IpType::Ipv4.is_open("0.0.0.0/0") && !IpType::Ipv4.is_open("::/0") && IpType::Ipv6.is_open("::/0"));
        assert!(!IpType::All.is_open("10.0.0.0/8"));
        let list = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(parse_ports("r", &list(&["22", "3389", "22"])), Ok(vec![22, 3389]));
        assert!(parse_ports("r", &list(&["65536"])).is_err());
        assert!(parse_ports("r", &list(&["ssh"])).is_err());
        assert!(parse_ports("r", &[]).is_err());
    }
}
