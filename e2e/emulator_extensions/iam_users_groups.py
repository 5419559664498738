"""AWS::IAM::User and AWS::IAM::Group in Config's inventory, built from moto's IAM state, and
AWS::IAM::Role items in the shape Config records them.

moto's Config records IAM roles and policies but not users or groups. The items here follow what
AWS Config records for them: the resource id is the user id (``AIDA…``) or group id
(``AGPA…``), and the configuration carries ``attachedManagedPolicies`` (policyArn, policyName)
and the inline policies (``userPolicyList`` / ``groupPolicyList``: policyName and the
URL-encoded policyDocument), plus ``groupList`` for users.

moto's own role items put the role *name* in ``resourceId`` (Config uses the role id, ``AROA…``,
which is also what moto lists) and give ``tags`` as a list, which SDKs refuse (Config's ``tags``
is a map); roles are therefore served here too, with moto's role configuration unchanged.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from moto.iam.models import iam_backends

from emulator import InventoryQuery, config_item, register_inventory

# IAM is global: moto keeps one IAM backend per partition, and Config records IAM resources in
# every Region it records global types in (here: whatever Region is asked).
PARTITION = "aws"


def _iso(t: Any) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _attached(entity: Any) -> list[dict[str, str]]:
    return [{"policyArn": p.arn, "policyName": p.name} for p in entity.managed_policies.values()]


def _inline(entity: Any) -> list[dict[str, str]]:
    return [{"policyName": name, "policyDocument": quote(document, safe="")} for name, document in entity.policies.items()]


class Users(InventoryQuery):
    """AWS::IAM::User, by user id."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        backend = self.backends[account_id][PARTITION]
        out = []
        for user in backend.users.values():
            configuration = {
                "path": user.path,
                "userName": user.name,
                "userId": user.id,
                "arn": user.arn,
                "createDate": _iso(user.create_date),
                "userPolicyList": _inline(user),
                "groupList": [g.name for g in backend.get_groups_for_user(user.name)],
                "attachedManagedPolicies": _attached(user),
                "permissionsBoundary": None,
                "tags": [{"key": t["Key"], "value": t["Value"]} for t in (user.tags or [])],
            }
            out.append((user.id, user.name, config_item(account_id, region, "AWS::IAM::User", user.id, user.name, user.arn, configuration)))
        return out


class Groups(InventoryQuery):
    """AWS::IAM::Group, by group id."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        backend = self.backends[account_id][PARTITION]
        out = []
        for group in backend.groups.values():
            configuration = {
                "path": group.path,
                "groupName": group.name,
                "groupId": group.id,
                "arn": group.arn,
                "createDate": _iso(group.create_date),
                "groupPolicyList": _inline(group),
                "attachedManagedPolicies": _attached(group),
            }
            out.append((group.id, group.name, config_item(account_id, region, "AWS::IAM::Group", group.id, group.name, group.arn, configuration)))
        return out


class Roles(InventoryQuery):
    """AWS::IAM::Role, by role id, with moto's role configuration."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        backend = self.backends[account_id][PARTITION]
        out = []
        for role in backend.roles.values():
            configuration = role.to_config_dict()["configuration"]
            tags = {t["Key"]: t["Value"] for t in (role.tags or [])}
            out.append((role.id, role.name, config_item(account_id, region, "AWS::IAM::Role", role.id, role.name, role.arn, configuration, tags=tags)))
        return out


def install() -> None:
    register_inventory("AWS::IAM::User", Users(iam_backends))
    register_inventory("AWS::IAM::Group", Groups(iam_backends))
    register_inventory("AWS::IAM::Role", Roles(iam_backends))
