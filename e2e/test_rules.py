"""End to end: the real rule binaries, the real Lambda runtime loop, the real SDK clients, against
the emulator; verdicts are read from the PutEvaluations calls as they arrived on the wire."""

from __future__ import annotations

from typing import Any

import account
from account import change_event, oversized_event, recorded_item, scheduled_event, token

SG = "AWS::EC2::SecurityGroup"
BUCKET = "AWS::S3::Bucket"


def verdicts(emulator: Any, result_token: str) -> dict[str, tuple[str, str]]:
    """resource id → (compliance, annotation), from every PutEvaluations sent with the token."""
    out: dict[str, tuple[str, str]] = {}
    for call in emulator.wire(result_token):
        for e in call["evaluations"]:
            out[e["ComplianceResourceId"]] = (e["ComplianceType"], e.get("Annotation", ""))
    return out


def stored(emulator: Any, rule: str, *types: str) -> dict[str, str]:
    """resource id → compliance, as Config now holds it (GetComplianceDetailsByConfigRule, paged)."""
    config = account.client(emulator.url, "config")
    kwargs: dict[str, Any] = {"ConfigRuleName": rule, "Limit": 100}
    if types:
        kwargs["ComplianceTypes"] = list(types)
    out: dict[str, str] = {}
    while True:
        page = config.get_compliance_details_by_config_rule(**kwargs)
        for r in page["EvaluationResults"]:
            out[r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]] = r["ComplianceType"]
        if "NextToken" not in page:
            return out
        kwargs["NextToken"] = page["NextToken"]


def test_restricted_ssh_judges_each_changed_group(emulator, sample, invoke):
    groups = sample["groups"]
    results = {}
    for name, gid in groups.items():
        t = token("restricted-ssh")
        item = recorded_item(emulator.url, SG, gid)
        assert invoke("restricted-ssh", change_event("restricted-ssh", item, t)).ok
        [call] = emulator.wire(t)
        [evaluation] = call["evaluations"]
        assert call["test_mode"] is False
        assert abs(evaluation["OrderingTimestamp"] - item["configurationItemCaptureTime"].timestamp()) < 0.001
        results[name] = (evaluation["ComplianceType"], evaluation["Annotation"])
    assert results["ssh_open"][0] == "NON_COMPLIANT" and "TCP 22 from 0.0.0.0/0" in results["ssh_open"][1]
    assert results["ssh_ipv6"][0] == "NON_COMPLIANT" and "::/0" in results["ssh_ipv6"][1]
    assert results["ssh_private"][0] == "COMPLIANT"
    assert results["default"][0] == "COMPLIANT"


def test_deleted_or_out_of_scope_groups_become_not_applicable(emulator, sample, invoke):
    gid = sample["groups"]["ssh_open"]
    item = recorded_item(emulator.url, SG, gid)
    t = token("restricted-ssh")
    assert invoke("restricted-ssh", change_event("restricted-ssh", item, t, left_scope=True)).ok
    assert verdicts(emulator, t)[gid][0] == "NOT_APPLICABLE"
    deleted = {**item, "configurationItemStatus": "ResourceDeleted", "configuration": None}
    t = token("restricted-ssh")
    assert invoke("restricted-ssh", change_event("restricted-ssh", deleted, t)).ok
    assert verdicts(emulator, t)[gid] == ("NOT_APPLICABLE", "The resource was deleted.")


def test_periodic_sweep_evaluates_every_recorded_group_then_clears_deleted_ones(emulator, sample, invoke):
    groups = sample["groups"]
    first = token("restricted-ssh")
    assert invoke("restricted-ssh", scheduled_event("restricted-ssh", first)).ok
    assert stored(emulator, "restricted-ssh") == {
        groups["ssh_open"]: "NON_COMPLIANT",
        groups["ssh_ipv6"]: "NON_COMPLIANT",
        groups["ssh_private"]: "COMPLIANT",
        groups["default"]: "COMPLIANT",
    }
    account.client(emulator.url, "ec2").delete_security_group(GroupId=groups["ssh_open"])
    second = token("restricted-ssh")
    result = invoke("restricted-ssh", scheduled_event("restricted-ssh", second))
    assert result.ok and result.response["staleCleared"] == 1
    assert verdicts(emulator, second)[groups["ssh_open"]][0] == "NOT_APPLICABLE"
    assert stored(emulator, "restricted-ssh", "NON_COMPLIANT") == {groups["ssh_ipv6"]: "NON_COMPLIANT"}


def test_large_sweeps_are_sent_in_chunks_of_at_most_100(emulator, sample, invoke):
    ec2 = account.client(emulator.url, "ec2")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for i in range(150):
        ec2.create_security_group(GroupName=f"bulk-{i:03}", Description="bulk", VpcId=vpc)
    t = token("restricted-ssh")
    assert invoke("restricted-ssh", scheduled_event("restricted-ssh", t)).ok
    sizes = [len(call["evaluations"]) for call in emulator.wire(t)]
    assert sizes == [100, 54]
    assert len(stored(emulator, "restricted-ssh")) == 154
    again = token("restricted-ssh")
    result = invoke("restricted-ssh", scheduled_event("restricted-ssh", again))
    assert result.ok and result.response["staleCleared"] == 0


def test_oversized_notifications_are_evaluated_on_the_recorded_bucket(emulator, sample, invoke):
    buckets = sample["buckets"]
    expected = {"secure": "COMPLIANT", "open": "NON_COMPLIANT", "allow_only": "NON_COMPLIANT"}
    for key, compliance in expected.items():
        item = recorded_item(emulator.url, BUCKET, buckets[key])
        t = token("s3-bucket-ssl-requests-only")
        assert invoke("s3-bucket-ssl-requests-only", oversized_event("s3-bucket-ssl-requests-only", item, t)).ok
        assert verdicts(emulator, t)[buckets[key]][0] == compliance, key


def test_bucket_change_notification(emulator, sample, invoke):
    bucket = sample["buckets"]["open"]
    t = token("s3-bucket-ssl-requests-only")
    result = invoke("s3-bucket-ssl-requests-only", change_event("s3-bucket-ssl-requests-only", recorded_item(emulator.url, BUCKET, bucket), t))
    assert result.ok
    compliance, annotation = verdicts(emulator, t)[bucket]
    assert compliance == "NON_COMPLIANT" and "no bucket policy" in annotation


def test_password_policy_follows_the_account(emulator, sample, invoke):
    rule = "iam-password-policy"
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    compliance, annotation = verdicts(emulator, t)[account.ACCOUNT]
    assert compliance == "NON_COMPLIANT" and "minimum length is 8, needs 14" in annotation
    assert emulator.wire(t)[0]["evaluations"][0]["ComplianceResourceType"] == "AWS::::Account"

    iam = account.client(emulator.url, "iam")
    iam.update_account_password_policy(MinimumPasswordLength=16, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True, MaxPasswordAge=60, PasswordReusePrevention=24)
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    assert verdicts(emulator, t)[account.ACCOUNT][0] == "COMPLIANT"

    iam.delete_account_password_policy()
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    assert "no IAM password policy" in verdicts(emulator, t)[account.ACCOUNT][1]


def test_mfa_verdicts_are_reported_by_user_id(emulator, sample, invoke):
    rule = "mfa-enabled-for-iam-console-access"
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    results = verdicts(emulator, t)
    assert results[sample["alice"]][0] == "COMPLIANT"
    assert results[sample["bob"]][0] == "NON_COMPLIANT" and "bob" in results[sample["bob"]][1]
    assert results[sample["ci-bot"]][0] == "NOT_APPLICABLE"
    assert {e["ComplianceResourceType"] for call in emulator.wire(t) for e in call["evaluations"]} == {"AWS::IAM::User"}


def test_trail_log_file_validation_per_trail(emulator, sample, invoke):
    rule = "cloud-trail-log-file-validation-enabled"
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    results = verdicts(emulator, t)
    assert results["sample-validated-trail"][0] == "COMPLIANT"
    assert results["sample-unvalidated-trail"][0] == "NON_COMPLIANT"


def test_invalid_parameter_is_an_error_naming_it_and_nothing_is_reported(emulator, sample, invoke):
    rule = "iam-password-policy"
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"MinimumPasswordLength": "fourteen"}))
    assert result.error_type == "InvalidParameterValueException"
    assert "MinimumPasswordLength" in result.error_message and "fourteen" in result.error_message
    assert emulator.wire(t) == []


def test_malformed_event_is_an_error_and_nothing_is_reported(emulator, sample, invoke):
    rule = "restricted-ssh"
    t = token(rule)
    event = scheduled_event(rule, t)
    event["invokingEvent"] = event["invokingEvent"][:-5]
    result = invoke(rule, event)
    assert result.error_type == "InvalidEvent" and "invokingEvent is not valid JSON" in result.error_message
    assert emulator.wire(t) == []


def test_snapshot_delivery_is_unsupported_and_reports_nothing(emulator, sample, invoke):
    rule = "restricted-ssh"
    t = token(rule)
    event = scheduled_event(rule, t)
    event["invokingEvent"] = '{"configSnapshotId": "x", "s3ObjectKey": "k", "s3Bucket": "b", "notificationCreationTime": "2026-11-20T10:00:00Z", "messageType": "ConfigurationSnapshotDeliveryCompleted", "recordVersion": "1.1"}'
    result = invoke(rule, event)
    assert result.ok and result.response["status"] == "unsupported"
    assert emulator.wire(t) == []


def test_testmode_reports_in_test_mode_and_stores_nothing(emulator, sample, invoke):
    rule = "cloud-trail-log-file-validation-enabled"
    result = invoke(rule, scheduled_event(rule, "TESTMODE"))
    assert result.ok and result.response["testMode"] is True
    calls = emulator.wire("TESTMODE")
    assert calls and all(call["test_mode"] for call in calls)
    assert stored(emulator, "TESTMODE") == {}


def test_execution_role_evaluates_and_reports_in_the_member_account(emulator, sample, invoke):
    member = account.MEMBER_ACCOUNT
    iam = account.client(emulator.url, "iam", member)
    iam.update_account_password_policy(MinimumPasswordLength=20, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True, MaxPasswordAge=30, PasswordReusePrevention=24)
    iam.create_role(RoleName="config-rules-execution", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}')
    rule = "iam-password-policy"
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"ExecutionRoleName": "config-rules-execution"}, account=member))
    assert result.ok, result.error_message
    [call] = emulator.wire(t)
    assert call["account"] == member
    assert verdicts(emulator, t) == {member: ("COMPLIANT", "The IAM password policy meets every requirement of this rule.")}


def test_one_warm_environment_serves_many_invocations(emulator, sample, invoke):
    rule = "iam-password-policy"
    for _ in range(3):
        assert invoke(rule, scheduled_event(rule, token(rule))).ok
