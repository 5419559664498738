"""AWS::RDS::DBInstance in Config's inventory, built from moto's RDS state.

Config records a DB instance by its ``DbiResourceId``. moto gives every instance the same one
(``db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U``), so ``install()`` also gives each new instance a random id
of AWS's form, which DescribeDBInstances then returns too. ``publiclyAccessible`` is left out
when moto has no value for it (an instance created without ``PubliclyAccessible``); real items
always carry it.
"""

from __future__ import annotations

import random
import string
from datetime import datetime
from typing import Any

from moto.rds import models as rds_models
from moto.rds.models import rds_backends

from emulator import InventoryQuery, config_item, register_inventory


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """An attribute of a moto model; moto raises from some properties (write-only, cluster members)."""
    try:
        value = getattr(obj, name)
    except Exception:  # noqa: BLE001 - any failure means "moto has no value"
        return default
    return default if value is None else value


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _subnet_group(db: Any) -> dict[str, Any] | None:
    group = _get(db, "db_subnet_group")
    if group is None or isinstance(group, str):
        return None
    return {
        "dBSubnetGroupName": group.name,
        "dBSubnetGroupDescription": group.description,
        "vpcId": group.vpc_id,
        "subnetGroupStatus": group.subnet_group_status,
        "subnets": [
            {"subnetIdentifier": s["SubnetIdentifier"], "subnetAvailabilityZone": {"name": s["SubnetAvailabilityZone"]["Name"]}, "subnetStatus": s["SubnetStatus"]}
            for s in group.subnets
        ],
    }


def configuration(db: Any) -> dict[str, Any]:
    """The ``configuration`` of a DB instance's item, with Config's field names."""
    conf: dict[str, Any] = {
        "dBInstanceIdentifier": db.db_instance_identifier,
        "dBInstanceClass": _get(db, "db_instance_class"),
        "engine": db.engine,
        "engineVersion": _get(db, "engine_version"),
        "dBInstanceStatus": _get(db, "status"),
        "masterUsername": _get(db, "master_username"),
        "dBName": _get(db, "db_name"),
        "endpoint": {"address": _get(db, "address"), "port": _get(db, "port")},
        "allocatedStorage": _get(db, "allocated_storage"),
        "instanceCreateTime": _iso(_get(db, "instance_create_time")),
        "preferredBackupWindow": _get(db, "preferred_backup_window"),
        "backupRetentionPeriod": _get(db, "backup_retention_period"),
        "vpcSecurityGroups": [{"vpcSecurityGroupId": g, "status": "active"} for g in _get(db, "vpc_security_group_ids", [])],
        "dBSubnetGroup": _subnet_group(db),
        "preferredMaintenanceWindow": _get(db, "preferred_maintenance_window"),
        "multiAZ": bool(_get(db, "multi_az", False)),
        "autoMinorVersionUpgrade": bool(_get(db, "auto_minor_version_upgrade", True)),
        "storageType": _get(db, "storage_type"),
        "storageEncrypted": bool(_get(db, "storage_encrypted", False)),
        "kmsKeyId": _get(db, "kms_key_id"),
        "dbiResourceId": db.dbi_resource_id,
        "cACertificateIdentifier": _get(db, "ca_certificate_identifier"),
        "copyTagsToSnapshot": bool(_get(db, "copy_tags_to_snapshot", False)),
        "dBInstanceArn": db.arn,
        "dBClusterIdentifier": _get(db, "db_cluster_identifier"),
        "iAMDatabaseAuthenticationEnabled": bool(_get(db, "enable_iam_database_authentication", False)),
        "deletionProtection": bool(_get(db, "deletion_protection", False)),
    }
    public = _get(db, "publicly_accessible")
    if public is not None:
        conf["publiclyAccessible"] = bool(public)
    return conf


class DBInstances(InventoryQuery):
    """AWS::RDS::DBInstance in Config's inventory, from moto's RDS state."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        out = []
        for db in list(self.backends[account_id][region].databases.values()):
            tags = {t["Key"]: t["Value"] for t in _get(db, "tags", [])}
            item = config_item(account_id, region, "AWS::RDS::DBInstance", db.dbi_resource_id, db.db_instance_identifier, db.arn, configuration(db), tags=tags)
            item["availabilityZone"] = _get(db, "availability_zone", "Not Applicable")
            out.append((db.dbi_resource_id, db.db_instance_identifier, item))
        return out


def _random_dbi_resource_id() -> str:
    return "db-" + "".join(random.choices(string.ascii_uppercase + string.digits, k=26))


def install() -> None:
    cls = rds_models.DBInstance
    if not getattr(cls, "e2e_unique_dbi_resource_id", False):
        original = cls.__init__

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self.dbi_resource_id = _random_dbi_resource_id()

        cls.__init__ = init  # type: ignore[method-assign]
        cls.e2e_unique_dbi_resource_id = True
    register_inventory("AWS::RDS::DBInstance", DBInstances(rds_backends))
