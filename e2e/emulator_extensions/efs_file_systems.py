"""AWS::EFS::FileSystem in Config's inventory, built from moto's EFS state.

Field names follow Config's item for this type (PascalCase, as in CloudFormation). A file
system created encrypted without a key has no ``KmsKeyId`` in moto (AWS would name the
``aws/elasticfilesystem`` key); the item then carries none either.
"""

from __future__ import annotations

from typing import Any

from moto.efs.models import efs_backends

from emulator import InventoryQuery, config_item, register_inventory


def configuration(fs: Any, tags: list[dict[str, str]]) -> dict[str, Any]:
    """The ``configuration`` of a file system's item, with Config's field names."""
    conf: dict[str, Any] = {
        "FileSystemId": fs.file_system_id,
        "Arn": fs.file_system_arn,
        "Encrypted": bool(fs.encrypted),
        "PerformanceMode": fs.performance_mode,
        "ThroughputMode": fs.throughput_mode,
        "BackupPolicy": fs.backup_policy or {"Status": "DISABLED"},
        "LifecyclePolicies": list(fs.lifecycle_policies),
        "FileSystemTags": [{"Key": t["Key"], "Value": t["Value"]} for t in tags],
    }
    if fs.kms_key_id:
        conf["KmsKeyId"] = fs.kms_key_id
    if fs.provisioned_throughput_in_mibps:
        conf["ProvisionedThroughputInMibps"] = fs.provisioned_throughput_in_mibps
    return conf


class FileSystems(InventoryQuery):
    """AWS::EFS::FileSystem in Config's inventory, from moto's EFS state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        backend = self.backends[account_id][region]
        out = []
        for fs in list(backend.file_systems_by_id.values()):
            if fs.life_cycle_state in ("deleting", "deleted"):
                continue
            tags = backend.list_tags_for_resource(fs.file_system_id)
            item = config_item(account_id, region, "AWS::EFS::FileSystem", fs.file_system_id, fs.file_system_id, fs.file_system_arn, configuration(fs, tags), tags={t["Key"]: t["Value"] for t in tags})
            item["availabilityZone"] = "Regional"
            out.append((fs.file_system_id, fs.file_system_id, item))
        return out


def install() -> None:
    register_inventory("AWS::EFS::FileSystem", FileSystems(efs_backends))
