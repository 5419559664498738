"""AWS::EC2::NetworkAcl in Config's inventory, built from moto's EC2 state."""

from __future__ import annotations

from typing import Any

from moto.ec2 import ec2_backends

from emulator import InventoryQuery, config_item, register_inventory
from emulator_extensions.vpcs import tag_list, tag_map

# AWS stores and returns protocol numbers; moto keeps whatever the caller sent.
PROTOCOL_NUMBERS = {"all": "-1", "tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}


def _entry(e: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "egress": bool(e.egress),
        "protocol": PROTOCOL_NUMBERS.get(str(e.protocol).lower(), str(e.protocol)),
        "ruleAction": e.rule_action,
        "ruleNumber": int(e.rule_number),
    }
    if e.cidr_block:
        out["cidrBlock"] = e.cidr_block
    if e.ipv6_cidr_block:
        out["ipv6CidrBlock"] = e.ipv6_cidr_block
    if e.port_range_from is not None or e.port_range_to is not None:
        out["portRange"] = {"from": int(e.port_range_from), "to": int(e.port_range_to)}
    if e.icmp_type is not None or e.icmp_code is not None:
        out["icmpTypeCode"] = {"code": e.icmp_code, "type": e.icmp_type}
    return out


class NetworkAcls(InventoryQuery):
    """AWS::EC2::NetworkAcl in Config's inventory, from moto's EC2 state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for acl in self.backends[account_id][region].describe_network_acls():
            configuration = {
                "associations": [{"networkAclAssociationId": a.id, "networkAclId": acl.id, "subnetId": a.subnet_id} for a in acl.associations],
                "entries": [_entry(e) for e in acl.network_acl_entries],
                "isDefault": bool(acl.default),
                "networkAclId": acl.id,
                "ownerId": acl.owner_id,
                "tags": tag_list(acl),
                "vpcId": acl.vpc_id,
            }
            arn = f"arn:aws:ec2:{region}:{account_id}:network-acl/{acl.id}"
            out.append((acl.id, None, config_item(account_id, region, "AWS::EC2::NetworkAcl", acl.id, None, arn, configuration, tags=tag_map(acl))))
        return out


def install() -> None:
    register_inventory("AWS::EC2::NetworkAcl", NetworkAcls(ec2_backends))
