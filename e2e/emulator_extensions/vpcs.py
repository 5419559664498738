"""AWS::EC2::VPC in Config's inventory, built from moto's EC2 state."""

from __future__ import annotations

from typing import Any

from moto.ec2 import ec2_backends

from emulator import InventoryQuery, config_item, register_inventory


def tag_list(resource: Any) -> list[dict[str, str]]:
    """Tags as Config writes them inside ``configuration``: ``[{"key": …, "value": …}]``."""
    return [{"key": t["Key"], "value": t["Value"]} for t in resource.get_tags()]


def tag_map(resource: Any) -> dict[str, str]:
    """Tags as Config writes them on the item: ``{key: value}``."""
    return {t["Key"]: t["Value"] for t in resource.get_tags()}


def _association(a: dict[str, Any], ipv6: bool) -> dict[str, Any]:
    state = {"state": (a.get("cidr_block_state") or {}).get("state", "associated")}
    if ipv6:
        return {
            "associationId": a["association_id"],
            "ipv6CidrBlock": a["cidr_block"],
            "ipv6CidrBlockState": state,
            "ipv6Pool": a.get("ipv6_pool"),
            "networkBorderGroup": a.get("ipv6_cidr_block_network_border_group"),
        }
    return {"associationId": a["association_id"], "cidrBlock": a["cidr_block"], "cidrBlockState": state}


class Vpcs(InventoryQuery):
    """AWS::EC2::VPC in Config's inventory, from moto's EC2 state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for vpc in self.backends[account_id][region].describe_vpcs():
            configuration = {
                "cidrBlock": vpc.cidr_block,
                "cidrBlockAssociationSet": [_association(a, False) for a in vpc.get_cidr_block_association_set(ipv6=False)],
                "dhcpOptionsId": vpc.dhcp_options_id,
                "instanceTenancy": vpc.instance_tenancy,
                "ipv6CidrBlockAssociationSet": [_association(a, True) for a in vpc.get_cidr_block_association_set(ipv6=True)],
                "isDefault": vpc.is_default,
                "ownerId": account_id,
                "state": {"value": vpc.state},
                "tags": tag_list(vpc),
                "vpcId": vpc.id,
            }
            arn = f"arn:aws:ec2:{region}:{account_id}:vpc/{vpc.id}"
            out.append((vpc.id, None, config_item(account_id, region, "AWS::EC2::VPC", vpc.id, None, arn, configuration, tags=tag_map(vpc))))
        return out


def install() -> None:
    register_inventory("AWS::EC2::VPC", Vpcs(ec2_backends))
