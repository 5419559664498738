//! # vpc-peering-route-table-least-access
//!
//! Checks that route tables send only what is needed over VPC peering connections: no route to a
//! peering connection may be a default route (`0.0.0.0/0`, `::/0`), and, when the parameters say
//! so, every peering route must be one the organization authorized and no broader than a given
//! prefix length.
//!
//! - **Trigger**: configuration changes, and every 24 hours over every recorded route table
//!   (hybrid).
//! - **Reports on**: `AWS::EC2::RouteTable`, read from the configuration item alone
//!   (`configuration.routes[]`; a peering route carries `vpcPeeringConnectionId`).
//! - **Parameters** (all optional):
//!   - `authorizedRoutes`: comma-separated `pcx-…=CIDR`, `CIDR` or prefix-list ids (`pl-…`,
//!     optionally `pcx-…=pl-…`). When set, every peering route must lie within an entry (an
//!     entry with a `pcx-` id authorizes routes over that connection only).
//!   - `minimumPrefixLength` (0-32): IPv4 peering routes with a shorter prefix are flagged.
//!   - `minimumIpv6PrefixLength` (0-128): the same for IPv6 peering routes.
//! - **Same as**: no AWS managed rule (custom; CIS has no automated audit for it).
//! - **CIS v5.0.0**: 5.6 (Manual: only your organization knows which routes each subnet needs;
//!   the annotation lists the peering routes for that review).
//!
//! A default route can never be least access: VPC peering carries no transit or edge traffic,
//! so it only widens what the peer can be reached for. Routes with prefix-list destinations
//! cannot be measured and count as authorized only when `authorizedRoutes` lists the list.
//! Transit gateway route tables are out of scope.
//!
//! ## Scenarios
//! 1. NOT_APPLICABLE when the route table has no route to a peering connection.
//! 2. COMPLIANT when the peering routes are narrow; the annotation lists them for review.
//! 3. NON_COMPLIANT when `0.0.0.0/0` goes to a peering connection.
//! 4. NON_COMPLIANT when `::/0` goes to a peering connection.
//! 5. With `authorizedRoutes`: COMPLIANT when every peering route lies within an authorized
//!    entry for its connection; NON_COMPLIANT for a route outside them, or over another
//!    connection than the one authorized.
//! 6. With `minimumPrefixLength` 24: NON_COMPLIANT for a /16 peering route.
//! 7. With `minimumIpv6PrefixLength` 56: NON_COMPLIANT for a /48 peering route.
//! 8. COMPLIANT for a prefix-list destination without `authorizedRoutes`, named for review.
//! 9. NOT_APPLICABLE when the route table was deleted.
//! 10. An oversized notification is evaluated on the item fetched from AWS Config.
//! 11. A scheduled run evaluates every recorded route table and clears results of tables that
//!     are gone.
//! 12. An invalid `authorizedRoutes` entry is an error naming the parameter, and nothing is
//!     reported.
//! 13. A peering route without a destination is an error, not a verdict.

use std::net::IpAddr;

use serde::Deserialize;
use shared::prelude::*;

pub struct VpcPeeringRouteTableLeastAccess;

/// An IPv4 or IPv6 range, with its address masked to the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    v6: bool,
    bits: u128,
    len: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, len) = text.trim().split_once('/')?;
        let len: u8 = len.parse().ok()?;
        let (v6, bits, width) = match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => (false, u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (true, u128::from(a), 128),
        };
        if len > width {
            return None;
        }
        Some(Cidr { v6, bits: bits & mask(len, width), len })
    }

    fn width(self) -> u8 {
        if self.v6 { 128 } else { 32 }
    }

    /// Whether `other` lies within this range (same family, at least as long a prefix).
    pub fn contains(self, other: Cidr) -> bool {
        self.v6 == other.v6 && self.len <= other.len && other.bits & mask(self.len, self.width()) == self.bits
    }
}

/// The network mask of a prefix length, within an address of `width` bits.
fn mask(len: u8, width: u8) -> u128 {
    let all = if width == 128 { u128::MAX } else { (1u128 << width) - 1 };
    if len == 0 { 0 } else { all & !((1u128 << (width - len)) - 1) }
}

/// Where a route (or an authorization) sends traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Cidr(Cidr, String),
    PrefixList(String),
}

impl Destination {
    fn parse(text: &str) -> Option<Destination> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("pl-") {
            return is_id(rest).then(|| Destination::PrefixList(text.to_owned()));
        }
        Cidr::parse(text).map(|c| Destination::Cidr(c, text.to_owned()))
    }

    fn text(&self) -> &str {
        match self {
            Destination::Cidr(_, text) | Destination::PrefixList(text) => text,
        }
    }

    fn covers(&self, route: &Destination) -> bool {
        match (self, route) {
            (Destination::Cidr(outer, _), Destination::Cidr(inner, _)) => outer.contains(*inner),
            (Destination::PrefixList(a), Destination::PrefixList(b)) => a == b,
            _ => false,
        }
    }
}

/// One `authorizedRoutes` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub connection: Option<String>,
    pub destination: Destination,
}

/// The validated parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    /// `None` when `authorizedRoutes` is not set.
    pub authorized: Option<Vec<Authorized>>,
    pub minimum_prefix: Option<u8>,
    pub minimum_ipv6_prefix: Option<u8>,
}

impl FromParams for Params {
    fn from_params(p: &Parameters) -> Result<Self, ParamError> {
        let entries = p.list("authorizedRoutes")?;
        let authorized = if entries.is_empty() {
            None
        } else {
            let parse = |entry: &String| -> Result<Authorized, ParamError> {
                let (connection, destination) = match entry.split_once('=') {
                    Some((pcx, dest)) if pcx.trim().strip_prefix("pcx-").is_some_and(is_id) => {
                        (Some(pcx.trim().to_owned()), dest)
                    }
                    Some(_) => return Err(bad_entry(entry)),
                    None => (None, entry.as_str()),
                };
                let destination = Destination::parse(destination).ok_or_else(|| bad_entry(entry))?;
                Ok(Authorized { connection, destination })
            };
            Some(entries.iter().map(parse).collect::<Result<_, _>>()?)
        };
        let prefix = |name: &str| -> Result<Option<u8>, ParamError> {
            p.opt_int(name)?.map(|n| u8::try_from(n).map_err(|_| ParamError::new(name, "out of range"))).transpose()
        };
        Ok(Params {
            authorized,
            minimum_prefix: prefix("minimumPrefixLength")?,
            minimum_ipv6_prefix: prefix("minimumIpv6PrefixLength")?,
        })
    }
}

/// The part of an EC2 id after its prefix: letters and digits.
fn is_id(rest: &str) -> bool {
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric())
}

fn bad_entry(entry: &str) -> ParamError {
    ParamError::new(
        "authorizedRoutes",
        format!("expected entries like pcx-0123abcd=10.1.2.0/24, 10.1.2.0/24 or pl-0123abcd, got {entry:?}"),
    )
}

/// One route to a peering connection.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PeeringRoute {
    connection: String,
    destination: Destination,
}

impl PeeringRoute {
    fn describe(&self) -> String {
        format!("{} via {}", self.destination.text(), self.connection)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawTable {
    routes: Vec<RawRoute>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawRoute {
    destination_cidr_block: Option<String>,
    destination_ipv6_cidr_block: Option<String>,
    destination_prefix_list_id: Option<String>,
    vpc_peering_connection_id: Option<String>,
}

fn peering_routes(item: &ConfigurationItem) -> Result<Vec<PeeringRoute>, RuleError> {
    let id = &item.resource_id;
    let raw: RawTable = serde_json::from_value(item.configuration.clone())
        .map_err(|e| RuleError::InvalidData(format!("route table {id}: configuration is not understood: {e}")))?;
    let mut routes = Vec::new();
    for route in raw.routes {
        let Some(connection) = route.vpc_peering_connection_id.filter(|c| !c.is_empty()) else { continue };
        let text = [route.destination_cidr_block, route.destination_ipv6_cidr_block, route.destination_prefix_list_id]
            .into_iter()
            .flatten()
            .find(|d| !d.is_empty())
            .ok_or_else(|| {
                RuleError::InvalidData(format!("route table {id}: a route to {connection} has no destination"))
            })?;
        let destination = Destination::parse(&text).ok_or_else(|| {
            RuleError::InvalidData(format!("route table {id}: route destination {text:?} is not a CIDR or prefix list"))
        })?;
        routes.push(PeeringRoute { connection, destination });
    }
    Ok(routes)
}

/// What is wrong with one peering route, if anything.
fn problem(route: &PeeringRoute, params: &Params) -> Option<String> {
    let what = route.describe();
    if let Destination::Cidr(cidr, _) = route.destination {
        if cidr.len == 0 {
            return Some(format!("{what} (a default route)"));
        }
        let minimum = if cidr.v6 { params.minimum_ipv6_prefix } else { params.minimum_prefix };
        if let Some(minimum) = minimum.filter(|m| cidr.len < *m) {
            return Some(format!("{what} (broader than /{minimum})"));
        }
    }
    if let Some(authorized) = &params.authorized {
        let listed = authorized.iter().any(|a| {
            a.connection.as_ref().is_none_or(|c| *c == route.connection) && a.destination.covers(&route.destination)
        });
        if !listed {
            return Some(format!("{what} (not in authorizedRoutes)"));
        }
    }
    None
}

impl ChangeRule for VpcPeeringRouteTableLeastAccess {
    const SPEC: RuleSpec = RuleSpec {
        name: "vpc-peering-route-table-least-access",
        description: "Checks that route tables send no default route, and optionally only authorized or narrow routes, to VPC peering connections.",
        trigger: Trigger::Hybrid(Frequency::TwentyFourHours),
        resource_types: &["AWS::EC2::RouteTable"],
        parameters: &[
            ParamSpec::csv(
                "authorizedRoutes",
                None,
                "Peering routes allowed: pcx-id=CIDR, CIDR or pl-id entries; routes must lie within one.",
            ),
            ParamSpec::int("minimumPrefixLength", None, 0, 32, "IPv4 peering routes need at least this prefix length."),
            ParamSpec::int(
                "minimumIpv6PrefixLength",
                None,
                0,
                128,
                "IPv6 peering routes need at least this prefix length.",
            ),
        ],
        iam_actions: &[],
        cis: &["5.6"],
        ..RuleSpec::DEFAULTS
    };
    type Params = Params;

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let table = &item.resource_id;
        let routes = peering_routes(item)?;
        if routes.is_empty() {
            return Ok(Verdict::not_applicable(format!(
                "Route table {table} has no route to a VPC peering connection."
            )));
        }
        let problems: Vec<String> = routes.iter().filter_map(|r| problem(r, params)).collect();
        if problems.is_empty() {
            let listed: Vec<String> = routes.iter().map(PeeringRoute::describe).collect();
            return Ok(Verdict::compliant(format!(
                "Route table {table} peering routes: {}. Manual check: confirm the subnets using this table need each of them.",
                listed.join(", ")
            )));
        }
        Ok(Verdict::non_compliant(format!(
            "Route table {table} routes more than least access over VPC peering: {}. Route only the peer subnets or hosts this table needs.",
            problems.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::testing::{Recorded, assert_evaluation, change};

    fn verdict(case: &str) -> Evaluation {
        change(&VpcPeeringRouteTableLeastAccess, case).unwrap()
    }

    #[test]
    fn scenario_1_not_applicable_without_peering_routes() {
        let e = verdict("no-peering");
        assert_eq!(
            (e.resource_type.as_str(), e.resource_id.as_str()),
            ("AWS::EC2::RouteTable", "rtb-0a1b2c3d4e5f60001")
        );
        assert_evaluation(&e, Compliance::NotApplicable, &["no route to a VPC peering connection"]);
    }

    #[test]
    fn scenario_2_compliant_with_narrow_routes_listed_for_review() {
        assert_evaluation(
            &verdict("narrow-routes"),
            Compliance::Compliant,
            &["10.30.1.0/24 via pcx-0a1b2c3d4e5f60001, 10.30.2.10/32 via pcx-0a1b2c3d4e5f60001", "Manual check:"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_ipv4_default_route() {
        assert_evaluation(
            &verdict("default-route-ipv4"),
            Compliance::NonCompliant,
            &["0.0.0.0/0 via pcx-0a1b2c3d4e5f60001 (a default route)", "Route only the peer subnets"],
        );
    }

    #[test]
    fn scenario_4_non_compliant_ipv6_default_route() {
        let e = verdict("default-route-ipv6");
        assert_evaluation(&e, Compliance::NonCompliant, &["::/0 via pcx-0a1b2c3d4e5f60002 (a default route)"]);
        assert!(!e.annotation.contains("10.30.1.0/24"), "{}", e.annotation);
    }

    #[test]
    fn scenario_5_authorized_routes() {
        assert_evaluation(&verdict("authorized"), Compliance::Compliant, &["10.40.5.0/24 via pcx-0a1b2c3d4e5f60002"]);
        assert_evaluation(
            &verdict("unauthorized"),
            Compliance::NonCompliant,
            &[
                "10.30.1.0/24 via pcx-0a1b2c3d4e5f60002 (not in authorizedRoutes)",
                "10.40.0.0/16 via pcx-0a1b2c3d4e5f60001 (not in authorizedRoutes)",
            ],
        );
    }

    #[test]
    fn scenario_6_minimum_prefix_length() {
        let e = verdict("minimum-prefix");
        assert_evaluation(&e, Compliance::NonCompliant, &["10.30.0.0/16 via pcx-0a1b2c3d4e5f60001 (broader than /24)"]);
        assert!(!e.annotation.contains("10.31.1.0/24"), "{}", e.annotation);
    }

    #[test]
    fn scenario_7_minimum_ipv6_prefix_length() {
        assert_evaluation(
            &verdict("minimum-ipv6-prefix"),
            Compliance::NonCompliant,
            &["2001:db8:1234::/48", "(broader than /56)"],
        );
    }

    #[test]
    fn scenario_8_prefix_list_destination_is_listed_for_review() {
        assert_evaluation(
            &verdict("prefix-list"),
            Compliance::Compliant,
            &["pl-0a1b2c3d4e5f60001 via pcx-0a1b2c3d4e5f60001"],
        );
    }

    #[test]
    fn scenario_9_not_applicable_when_deleted() {
        assert_evaluation(&verdict("deleted"), Compliance::NotApplicable, &["deleted"]);
    }

    #[tokio::test]
    async fn scenario_10_oversized_item_is_fetched() {
        let outcome = shared::testing::handle_change_with_config(
            &VpcPeeringRouteTableLeastAccess,
            "oversized",
            recorded_config(),
        )
        .await
        .unwrap();
        assert_eq!(outcome.verdicts(), [("rtb-0a1b2c3d4e5f60003", "NON_COMPLIANT")]);
    }

    #[tokio::test]
    async fn scenario_11_scheduled_run_sweeps_recorded_tables_and_clears_stale_results() {
        let outcome = shared::testing::handle_change_with_config(
            &VpcPeeringRouteTableLeastAccess,
            "scheduled",
            recorded_config(),
        )
        .await
        .unwrap();
        let verdicts = outcome.verdicts();
        assert_eq!(
            verdicts,
            [
                ("rtb-0a1b2c3d4e5f60003", "NON_COMPLIANT"),
                ("rtb-0a1b2c3d4e5f60002", "COMPLIANT"),
                ("rtb-0a1b2c3d4e5f60001", "NOT_APPLICABLE"),
                ("rtb-deleted", "NOT_APPLICABLE")
            ]
        );
        assert_eq!(outcome.stale_cleared, 1);
    }

    #[test]
    fn scenario_12_invalid_authorized_route_is_rejected() {
        let error = change(&VpcPeeringRouteTableLeastAccess, "invalid-parameter").unwrap_err();
        assert_eq!(error.error_type(), "InvalidParameterValueException");
        assert!(error.to_string().contains("authorizedRoutes") && error.to_string().contains("/33"), "{error}");
    }

    #[test]
    fn scenario_13_route_without_destination_is_an_error() {
        let error = change(&VpcPeeringRouteTableLeastAccess, "unreadable-route").unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        assert!(error.to_string().contains("has no destination"), "{error}");
    }

    #[test]
    fn cidr_containment() {
        let c = |s: &str| Cidr::parse(s).unwrap();
        assert!(c("10.30.0.0/16").contains(c("10.30.1.0/24")));
        assert!(c("10.30.0.0/16").contains(c("10.30.0.0/16")));
        assert!(!c("10.30.1.0/24").contains(c("10.30.0.0/16")));
        assert!(!c("10.30.0.0/16").contains(c("10.31.0.0/24")));
        assert!(c("10.30.7.9/16") == c("10.30.0.0/16"));
        assert!(c("0.0.0.0/0").contains(c("192.168.1.1/32")));
        assert!(c("2001:db8::/32").contains(c("2001:db8:1234::/48")));
        assert!(!c("2001:db8::/32").contains(c("10.0.0.0/8")));
        assert!(c("::/0").contains(c("2001:db8::1/128")));
        for bad in ["10.0.0.0", "10.0.0.0/33", "::/129", "x/8", "10.0.0.256/8"] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn parameter_forms() {
        let parse = |raw: &str| {
            Params::from_params(
                &Parameters::parse(Some(raw), VpcPeeringRouteTableLeastAccess::SPEC.parameters).unwrap(),
            )
        };
        assert_eq!(parse("{}").unwrap(), Params::default());
        let p = parse(r#"{"authorizedRoutes": "pcx-1=10.0.0.0/8, pl-1, pcx-2=pl-2", "minimumPrefixLength": "20"}"#)
            .unwrap();
        assert_eq!(p.authorized.as_ref().map(Vec::len), Some(3));
        assert_eq!(p.minimum_prefix, Some(20));
        assert!(parse(r#"{"authorizedRoutes": "vpc-1=10.0.0.0/8"}"#).is_err());
        assert!(parse(r#"{"authorizedRoutes": "pcx-1=pl-1=x"}"#).is_err());
    }

    /// `…0003` with a default route over peering, `…0002` narrow, `…0001` without peering; an
    /// old result for a deleted table.
    fn recorded_config() -> aws_sdk_config::Client {
        let table = |id: &str, dest: Option<&str>| {
            let mut routes = vec![serde_json::json!({"destinationCidrBlock": "10.20.0.0/16", "gatewayId": "local"})];
            if let Some(dest) = dest {
                routes.push(serde_json::json!({"destinationCidrBlock": dest, "vpcPeeringConnectionId": "pcx-0a1b2c3d4e5f60001"}));
            }
            Recorded::new("AWS::EC2::RouteTable", id, serde_json::json!({"routeTableId": id, "routes": routes}))
        };
        shared::testing::recorded_config_client(
            vec![
                table("rtb-0a1b2c3d4e5f60003", Some("0.0.0.0/0")),
                table("rtb-0a1b2c3d4e5f60002", Some("10.30.1.0/24")),
                table("rtb-0a1b2c3d4e5f60001", None),
            ],
            vec![("AWS::EC2::RouteTable", "rtb-deleted")],
        )
    }
}
