"""End to end: the CIS section 1 rules on the root user, IAM policies and server certificates,
run as Lambda binaries against the emulator.

What moto cannot model is covered by the rules' SDK-level tests instead:
- the root user: moto's account summary hard-codes AccountMFAEnabled and AccountAccessKeysPresent
  to 0, omits AccountPasswordPresent and has no root virtual MFA device, so only "no root keys"
  (COMPLIANT) and "root without MFA" (NON_COMPLIANT) can be seen here;
- server certificates: moto dates every certificate 2010-05-08 to 2012-05-08, so only the
  expired case can be seen here;
- permissions boundaries: moto records permissionsBoundaryUsageCount as 0.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterator

import pytest

import account
from account import change_event, oversized_event, recorded_item, scheduled_event, token

USER = "AWS::IAM::User"
GROUP = "AWS::IAM::Group"
ROLE = "AWS::IAM::Role"
POLICY = "AWS::IAM::Policy"
ADMIN_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
SUPPORT_ACCESS = "arn:aws:iam::aws:policy/AWSSupportAccess"
CLOUDSHELL = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
MANAGED_POLICIES = "MOTO_IAM_LOAD_MANAGED_POLICIES"

TRUST_ACCOUNT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
S3_ALL = doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})


@pytest.fixture
def managed_policies(emulator: Any) -> Iterator[None]:
    """AWS managed policies (AdministratorAccess, AWSSupportAccess, AWSCloudShellFullAccess) in
    moto's IAM, for one test. moto reads MOTO_IAM_LOAD_MANAGED_POLICIES when it creates an
    account's IAM backend, and the emulator runs in this process: the variable is set between two
    resets, so only backends made during the test load the policies and none outlives it.
    Request this fixture before ``sample``."""
    emulator.reset()
    previous = os.environ.get(MANAGED_POLICIES)
    os.environ[MANAGED_POLICIES] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(MANAGED_POLICIES, None)
        else:
            os.environ[MANAGED_POLICIES] = previous
        emulator.reset()


def verdicts(emulator: Any, result_token: str) -> dict[str, tuple[str, str, str]]:
    """resource id → (resource type, compliance, annotation), as sent with the token."""
    out: dict[str, tuple[str, str, str]] = {}
    for call in emulator.wire(result_token):
        for e in call["evaluations"]:
            out[e["ComplianceResourceId"]] = (e["ComplianceResourceType"], e["ComplianceType"], e.get("Annotation", ""))
    return out


def run(invoke: Any, emulator: Any, rule: str, event_for: Any) -> dict[str, tuple[str, str, str]]:
    """Invokes ``rule`` with ``event_for(token)`` and returns what it reported."""
    t = token(rule)
    result = invoke(rule, event_for(t))
    assert result.ok, f"{rule}: {result.error_type}: {result.error_message}"
    return verdicts(emulator, t)


def periodic(invoke: Any, emulator: Any, rule: str, params: dict[str, str] | None = None) -> dict[str, tuple[str, str, str]]:
    return run(invoke, emulator, rule, lambda t: scheduled_event(rule, t, params=params))


def changed(invoke: Any, emulator: Any, rule: str, resource_type: str, resource_id: str, params: dict[str, str] | None = None) -> tuple[str, str, str]:
    """Invokes a change rule with the item Config recorded for one resource; its verdict."""
    item = recorded_item(emulator.url, resource_type, resource_id)
    reported = run(invoke, emulator, rule, lambda t: change_event(rule, item, t, params=params))
    return reported[item["resourceId"]]


def test_root_user_signals_moto_can_show(emulator, sample, invoke):
    acct = account.ACCOUNT
    # moto: no root access keys, no root MFA, and no AccountPasswordPresent (read as "has a password").
    assert periodic(invoke, emulator, "iam-root-access-key-check") == {acct: ("AWS::::Account", "COMPLIANT", "The root user has no access keys.")}
    kind, compliance, annotation = periodic(invoke, emulator, "root-account-mfa-enabled")[acct]
    assert (kind, compliance) == ("AWS::::Account", "NON_COMPLIANT") and "no MFA device" in annotation
    # alice's virtual MFA device (seeded) is a user device, not the root user's.
    kind, compliance, annotation = periodic(invoke, emulator, "root-account-hardware-mfa-enabled")[acct]
    assert (kind, compliance) == ("AWS::::Account", "NON_COMPLIANT") and "no MFA device" in annotation


def test_users_get_permissions_only_through_groups(emulator, sample, invoke):
    iam = account.client(emulator.url, "iam")
    rule = "iam-user-no-policies-check"
    iam.create_group(GroupName="developers")
    iam.put_group_policy(GroupName="developers", PolicyName="s3", PolicyDocument=S3_ALL)
    iam.add_user_to_group(GroupName="developers", UserName="alice")
    s3_policy = iam.create_policy(PolicyName="sample-s3", PolicyDocument=S3_ALL)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="bob", PolicyArn=s3_policy)
    iam.put_user_policy(UserName="ci-bot", PolicyName="one-off", PolicyDocument=S3_ALL)

    item = recorded_item(emulator.url, USER, sample["alice"])
    configuration = json.loads(item["configuration"])
    assert configuration["groupList"] == ["developers"] and configuration["userPolicyList"] == []

    assert changed(invoke, emulator, rule, USER, sample["alice"])[:2] == (USER, "COMPLIANT")
    kind, compliance, annotation = changed(invoke, emulator, rule, USER, sample["bob"])
    assert compliance == "NON_COMPLIANT" and "attached: sample-s3" in annotation
    kind, compliance, annotation = changed(invoke, emulator, rule, USER, sample["ci-bot"])
    assert compliance == "NON_COMPLIANT" and "inline: one-off" in annotation

    # The rule reports by user id, and a deleted user becomes NOT_APPLICABLE.
    deleted = {**recorded_item(emulator.url, USER, sample["bob"]), "configurationItemStatus": "ResourceDeleted", "configuration": None}
    reported = run(invoke, emulator, rule, lambda t: change_event(rule, deleted, t))
    assert reported == {sample["bob"]: (USER, "NOT_APPLICABLE", "The resource was deleted.")}


def test_customer_policies_with_full_admin_statements(emulator, sample, invoke):
    iam = account.client(emulator.url, "iam")
    rule = "iam-policy-no-statements-with-admin-access"
    cis = {"excludePermissionBoundaryPolicy": "true"}
    admin = iam.create_policy(PolicyName="sample-god-mode", PolicyDocument=ALLOW_ALL)["Policy"]
    scoped = iam.create_policy(PolicyName="sample-s3-all", PolicyDocument=S3_ALL)["Policy"]

    # moto's item carries every version's URL-encoded document, as Config records it.
    versions = json.loads(recorded_item(emulator.url, POLICY, admin["PolicyId"])["configuration"])["policyVersionList"]
    assert versions[0]["document"].startswith("%7B")

    kind, compliance, annotation = changed(invoke, emulator, rule, POLICY, admin["PolicyId"], cis)
    assert (kind, compliance) == (POLICY, "NON_COMPLIANT") and "sample-god-mode" in annotation
    assert changed(invoke, emulator, rule, POLICY, scoped["PolicyId"], cis)[1] == "COMPLIANT"

    # A new default version without the admin statement makes the policy compliant; the old one is ignored.
    iam.create_policy_version(PolicyArn=admin["Arn"], PolicyDocument=S3_ALL, SetAsDefault=True)
    assert changed(invoke, emulator, rule, POLICY, admin["PolicyId"], cis)[1] == "COMPLIANT"

    # Oversized notifications: the rule fetches the item from Config itself.
    iam.create_policy_version(PolicyArn=scoped["Arn"], PolicyDocument=ALLOW_ALL, SetAsDefault=True)
    item = recorded_item(emulator.url, POLICY, scoped["PolicyId"])
    reported = run(invoke, emulator, rule, lambda t: oversized_event(rule, item, t))
    assert reported[scoped["PolicyId"]][1] == "NON_COMPLIANT"


def test_attached_policies_with_full_admin_access(emulator, managed_policies, sample, invoke):
    iam = account.client(emulator.url, "iam")
    rule = "iam-attached-policy-no-full-admin"
    iam.create_role(RoleName="sample-admin-role", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    iam.attach_role_policy(RoleName="sample-admin-role", PolicyArn=ADMIN_ACCESS)
    god = iam.create_policy(PolicyName="sample-god-mode", PolicyDocument=ALLOW_ALL)["Policy"]
    iam.attach_user_policy(UserName="bob", PolicyArn=god["Arn"])
    scoped = iam.create_policy(PolicyName="sample-s3-all", PolicyDocument=S3_ALL)["Policy"]
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=scoped["Arn"])
    unattached = iam.create_policy(PolicyName="sample-unattached-admin", PolicyDocument=ALLOW_ALL)["Policy"]
    admin_id = iam.get_policy(PolicyArn=ADMIN_ACCESS)["Policy"]["PolicyId"]

    reported = periodic(invoke, emulator, rule)
    assert set(reported) == {admin_id, god["PolicyId"], scoped["PolicyId"]}, "only attached policies are reported"
    assert unattached["PolicyId"] not in reported
    assert reported[admin_id][:2] == (POLICY, "NON_COMPLIANT") and "AdministratorAccess" in reported[admin_id][2]
    assert reported[god["PolicyId"]][1] == "NON_COMPLIANT"
    assert reported[scoped["PolicyId"]][1] == "COMPLIANT"

    # Detached: the next sweep clears the policy's old result.
    iam.detach_user_policy(UserName="bob", PolicyArn=god["Arn"])
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t))
    assert result.ok and result.response["staleCleared"] == 1
    assert verdicts(emulator, t)[god["PolicyId"]][1] == "NOT_APPLICABLE"

    # Customer managed policies only: AdministratorAccess's earlier result is cleared.
    reported = periodic(invoke, emulator, rule, {"includeAwsManagedPolicies": "false"})
    assert {k: v[1] for k, v in reported.items()} == {scoped["PolicyId"]: "COMPLIANT", admin_id: "NOT_APPLICABLE"}


def test_support_role_with_aws_support_access(emulator, managed_policies, sample, invoke):
    iam = account.client(emulator.url, "iam")
    rule = "iam-policy-in-use"
    cis = {"policyARN": SUPPORT_ACCESS, "policyUsageType": "IAM_ROLE"}
    acct = account.ACCOUNT
    iam.attach_user_policy(UserName="alice", PolicyArn=SUPPORT_ACCESS)

    kind, compliance, annotation = periodic(invoke, emulator, rule, cis)[acct]
    assert (kind, compliance) == ("AWS::::Account", "NON_COMPLIANT"), "a user does not count for IAM_ROLE"
    assert "No IAM role with a trusted entity has policy AWSSupportAccess" in annotation
    assert periodic(invoke, emulator, rule, {**cis, "policyUsageType": "ANY"})[acct][1] == "COMPLIANT"

    iam.create_role(RoleName="sample-support", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    iam.attach_role_policy(RoleName="sample-support", PolicyArn=SUPPORT_ACCESS)
    assert periodic(invoke, emulator, rule, cis)[acct] == ("AWS::::Account", "COMPLIANT", "IAM role sample-support has policy AWSSupportAccess attached.")

    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"policyUsageType": "IAM_ROLE"}))
    assert result.error_type == "InvalidParameterValueException" and "policyARN" in result.error_message
    assert emulator.wire(t) == []


def test_expired_server_certificates(emulator, sample, invoke):
    rule = "iam-server-certificate-expiration-check"
    assert periodic(invoke, emulator, rule) == {}
    iam = account.client(emulator.url, "iam")
    iam.upload_server_certificate(ServerCertificateName="sample-www", CertificateBody="-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", PrivateKey="-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----")
    # moto dates every certificate to expire on 2012-05-08.
    kind, compliance, annotation = periodic(invoke, emulator, rule)["sample-www"]
    assert (kind, compliance) == ("AWS::IAM::ServerCertificate", "NON_COMPLIANT") and "expired on 2012-05-08" in annotation


def test_cloudshell_full_access_on_users_groups_and_roles(emulator, managed_policies, sample, invoke):
    iam = account.client(emulator.url, "iam")
    rule = "iam-policy-blacklisted-check"
    cis = {"policyArns": CLOUDSHELL}
    iam.create_role(RoleName="sample-operator", AssumeRolePolicyDocument=TRUST_ACCOUNT)
    role_id = iam.get_role(RoleName="sample-operator")["Role"]["RoleId"]
    iam.attach_role_policy(RoleName="sample-operator", PolicyArn=CLOUDSHELL)
    iam.attach_user_policy(UserName="bob", PolicyArn=CLOUDSHELL)
    group_id = iam.create_group(GroupName="sample-readers")["Group"]["GroupId"]
    iam.attach_group_policy(GroupName="sample-readers", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")

    assert recorded_item(emulator.url, ROLE, role_id)["resourceId"] == role_id, "roles are recorded by role id"
    kind, compliance, annotation = changed(invoke, emulator, rule, ROLE, role_id, cis)
    assert (kind, compliance) == (ROLE, "NON_COMPLIANT") and "IAM role sample-operator has AWSCloudShellFullAccess" in annotation
    kind, compliance, annotation = changed(invoke, emulator, rule, USER, sample["bob"], cis)
    assert (kind, compliance) == (USER, "NON_COMPLIANT") and "IAM user bob" in annotation
    kind, compliance, annotation = changed(invoke, emulator, rule, GROUP, group_id, cis)
    assert (kind, compliance) == (GROUP, "COMPLIANT") and "Manual check:" in annotation
    assert changed(invoke, emulator, rule, USER, sample["alice"], cis)[1] == "COMPLIANT"

    excepted = {**cis, "exceptionList": "roles:[sample-operator]"}
    assert changed(invoke, emulator, rule, ROLE, role_id, excepted)[1] == "COMPLIANT"
    # Without parameters the forbidden policy is AdministratorAccess.
    iam.attach_group_policy(GroupName="sample-readers", PolicyArn=ADMIN_ACCESS)
    assert changed(invoke, emulator, rule, GROUP, group_id)[1] == "NON_COMPLIANT"
