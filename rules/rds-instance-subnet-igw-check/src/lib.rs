//! # rds-instance-subnet-igw-check
//!
//! Checks that no RDS DB instance is placed in a public subnet: no subnet of its DB subnet
//! group may have a route to an internet gateway. A subnet uses the route table explicitly
//! associated with it, or else its VPC's main route table.
//!
//! - **Trigger**: periodic, every 24 hours (route tables are resources of their own, so a
//!   change to them changes no DB instance).
//! - **Reports on**: `AWS::RDS::DBInstance`, by the id AWS Config records (the `DbiResourceId`,
//!   `db-…`); annotations name the instance identifier.
//! - **Reads**: the DB instances and route tables AWS Config has recorded
//!   (`config:ListDiscoveredResources`, `config:BatchGetResourceConfig`), joined by subnet. Both
//!   `AWS::RDS::DBInstance` and `AWS::EC2::RouteTable` must be recorded: a subnet whose route
//!   table is not in the inventory is an error, never a verdict.
//! - **Parameters**: none.
//! - **Same as**: the AWS managed rule `rds-instance-subnet-igw-check` (identifier
//!   `RDS_INSTANCE_SUBNET_IGW_CHECK`). Every subnet of the group is checked, not only the one
//!   the instance runs in now, since RDS may fail over or move it to any of them. A route to an
//!   internet gateway makes a subnet public whatever its destination (`0.0.0.0/0`, `::/0` or
//!   narrower); blackhole routes and routes to NAT gateways, egress-only internet gateways,
//!   peering connections or virtual private gateways do not.
//! - **CIS v5.0.0**: 2.2.3, with `rds-instance-public-access-check` (the publicly accessible
//!   flag).
//!
//! ## Scenarios
//! 1. COMPLIANT when no subnet of the group routes to an internet gateway; reported by
//!    `DbiResourceId`.
//! 2. NON_COMPLIANT when the route table explicitly associated with a subnet sends `0.0.0.0/0` to
//!    an internet gateway.
//! 3. NON_COMPLIANT when a subnet without an explicit association inherits a main route table
//!    with such a route.
//! 4. An explicit association with a private route table overrides a public main route table.
//! 5. NON_COMPLIANT for a route to an internet gateway with destination `::/0` or a narrower one.
//! 6. Blackhole routes and routes through NAT gateways, egress-only internet gateways or
//!    peering connections do not make a subnet public.
//! 7. NOT_APPLICABLE for an instance without a DB subnet group, or one being deleted.
//! 8. A subnet whose route table AWS Config has not recorded is an error naming it.
//! 9. A scheduled run reads both resource types from Config's inventory, reports every
//!    instance and clears results of instances that are gone; AccessDenied is an error naming
//!    the Config action.

use serde_json::Value;
use shared::prelude::*;
use shared::recorded::recorded_items;

pub struct RdsInstanceSubnetIgwCheck;

const DB_INSTANCE: &str = "AWS::RDS::DBInstance";
const ROUTE_TABLE: &str = "AWS::EC2::RouteTable";

/// A route to an internet gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgwRoute {
    pub destination: String,
    pub gateway: String,
}

/// A subnet of a DB subnet group, with the route table it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    pub id: String,
    pub route_table: String,
    pub igw_routes: Vec<IgwRoute>,
}

/// A DB instance and the subnets it may run in (`None`: no DB subnet group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbInstance {
    pub resource_id: String,
    pub identifier: String,
    pub status: Option<String>,
    pub subnets: Option<Vec<Subnet>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub instances: Vec<DbInstance>,
}

/// A route table as recorded: its VPC, whether it is the main one, its subnets and igw routes.
struct RouteTable {
    id: String,
    vpc: Option<String>,
    main: bool,
    subnets: Vec<String>,
    igw_routes: Vec<IgwRoute>,
}

impl RouteTable {
    fn from_item(item: &ConfigurationItem) -> RouteTable {
        let text =
            |v: &Value, key: &str| v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        let list = |key: &str| item.config(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let active = list("associations").iter().filter(|a| {
            a.get("associationState")
                .and_then(|s| s.get("state"))
                .and_then(Value::as_str)
                .is_none_or(|s| s == "associated")
        });
        let (mut main, mut subnets) = (false, Vec::new());
        for association in active {
            main |= association.get("main").and_then(Value::as_bool).unwrap_or(false);
            subnets.extend(text(association, "subnetId"));
        }
        let igw_routes = list("routes")
            .iter()
            .filter(|r| r.get("state").and_then(Value::as_str) != Some("blackhole"))
            .filter_map(|r| {
                let gateway = text(r, "gatewayId").filter(|g| g.starts_with("igw-"))?;
                let destination = text(r, "destinationCidrBlock")
                    .or_else(|| text(r, "destinationIpv6CidrBlock"))
                    .or_else(|| text(r, "destinationPrefixListId"))
                    .unwrap_or_else(|| "a destination".to_owned());
                Some(IgwRoute { destination, gateway })
            })
            .collect();
        RouteTable {
            id: item.config("routeTableId").and_then(Value::as_str).unwrap_or(&item.resource_id).to_owned(),
            vpc: item.config("vpcId").and_then(Value::as_str).map(str::to_owned),
            main,
            subnets,
            igw_routes,
        }
    }
}

impl Facts {
    /// Joins the recorded DB instances with the recorded route tables, subnet by subnet.
    pub fn from_items(items: &[ConfigurationItem]) -> Result<Facts, RuleError> {
        let live = || items.iter().filter(|i| i.status.is_evaluable());
        let tables: Vec<RouteTable> =
            live().filter(|i| i.resource_type == ROUTE_TABLE).map(RouteTable::from_item).collect();
        let mut instances = Vec::new();
        for item in live().filter(|i| i.resource_type == DB_INSTANCE) {
            let identifier = item
                .config("dBInstanceIdentifier")
                .and_then(Value::as_str)
                .or(item.resource_name.as_deref())
                .unwrap_or(&item.resource_id)
                .to_owned();
            let invalid = |what: String| {
                RuleError::InvalidData(format!("the configuration item of DB instance {identifier} {what}"))
            };
            if !item.configuration.is_object() {
                return Err(invalid("carries no configuration".into()));
            }
            let subnets = match item.config("dBSubnetGroup") {
                None | Some(Value::Null) => None,
                Some(group) => {
                    let vpc = group
                        .get("vpcId")
                        .and_then(Value::as_str)
                        .ok_or_else(|| invalid("has a DB subnet group without vpcId".into()))?;
                    let ids: Vec<&str> = group
                        .get("subnets")
                        .and_then(Value::as_array)
                        .map(|s| s.iter().filter_map(|s| s.get("subnetIdentifier").and_then(Value::as_str)).collect())
                        .unwrap_or_default();
                    if ids.is_empty() {
                        return Err(invalid("has a DB subnet group that lists no subnets".into()));
                    }
                    let mut subnets = Vec::with_capacity(ids.len());
                    for id in ids {
                        let table = tables
                            .iter()
                            .find(|t| t.subnets.iter().any(|s| s == id))
                            .or_else(|| tables.iter().find(|t| t.main && t.vpc.as_deref() == Some(vpc)))
                            .ok_or_else(|| {
                                RuleError::InvalidData(format!(
                                    "AWS Config has recorded no route table for subnet {id} of DB instance {identifier} (VPC {vpc}, neither an explicit association nor a main route table); record {ROUTE_TABLE} in this region"
                                ))
                            })?;
                        subnets.push(Subnet {
                            id: id.to_owned(),
                            route_table: table.id.clone(),
                            igw_routes: table.igw_routes.clone(),
                        });
                    }
                    Some(subnets)
                }
            };
            instances.push(DbInstance {
                resource_id: item.resource_id.clone(),
                identifier,
                status: item.config("dBInstanceStatus").and_then(Value::as_str).map(str::to_owned),
                subnets,
            });
        }
        Ok(Facts { instances })
    }
}

impl PeriodicRule for RdsInstanceSubnetIgwCheck {
    const SPEC: RuleSpec = RuleSpec {
        name: "rds-instance-subnet-igw-check",
        description: "Checks that RDS DB instances are not in public subnets (subnets whose route table routes to an internet gateway).",
        trigger: Trigger::Periodic(Frequency::TwentyFourHours),
        resource_types: &[DB_INSTANCE],
        parameters: &[],
        iam_actions: &["config:ListDiscoveredResources", "config:BatchGetResourceConfig"],
        cis: &["2.2.3"],
        ..RuleSpec::DEFAULTS
    };
    type Params = NoParams;
    type Facts = Facts;

    async fn gather(&self, aws: &Aws, _: &NoParams, _: &Scope) -> Result<Facts, RuleError> {
        let config = aws.client(aws_sdk_config::Client::new);
        Facts::from_items(&recorded_items(&config, &[DB_INSTANCE, ROUTE_TABLE]).await?)
    }

    fn evaluate(&self, facts: &Facts, _: &NoParams, _: &Scope) -> Vec<Evaluation> {
        facts.instances.iter().map(|db| evaluate_instance(db).on(DB_INSTANCE, &db.resource_id)).collect()
    }
}

fn evaluate_instance(db: &DbInstance) -> Verdict {
    let name = &db.identifier;
    if db.status.as_deref() == Some("deleting") {
        return Verdict::not_applicable(format!("DB instance {name} is being deleted."));
    }
    let Some(subnets) = &db.subnets else {
        return Verdict::not_applicable(format!(
            "DB instance {name} has no DB subnet group, so it is in no VPC subnet."
        ));
    };
    let public: Vec<&Subnet> = subnets.iter().filter(|s| !s.igw_routes.is_empty()).collect();
    let Some(first) = public.first() else {
        return Verdict::compliant(format!(
            "No subnet of DB instance {name}'s subnet group ({} subnets) has a route to an internet gateway.",
            subnets.len()
        ));
    };
    let route = &first.igw_routes[0];
    let more = match public.len() {
        1 => String::new(),
        n => format!(" ({} more public subnets)", n - 1),
    };
    Verdict::non_compliant(format!(
        "DB instance {name} can run in public subnet {}: {} routes {} to {}{more}. Move it to a DB subnet group without routes to an internet gateway.",
        first.id, first.route_table, route.destination, route.gateway
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_config::operation::list_discovered_resources::ListDiscoveredResourcesError;
    use aws_smithy_mocks::{RuleMode, mock};
    use serde_json::json;
    use shared::testing::{Recorded, assert_evaluation, find, periodic, recorded_config_client};

    const VPC: &str = "vpc-0a1b2c3d";

    fn db_config(identifier: &str, subnets: &[&str]) -> Value {
        let subnets: Vec<Value> =
            subnets.iter().map(|s| json!({"subnetIdentifier": s, "subnetStatus": "Active"})).collect();
        json!({"dBInstanceIdentifier": identifier, "dBInstanceStatus": "available",
            "dBSubnetGroup": {"dBSubnetGroupName": format!("{identifier}-subnets"), "vpcId": VPC, "subnets": subnets}})
    }

    fn table_config(id: &str, main: bool, subnets: &[&str], routes: Value) -> Value {
        let mut associations: Vec<Value> = subnets
            .iter()
            .map(|s| json!({"main": false, "subnetId": s, "routeTableId": id, "associationState": {"state": "associated"}}))
            .collect();
        if main {
            associations.push(json!({"main": true, "routeTableId": id, "associationState": {"state": "associated"}}));
        }
        let mut routes = routes.as_array().cloned().unwrap_or_default();
        routes.insert(0, json!({"destinationCidrBlock": "10.0.0.0/16", "gatewayId": "local", "state": "active"}));
        json!({"routeTableId": id, "vpcId": VPC, "associations": associations, "routes": routes})
    }

    fn to_igw(destination: &str) -> Value {
        let key = if destination.contains(':') { "destinationIpv6CidrBlock" } else { "destinationCidrBlock" };
        json!({key: destination, "gatewayId": "igw-0a1b2c3d", "state": "active", "origin": "CreateRoute"})
    }

    fn ci(resource_type: &str, id: &str, configuration: Value) -> ConfigurationItem {
        ConfigurationItem::from_json(&json!({
            "resourceType": resource_type, "resourceId": id, "configurationItemStatus": "OK",
            "configurationItemCaptureTime": "2026-11-20T10:00:00Z", "configuration": configuration,
        }))
        .unwrap()
    }

    /// Subnets: `a` and `b` private (explicit table), `c` inherits the public main table,
    /// `d` is explicitly public, `e` routes ::/0 to the gateway, `f` only a prefix list,
    /// `g` has a blackhole igw route and routes through NAT, egress-only igw and peering.
    fn facts() -> Facts {
        let items = vec![
            ci(ROUTE_TABLE, "rtb-main", table_config("rtb-main", true, &[], json!([to_igw("0.0.0.0/0")]))),
            ci(
                ROUTE_TABLE,
                "rtb-private",
                table_config(
                    "rtb-private",
                    false,
                    &["subnet-a", "subnet-b"],
                    json!([{"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-0a1b", "state": "active"}]),
                ),
            ),
            ci(
                ROUTE_TABLE,
                "rtb-public",
                table_config("rtb-public", false, &["subnet-d"], json!([to_igw("0.0.0.0/0")])),
            ),
            ci(ROUTE_TABLE, "rtb-ipv6", table_config("rtb-ipv6", false, &["subnet-e"], json!([to_igw("::/0")]))),
            ci(
                ROUTE_TABLE,
                "rtb-partner",
                table_config(
                    "rtb-partner",
                    false,
                    &["subnet-f"],
                    json!([{"destinationPrefixListId": "pl-0a1b2c3d", "gatewayId": "igw-0a1b2c3d", "state": "active"}]),
                ),
            ),
            ci(
                ROUTE_TABLE,
                "rtb-other",
                table_config(
                    "rtb-other",
                    false,
                    &["subnet-g"],
                    json!([
                        {"destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-0deleted", "state": "blackhole"},
                        {"destinationCidrBlock": "172.16.0.0/16", "vpcPeeringConnectionId": "pcx-0a1b", "state": "active"},
                        {"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-0a1b", "state": "active"},
                        {"destinationIpv6CidrBlock": "::/0", "egressOnlyInternetGatewayId": "eigw-0a1b", "state": "active"}
                    ]),
                ),
            ),
            ci(DB_INSTANCE, "db-PRIVATE", db_config("orders-db", &["subnet-a", "subnet-b"])),
            ci(DB_INSTANCE, "db-EXPLICIT", db_config("reporting-db", &["subnet-a", "subnet-d"])),
            ci(DB_INSTANCE, "db-INHERITED", db_config("legacy-db", &["subnet-c", "subnet-b"])),
            ci(DB_INSTANCE, "db-IPV6", db_config("ipv6-db", &["subnet-e", "subnet-f"])),
            ci(DB_INSTANCE, "db-OTHER", db_config("routed-db", &["subnet-g"])),
            ci(DB_INSTANCE, "db-CLASSIC", json!({"dBInstanceIdentifier": "classic-db", "dBSubnetGroup": null})),
            ci(DB_INSTANCE, "db-DELETING", {
                let mut c = db_config("old-db", &["subnet-d"]);
                c["dBInstanceStatus"] = json!("deleting");
                c
            }),
        ];
        Facts::from_items(&items).unwrap()
    }

    fn evaluations() -> Vec<Evaluation> {
        periodic(&RdsInstanceSubnetIgwCheck, "scheduled", &facts()).unwrap()
    }

    #[test]
    fn scenario_1_compliant_without_routes_to_an_internet_gateway() {
        let evaluations = evaluations();
        let e = find(&evaluations, "db-PRIVATE");
        assert_eq!(e.resource_type, "AWS::RDS::DBInstance");
        assert_evaluation(e, Compliance::Compliant, &["orders-db", "2 subnets"]);
    }

    #[test]
    fn scenario_2_non_compliant_with_an_explicitly_public_subnet() {
        assert_evaluation(
            find(&evaluations(), "db-EXPLICIT"),
            Compliance::NonCompliant,
            &["reporting-db", "public subnet subnet-d: rtb-public routes 0.0.0.0/0 to igw-0a1b2c3d"],
        );
    }

    #[test]
    fn scenario_3_non_compliant_when_the_main_route_table_is_public() {
        assert_evaluation(
            find(&evaluations(), "db-INHERITED"),
            Compliance::NonCompliant,
            &["public subnet subnet-c: rtb-main routes"],
        );
    }

    #[test]
    fn scenario_4_an_explicit_association_overrides_the_main_route_table() {
        // subnet-a and subnet-b would inherit the public main table without their association.
        let facts = facts();
        let db = facts.instances.iter().find(|d| d.resource_id == "db-PRIVATE").unwrap();
        assert!(db.subnets.as_ref().unwrap().iter().all(|s| s.route_table == "rtb-private"));
    }

    #[test]
    fn scenario_5_any_destination_through_an_internet_gateway_is_public() {
        let evaluations = evaluations();
        let e = find(&evaluations, "db-IPV6");
        assert_evaluation(e, Compliance::NonCompliant, &["subnet-e", "::/0", "(1 more public subnets)"]);
        let facts = facts();
        let db = facts.instances.iter().find(|d| d.resource_id == "db-IPV6").unwrap();
        assert_eq!(db.subnets.as_ref().unwrap()[1].igw_routes[0].destination, "pl-0a1b2c3d");
    }

    #[test]
    fn scenario_6_blackhole_nat_egress_only_and_peering_routes_do_not_count() {
        assert_evaluation(find(&evaluations(), "db-OTHER"), Compliance::Compliant, &["routed-db"]);
    }

    #[test]
    fn scenario_7_not_applicable_without_subnet_group_or_while_deleting() {
        let evaluations = evaluations();
        assert_evaluation(find(&evaluations, "db-CLASSIC"), Compliance::NotApplicable, &["no DB subnet group"]);
        assert_evaluation(find(&evaluations, "db-DELETING"), Compliance::NotApplicable, &["being deleted"]);
        assert_eq!(evaluations.len(), 7);
    }

    #[test]
    fn scenario_8_a_subnet_without_a_recorded_route_table_is_an_error() {
        let items = vec![
            ci(ROUTE_TABLE, "rtb-private", table_config("rtb-private", false, &["subnet-a"], json!([]))),
            ci(DB_INSTANCE, "db-PRIVATE", db_config("orders-db", &["subnet-a", "subnet-z"])),
        ];
        let error = Facts::from_items(&items).unwrap_err();
        assert_eq!(error.error_type(), "InvalidData");
        for part in ["subnet-z", "orders-db", "AWS::EC2::RouteTable"] {
            assert!(error.to_string().contains(part), "{error}");
        }
    }

    #[tokio::test]
    async fn scenario_9_scheduled_run_reads_the_inventory_and_clears_stale_results() {
        let config = recorded_config_client(
            vec![
                Recorded::new(
                    ROUTE_TABLE,
                    "rtb-main",
                    table_config("rtb-main", true, &[], json!([to_igw("0.0.0.0/0")])),
                ),
                Recorded::new(ROUTE_TABLE, "rtb-private", table_config("rtb-private", false, &["subnet-a"], json!([]))),
                Recorded::new(DB_INSTANCE, "db-PRIVATE", db_config("orders-db", &["subnet-a"])),
                Recorded::new(DB_INSTANCE, "db-PUBLIC", db_config("legacy-db", &["subnet-c"])),
            ],
            vec![(DB_INSTANCE, "db-GONE")],
        );
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config);
        let outcome =
            shared::testing::handle_periodic_with(&RdsInstanceSubnetIgwCheck, "scheduled", aws).await.unwrap();
        // The test client claims earlier results for every recorded resource, route tables
        // included, so only the DB instances' results are looked at.
        let verdicts: Vec<(&str, &str)> = outcome
            .evaluations
            .iter()
            .filter(|e| e.compliance_resource_type == DB_INSTANCE)
            .map(|e| (e.compliance_resource_id.as_str(), e.compliance_type))
            .collect();
        assert_eq!(
            verdicts,
            [("db-PRIVATE", "COMPLIANT"), ("db-PUBLIC", "NON_COMPLIANT"), ("db-GONE", "NOT_APPLICABLE")]
        );

        let denied = mock!(aws_sdk_config::Client::list_discovered_resources).then_error(|| {
            ListDiscoveredResourcesError::generic(
                aws_sdk_config::error::ErrorMetadata::builder().code("AccessDeniedException").message("no").build(),
            )
        });
        let config = shared::mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&denied]);
        let aws = Aws::new(shared::testing::test_sdk_config()).with_client(config);
        let scope = shared::testing::scope(aws_smithy_types_now());
        let error = RdsInstanceSubnetIgwCheck.gather(&aws, &NoParams, &scope).await.unwrap_err();
        assert_eq!(error.error_type(), "AccessDenied");
        assert!(error.to_string().contains("config:ListDiscoveredResources"), "{error}");
    }

    fn aws_smithy_types_now() -> aws_sdk_config::primitives::DateTime {
        aws_sdk_config::primitives::DateTime::from_secs(1_795_168_800)
    }
}
