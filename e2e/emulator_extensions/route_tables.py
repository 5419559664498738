"""AWS::EC2::RouteTable in Config's inventory, built from moto's EC2 state."""

from __future__ import annotations

from typing import Any

from moto.ec2 import ec2_backends

from emulator import InventoryQuery, config_item, register_inventory
from emulator_extensions.vpcs import tag_list, tag_map


def _id(target: Any) -> str | None:
    return target.id if target is not None else None


def _route(r: Any) -> dict[str, Any]:
    out = {
        "carrierGatewayId": _id(r.carrier_gateway),
        "destinationCidrBlock": r.destination_cidr_block,
        "destinationIpv6CidrBlock": r.destination_ipv6_cidr_block,
        "destinationPrefixListId": _id(r.destination_prefix_list),
        "egressOnlyInternetGatewayId": r.egress_only_internet_gateway_id,
        "gatewayId": r.gateway_id,
        "instanceId": r.instance_id,
        "natGatewayId": r.nat_gateway_id,
        "networkInterfaceId": _id(r.interface),
        "origin": "CreateRouteTable" if r.local else "CreateRoute",
        "state": "active",
        "transitGatewayId": _id(r.transit_gateway),
        "vpcPeeringConnectionId": _id(r.vpc_pcx),
    }
    return {k: v for k, v in out.items() if v is not None}


def _association(a: dict[str, Any]) -> dict[str, Any]:
    out = {
        "associationState": {"state": a.get("AssociationState", {}).get("State", "associated")},
        "gatewayId": a.get("GatewayId"),
        "main": bool(a.get("Main")),
        "routeTableAssociationId": a.get("RouteTableAssociationId"),
        "routeTableId": a.get("RouteTableId"),
        "subnetId": a.get("SubnetId"),
    }
    return {k: v for k, v in out.items() if v is not None}


class RouteTables(InventoryQuery):
    """AWS::EC2::RouteTable in Config's inventory, from moto's EC2 state (routes with their
    targets, subnet and main associations)."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for table in self.backends[account_id][region].describe_route_tables():
            configuration = {
                "associations": [_association(a) for a in table.associations],
                "ownerId": account_id,
                "propagatingVgws": [],
                "routeTableId": table.id,
                "routes": [_route(r) for r in table.routes],
                "tags": tag_list(table),
                "vpcId": table.vpc_id,
            }
            arn = f"arn:aws:ec2:{region}:{account_id}:route-table/{table.id}"
            out.append((table.id, None, config_item(account_id, region, "AWS::EC2::RouteTable", table.id, None, arn, configuration, tags=tag_map(table))))
        return out


def install() -> None:
    register_inventory("AWS::EC2::RouteTable", RouteTables(ec2_backends))
