"""AWS::KMS::Key in Config's inventory, built from moto's KMS state.

The rotation status goes into the supplementary ``KeyRotationStatus``, as Config records it.
moto creates AWS managed keys (those behind ``alias/aws/…``, made on first use) with
``KeyManager: CUSTOMER``; their items say ``AWS``, as AWS does.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from moto.kms.models import kms_backends

from emulator import InventoryQuery, config_item, register_inventory


def _iso(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc).isoformat()
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def configuration(key: Any) -> dict[str, Any]:
    """The ``configuration`` of a key's item, with Config's field names."""
    metadata = key.to_dict()["KeyMetadata"]
    aws_managed = any(name.startswith("alias/aws/") for name in key.aliases)
    conf: dict[str, Any] = {
        "keyId": key.id,
        "arn": key.arn,
        "awsaccountId": key.account_id,
        "creationDate": _iso(key.creation_date),
        "description": key.description,
        "enabled": key.enabled,
        "keyUsage": key.key_usage,
        "keyState": key.key_state,
        "origin": key.origin,
        "keyManager": "AWS" if aws_managed else key.key_manager,
        "customerMasterKeySpec": key.key_spec,
        "keySpec": key.key_spec,
        "encryptionAlgorithms": metadata.get("EncryptionAlgorithms") or [],
        "signingAlgorithms": metadata.get("SigningAlgorithms") or [],
        "multiRegion": key.multi_region,
    }
    if key.multi_region:
        mrc = key.multi_region_configuration
        conf["multiRegionConfiguration"] = {
            "multiRegionKeyType": mrc["MultiRegionKeyType"],
            "primaryKey": {"arn": mrc["PrimaryKey"]["Arn"], "region": mrc["PrimaryKey"]["Region"]},
            "replicaKeys": [{"arn": r["Arn"], "region": r["Region"]} for r in mrc.get("ReplicaKeys", [])],
        }
    if key.deletion_date is not None:
        conf["deletionDate"] = _iso(key.deletion_date)
    return conf


class Keys(InventoryQuery):
    """AWS::KMS::Key in Config's inventory, from moto's KMS state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for key in list(self.backends[account_id][region].keys.values()):
            supplementary = {"KeyRotationStatus": bool(key.key_rotation_status)}
            out.append((key.id, None, config_item(account_id, region, "AWS::KMS::Key", key.id, None, key.arn, configuration(key), supplementary)))
        return out


def install() -> None:
    register_inventory("AWS::KMS::Key", Keys(kms_backends))
