"""AWS::EC2::SecurityGroup in Config's inventory, built from moto's EC2 state."""

from __future__ import annotations

from typing import Any

from moto.ec2 import ec2_backends

from emulator import InventoryQuery, config_item, register_inventory


def _permissions(rules: list[Any]) -> list[dict[str, Any]]:
    """moto keeps one rule per source; Config groups them per protocol and port range."""
    grouped: dict[tuple[Any, Any, Any], dict[str, Any]] = {}
    for r in rules:
        key = (r.ip_protocol, r.from_port, r.to_port)
        p = grouped.setdefault(
            key,
            {"ipProtocol": r.ip_protocol, "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": [], "ipv4Ranges": [], "ipRanges": []},
        )
        if r.from_port is not None:
            p["fromPort"], p["toPort"] = r.from_port, r.to_port
        if r.ip_range.get("CidrIp"):
            p["ipv4Ranges"].append({"cidrIp": r.ip_range["CidrIp"]})
            p["ipRanges"].append(r.ip_range["CidrIp"])
        if r.ip_range.get("CidrIpv6"):
            p["ipv6Ranges"].append({"cidrIpv6": r.ip_range["CidrIpv6"]})
        if r.source_group:
            p["userIdGroupPairs"].append({"groupId": r.source_group.get("GroupId"), "userId": r.owner_id})
        if r.prefix_list_id:
            p["prefixListIds"].append({"prefixListId": r.prefix_list_id})
    return list(grouped.values())


class SecurityGroups(InventoryQuery):
    """AWS::EC2::SecurityGroup in Config's inventory, from moto's EC2 state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for group in self.backends[account_id][region].describe_security_groups():
            configuration = {
                "description": group.description,
                "groupName": group.name,
                "ipPermissions": _permissions(group.ingress_rules),
                "ownerId": account_id,
                "groupId": group.id,
                "ipPermissionsEgress": _permissions(group.egress_rules),
                "vpcId": group.vpc_id,
            }
            out.append((group.id, group.name, config_item(account_id, region, "AWS::EC2::SecurityGroup", group.id, group.name, group.arn, configuration)))
        return out


def install() -> None:
    register_inventory("AWS::EC2::SecurityGroup", SecurityGroups(ec2_backends))
