"""AWS::EC2::Instance in Config's inventory, built from moto's EC2 state.

Terminated instances are left out: AWS Config records their deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moto.ec2 import ec2_backends

from emulator import InventoryQuery, config_item, register_inventory
from emulator_extensions.vpcs import tag_list, tag_map


def _time(t: Any) -> str | None:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z") if isinstance(t, datetime) else (str(t) if t else None)


def _groups(groups: Any) -> list[dict[str, Any]]:
    return [{"groupId": g.id, "groupName": g.name} for g in groups or []]


def _interface(nic: Any, owner: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "attachment": {
            "attachTime": _time(getattr(nic, "attach_time", None)),
            "attachmentId": getattr(nic, "attachment_id", None),
            "deleteOnTermination": bool(getattr(nic, "delete_on_termination", True)),
            "deviceIndex": getattr(nic, "device_index", 0),
            "status": "attached",
        },
        "description": nic.description or "",
        "groups": _groups(nic.group_set),
        "interfaceType": getattr(nic, "interface_type", "interface"),
        "ipv6Addresses": [{"ipv6Address": a} for a in getattr(nic, "ipv6_addresses", []) or []],
        "macAddress": nic.mac_address,
        "networkInterfaceId": nic.id,
        "ownerId": owner,
        "privateDnsName": nic.private_dns_name,
        "privateIpAddress": nic.private_ip_address,
        "sourceDestCheck": bool(nic.source_dest_check),
        "status": "in-use",
        "subnetId": nic.subnet.id if nic.subnet else None,
        "vpcId": nic.subnet.vpc_id if nic.subnet else None,
    }
    if nic.public_ip:
        out["association"] = {"ipOwnerId": "amazon", "publicDnsName": "", "publicIp": nic.public_ip}
    return out


def _block_devices(instance: Any) -> list[dict[str, Any]]:
    out = []
    for name, device in instance.block_device_mapping.items():
        out.append({
            "deviceName": name,
            "ebs": {"attachTime": _time(device.attach_time), "deleteOnTermination": bool(device.delete_on_termination), "status": device.status or "attached", "volumeId": device.volume_id},
        })
    return out


def configuration(instance: Any, account_id: str) -> dict[str, Any]:
    """The instance as Config records it (``configuration`` of its item)."""
    options = instance.metadata_options
    groups = instance.dynamic_group_list if instance.dynamic_group_list else [g for nic in instance.nics.values() for g in nic.group_set]
    profile = instance.iam_instance_profile
    out: dict[str, Any] = {
        "amiLaunchIndex": instance.ami_launch_index,
        "architecture": instance.architecture,
        "blockDeviceMappings": _block_devices(instance),
        "clientToken": instance.client_token,
        "ebsOptimized": bool(instance.ebs_optimized),
        "hypervisor": instance.hypervisor,
        "iamInstanceProfile": {"arn": profile.get("Arn"), "id": profile.get("Id")} if profile else None,
        "imageId": instance.image_id,
        "instanceId": instance.id,
        "instanceType": instance.instance_type,
        "keyName": instance.key_name,
        "launchTime": _time(instance.launch_time),
        "metadataOptions": {
            "httpEndpoint": options.http_endpoint,
            "httpProtocolIpv6": options.http_protocol_ipv6,
            "httpPutResponseHopLimit": options.http_put_response_hop_limit,
            "httpTokens": options.http_tokens,
            "instanceMetadataTags": options.instance_metadata_tags,
            "state": options.state,
        },
        "monitoring": {"state": instance.monitoring_state},
        "networkInterfaces": [_interface(nic, account_id) for nic in instance.nics.values()],
        "placement": {"availabilityZone": instance.placement.zone, "groupName": instance.placement.group_name, "tenancy": instance.placement.tenancy},
        "platform": instance.platform,
        "privateDnsName": instance.private_dns_name,
        "privateIpAddress": instance.private_ip,
        "publicDnsName": instance.public_dns_name if instance.public_ip else "",
        "publicIpAddress": instance.public_ip,
        "rootDeviceName": instance.root_device_name,
        "rootDeviceType": instance.root_device_type,
        "securityGroups": _groups(groups),
        "sourceDestCheck": bool(instance.source_dest_check),
        "state": {"code": instance.state_code, "name": instance.state},
        "stateTransitionReason": instance.state_transition_reason or "",
        "subnetId": instance.subnet_id,
        "tags": tag_list(instance),
        "virtualizationType": instance.virtualization_type,
        "vpcId": instance.vpc_id,
    }
    return {k: v for k, v in out.items() if v is not None}


class Instances(InventoryQuery):
    """AWS::EC2::Instance in Config's inventory, from moto's EC2 state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for instance in self.backends[account_id][region].all_instances():
            if instance.state == "terminated":
                continue
            arn = f"arn:aws:ec2:{region}:{account_id}:instance/{instance.id}"
            item = config_item(account_id, region, "AWS::EC2::Instance", instance.id, None, arn, configuration(instance, account_id), tags=tag_map(instance))
            item["availabilityZone"] = instance.placement.zone
            out.append((instance.id, None, item))
        return out


def install() -> None:
    register_inventory("AWS::EC2::Instance", Instances(ec2_backends))
