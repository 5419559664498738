"""End to end: the IAM rules that read the credential report (CIS 1.6, 1.10, 1.11, 1.12, 1.13 and
1.20), as real binaries against the emulator, verdicts read from the PutEvaluations calls.

moto builds its credential report from its IAM model, with every date "now" and no root row. The
emulator runs in this process, so where a case needs an old date the test backdates moto's model
objects directly (``backdate_*``; the report then carries the old date exactly as IAM would), and
the root-user test adds a ``<root_account>`` row to the report for its duration only. Exact
boundaries (45 days, 90 days, one second either side) are covered by the rules' fixture tests.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.iam import models as iam_models

import account
from account import ACCOUNT, REGION, scheduled_event, token

USER = "AWS::IAM::User"


@pytest.fixture
def iam(emulator: Any) -> Any:
    """An empty account (no sample resources) and an IAM client for it."""
    emulator.reset()
    return account.client(emulator.url, "iam")


def run(emulator: Any, invoke: Any, rule: str, params: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Runs a scheduled evaluation; resource id → (compliance, annotation) as sent to Config.
    Every rule here reports on IAM users by user id, except the root rule (on the account)."""
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params=params))
    assert result.ok, result.error_message
    expected_type = "AWS::::Account" if rule == "iam-root-user-no-recent-usage" else USER
    out: dict[str, tuple[str, str]] = {}
    for call in emulator.wire(t):
        for e in call["evaluations"]:
            assert e["ComplianceResourceType"] == expected_type, e
            out[e["ComplianceResourceId"]] = (e["ComplianceType"], e.get("Annotation", ""))
    return out


def user(iam: Any, name: str, *, password: bool = False, keys: int = 0, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """Creates a user; returns its id and the access keys created for it."""
    created = iam.create_user(UserName=name, Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])["User"]
    if password:
        iam.create_login_profile(UserName=name, Password="Sample-Passw0rd-123!")
    return {"id": created["UserId"], "keys": [iam.create_access_key(UserName=name)["AccessKey"] for _ in range(keys)]}


def use_key(emulator: Any, key: dict[str, Any]) -> None:
    """Signs one request with the access key, so IAM records it as used now."""
    boto3.client(
        "sts",
        endpoint_url=emulator.url,
        region_name=REGION,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
        config=Config(retries={"max_attempts": 1}),
    ).get_caller_identity()


def _model_user(name: str) -> Any:
    return iam_models.iam_backends[ACCOUNT]["aws"].users[name]


def _days_ago(days: float) -> datetime:
    # moto keeps naive UTC datetimes.
    return datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=days)


def backdate_user(name: str, days: float) -> None:
    """The user was created ``days`` ago (user_creation_time, and moto's password_last_changed)."""
    _model_user(name).create_date = _days_ago(days)


def backdate_key(name: str, slot: int, days: float) -> None:
    """The user's access key ``slot`` (1 or 2) was created ``days`` ago."""
    _model_user(name).access_keys[slot - 1].create_date = _days_ago(days)


def backdate_password_use(name: str, days: float) -> None:
    """The user last signed in with the password ``days`` ago (no API sets this in moto)."""
    _model_user(name).password_last_used = _days_ago(days)


def test_single_active_access_key_per_user(emulator, invoke, iam):
    rule = "iam-user-single-active-access-key"
    rotating = user(iam, "rotating", keys=2)
    steady = user(iam, "steady", keys=1)
    console = user(iam, "console-only", password=True)
    results = run(emulator, invoke, rule)
    assert results[rotating["id"]][0] == "NON_COMPLIANT" and "2 active access keys" in results[rotating["id"]][1]
    assert results[steady["id"]][0] == "COMPLIANT"
    assert results[console["id"]][0] == "NOT_APPLICABLE"
    assert len(results) == 3

    # Finishing the rotation: the old key is deactivated. The deleted user's old result is cleared.
    iam.update_access_key(UserName="rotating", AccessKeyId=rotating["keys"][0]["AccessKeyId"], Status="Inactive")
    iam.delete_access_key(UserName="steady", AccessKeyId=steady["keys"][0]["AccessKeyId"])
    iam.delete_user(UserName="steady")
    results = run(emulator, invoke, rule)
    assert results[rotating["id"]][0] == "COMPLIANT"
    assert results[steady["id"]][0] == "NOT_APPLICABLE"


def test_access_keys_rotated_by_key_age(emulator, invoke, iam):
    rule = "access-keys-rotated"
    fresh = user(iam, "fresh", keys=1)
    old = user(iam, "old", keys=2)
    keyless = user(iam, "keyless", password=True)
    backdate_key("old", 1, 91)
    backdate_key("old", 2, 89)
    cis = {"maxAccessKeyAge": "90"}
    results = run(emulator, invoke, rule, cis)
    assert results[fresh["id"]][0] == "COMPLIANT"
    compliance, annotation = results[old["id"]]
    assert compliance == "NON_COMPLIANT" and "key 1 created" in annotation and "(91 days ago)" in annotation
    assert "key 2" not in annotation and "older than 90 days" in annotation
    assert results[keyless["id"]][0] == "NOT_APPLICABLE"

    # Rotated: the old key is deactivated (inactive keys are not judged).
    iam.update_access_key(UserName="old", AccessKeyId=old["keys"][0]["AccessKeyId"], Status="Inactive")
    assert run(emulator, invoke, rule, cis)[old["id"]][0] == "COMPLIANT"

    # maxAccessKeyAge 0: any key older than 0 s fails (the report's dates have whole seconds).
    time.sleep(1.1)
    results = run(emulator, invoke, rule, {"maxAccessKeyAge": "0"})
    assert results[fresh["id"]][0] == "NON_COMPLIANT" and "older than 0 days" in results[fresh["id"]][1]


def test_unused_credentials_by_last_use(emulator, invoke, iam):
    rule = "iam-user-unused-credentials-check"
    cis = {"maxCredentialUsageAge": "45"}
    person = user(iam, "person", password=True)
    service = user(iam, "service", keys=1)
    idle = user(iam, "idle", keys=1)
    iam.update_access_key(UserName="idle", AccessKeyId=idle["keys"][0]["AccessKeyId"], Status="Inactive")
    # New credentials that were never used count from when they were set: now.
    results = run(emulator, invoke, rule, cis)
    assert results[person["id"]][0] == "COMPLIANT" and "last 45 days" in results[person["id"]][1]
    assert results[service["id"]][0] == "COMPLIANT"
    assert results[idle["id"]][0] == "NOT_APPLICABLE"

    # maxCredentialUsageAge 0: every enabled credential is unused for "0 days or more".
    results = run(emulator, invoke, rule, {"maxCredentialUsageAge": "0"})
    assert results[person["id"]][0] == "NON_COMPLIANT" and "password unused since set" in results[person["id"]][1]
    assert results[service["id"]][0] == "NON_COMPLIANT" and "key 1 unused since created" in results[service["id"]][1]

    # Old dates: the password was last used 46 days ago; the key was created 60 days ago, never used.
    backdate_password_use("person", 46)
    backdate_key("service", 1, 60)
    results = run(emulator, invoke, rule, cis)
    assert results[person["id"]][0] == "NON_COMPLIANT" and "password last used" in results[person["id"]][1]
    assert results[service["id"]][0] == "NON_COMPLIANT" and "key 1 unused since created" in results[service["id"]][1]
    # With AWS's default of 90 days both pass.
    results = run(emulator, invoke, rule)
    assert results[person["id"]][0] == results[service["id"]][0] == "COMPLIANT"

    # The key is used again: its last use (now) counts, not its age.
    use_key(emulator, service["keys"][0])
    results = run(emulator, invoke, rule, cis)
    assert results[service["id"]][0] == "COMPLIANT"


def test_no_unused_access_key_from_initial_setup(emulator, invoke, iam):
    rule = "iam-user-no-unused-initial-access-key"
    new_hire = user(iam, "new-hire", password=True, keys=1)
    used = user(iam, "used-key", password=True, keys=1)
    service = user(iam, "service", keys=1)
    later = user(iam, "later-key", password=True)
    backdate_user("later-key", 2)
    iam.create_access_key(UserName="later-key")
    use_key(emulator, used["keys"][0])
    results = run(emulator, invoke, rule)
    compliance, annotation = results[new_hire["id"]]
    assert compliance == "NON_COMPLIANT" and "access key 1, created at user setup and never used" in annotation
    assert results[used["id"]][0] == "COMPLIANT" and "Manual check:" in results[used["id"]][1]
    assert results[service["id"]][0] == "NOT_APPLICABLE"
    # Created two days after the user: not a setup key (an unused one is 1.11's job).
    assert results[later["id"]][0] == "COMPLIANT"

    # Deleting the setup key fixes it.
    iam.delete_access_key(UserName="new-hire", AccessKeyId=new_hire["keys"][0]["AccessKeyId"])
    assert run(emulator, invoke, rule)[new_hire["id"]][0] == "COMPLIANT"


ROOT_ROW = "<root_account>,arn:aws:iam::{account}:root,2019-01-01T00:00:00+00:00,not_supported,{password},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"


def test_root_user_recent_usage(emulator, invoke, iam, monkeypatch):
    rule = "iam-root-user-no-recent-usage"
    user(iam, "alice", password=True)
    # moto's report has no root row: nothing to review.
    compliance, annotation = run(emulator, invoke, rule)[ACCOUNT]
    assert compliance == "NOT_APPLICABLE" and "no root user row" in annotation

    # The root row AWS always writes, with the root password last used at a given time.
    last_used = {"value": "no_information"}
    original = iam_models.IAMBackend.get_credential_report

    def with_root_row(self: Any) -> str:
        header, _, users = original(self).partition("\n")
        return f"{header}\n{ROOT_ROW.format(account=self.account_id, password=last_used['value'])}{users}"

    monkeypatch.setattr(iam_models.IAMBackend, "get_credential_report", with_root_row)
    compliance, annotation = run(emulator, invoke, rule)[ACCOUNT]
    assert compliance == "COMPLIANT" and "no recorded use" in annotation

    two_days_ago = _days_ago(2).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    last_used["value"] = two_days_ago
    results = run(emulator, invoke, rule, {"rootUsageLookbackDays": "30"})
    assert list(results) == [ACCOUNT]
    compliance, annotation = results[ACCOUNT]
    assert compliance == "NON_COMPLIANT" and f"(password {two_days_ago[:10]})" in annotation and "Manual check:" in annotation

    last_used["value"] = _days_ago(40).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert run(emulator, invoke, rule)[ACCOUNT][0] == "COMPLIANT"


def test_people_are_not_iam_users_outside_the_identity_account(emulator, invoke, iam):
    rule = "iam-user-centralized-management-check"
    person = user(iam, "person", password=True)
    robot = user(iam, "robot", keys=1)
    ci = user(iam, "ci", password=True, tags={"user-type": "service"})
    break_glass = user(iam, "break-glass", password=True)

    results = run(emulator, invoke, rule)
    assert results[person["id"]][0] == "NON_COMPLIANT" and "IAM Identity Center" in results[person["id"]][1]
    assert results[robot["id"]][0] == "COMPLIANT" and "Manual check:" in results[robot["id"]][1]
    assert results[ci["id"]][0] == results[break_glass["id"]][0] == "NON_COMPLIANT"

    results = run(emulator, invoke, rule, {"serviceUserTag": "user-type=service", "exemptUserNames": "Break-Glass"})
    assert results[ci["id"]][0] == "COMPLIANT" and "user-type=service" in results[ci["id"]][1]
    assert results[break_glass["id"]][0] == "COMPLIANT" and "exempt" in results[break_glass["id"]][1]
    compliance, annotation = results[person["id"]]
    assert compliance == "NON_COMPLIANT" and "or tag it user-type=service" in annotation

    results = run(emulator, invoke, rule, {"identityAccountIds": f"111122223333,{ACCOUNT}"})
    assert {c for c, _ in results.values()} == {"NOT_APPLICABLE"} and len(results) == 4

    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"identityAccountIds": "12345"}))
    assert result.error_type == "InvalidParameterValueException" and "identityAccountIds" in result.error_message
    assert emulator.wire(t) == []
