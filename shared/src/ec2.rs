//! Security groups as AWS Config records them, read once for every rule about open ports.
//!
//! Config's item carries each inbound permission with up to three source lists: the legacy
//! `ipRanges` (plain CIDR strings), `ipv4Ranges[].cidrIp` and `ipv6Ranges[].cidrIpv6`; protocol
//! `-1` means all traffic and then carries no ports. A CIDR is "the internet" when its prefix
//! length is 0 (`0.0.0.0/0`, `::/0`, or any other `/0`).

use serde::Deserialize;

use crate::ci::ConfigurationItem;
use crate::error::RuleError;

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
        let port_matches = match self.ports {
            None => true,
            Some((from, to)) if from == -1 && to == -1 => true,
            Some((from, to)) => from <= port && port <= to,
        };
        protocol_matches && port_matches
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
}

/// Whether a CIDR covers every address (prefix length 0).
pub fn is_open_cidr(cidr: &str) -> bool {
    cidr.rsplit_once('/').is_some_and(|(_, len)| len.trim().parse::<u8>() == Ok(0))
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
}
