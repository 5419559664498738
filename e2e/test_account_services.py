"""End to end: the account-level rules that read other AWS services (Account Management,
Organizations, S3 Control, Security Hub, EC2, Macie, IAM Access Analyzer), run as Lambda would
run them against the emulator, with verdicts read from the PutEvaluations calls on the wire.

What the emulator (moto) cannot model is covered by each rule's SDK-level tests instead:

* ``account:GetContactInformation`` is not implemented (404), so ``account-contact-details-configured``
  can only be shown to fail loudly here, naming the action, and never to report a verdict.
* IAM Access Analyzer has no backend (500), likewise.
* Macie reports ``ENABLED`` for an account that never enabled it, answers "not enabled" with
  ``ResourceNotFoundException`` only after ``DisableMacie`` (AWS answers AccessDeniedException
  "Macie is not enabled"), lacks ``GetAutomatedDiscoveryConfiguration`` and
  ``ListClassificationJobs`` (404), and writes session timestamps without a UTC offset (the
  emulator extension ``macie_timestamps.py`` sends them with ``Z``).
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

import account
from account import scheduled_event, token

ACCOUNT_TYPE = "AWS::::Account"


def verdict(emulator: Any, result_token: str) -> tuple[str, str]:
    """The one account-level evaluation sent with the token: (compliance, annotation)."""
    calls = emulator.wire(result_token)
    evaluations = [e for call in calls for e in call["evaluations"]]
    assert len(evaluations) == 1, evaluations
    [e] = evaluations
    assert (e["ComplianceResourceType"], e["ComplianceResourceId"]) == (ACCOUNT_TYPE, account.ACCOUNT)
    return e["ComplianceType"], e.get("Annotation", "")


def run(emulator: Any, invoke: Any, rule: str, params: dict[str, str] | None = None) -> tuple[str, str]:
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params=params))
    assert result.ok, result.error_message
    return verdict(emulator, t)


def fails(emulator: Any, invoke: Any, rule: str, action: str, params: dict[str, str] | None = None) -> str:
    """Runs the rule, expects an error naming ``action`` and no evaluation at all."""
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params=params))
    assert not result.ok, result.response
    assert action in (result.error_message or ""), result.error_message
    assert emulator.wire(t) == []
    return result.error_message or ""


def test_security_contact_is_required(emulator, sample, invoke):
    rule = "security-account-information-provided"
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "No SECURITY alternate contact" in annotation

    contacts = account.client(emulator.url, "account")
    contacts.put_alternate_contact(AlternateContactType="OPERATIONS", EmailAddress="ops@example.com", Name="Operations", PhoneNumber="+1 555 0100", Title="Ops")
    assert run(emulator, invoke, rule)[0] == "NON_COMPLIANT"

    contacts.put_alternate_contact(AlternateContactType="SECURITY", EmailAddress="security@example.com", Name="Security team", PhoneNumber="+1 555 0101", Title="Security")
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "COMPLIANT" and "Manual check:" in annotation

    contacts.delete_alternate_contact(AlternateContactType="SECURITY")
    assert run(emulator, invoke, rule)[0] == "NON_COMPLIANT"


def test_contact_details_are_an_error_where_the_primary_contact_cannot_be_read(emulator, sample, invoke):
    # moto lacks GetContactInformation: the rule must say so and report nothing, even though the
    # alternate contacts it could read are all there.
    contacts = account.client(emulator.url, "account")
    for kind in ("BILLING", "OPERATIONS", "SECURITY"):
        contacts.put_alternate_contact(AlternateContactType=kind, EmailAddress=f"{kind.lower()}@example.com", Name=kind.title(), PhoneNumber="+1 555 0100", Title=kind.title())
    fails(emulator, invoke, "account-contact-details-configured", "account:GetContactInformation")


def test_contact_details_reject_invalid_parameters_before_reading(emulator, sample, invoke):
    rule = "account-contact-details-configured"
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"requiredAlternateContactTypes": "BILLING,LEGAL"}))
    assert result.error_type == "InvalidParameterValueException" and "LEGAL" in (result.error_message or "")
    assert emulator.wire(t) == []


def test_organization_membership_and_management_account(emulator, sample, invoke):
    rule = "account-part-of-organizations"
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "not part of AWS Organizations" in annotation

    organization = account.client(emulator.url, "organizations").create_organization(FeatureSet="ALL")["Organization"]
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "COMPLIANT" and organization["Id"] in annotation and organization["MasterAccountId"] in annotation

    compliance, annotation = run(emulator, invoke, rule, {"MasterAccountId": "111122223333"})
    assert compliance == "NON_COMPLIANT" and "not 111122223333" in annotation
    assert run(emulator, invoke, rule, {"MasterAccountId": organization["MasterAccountId"]})[0] == "COMPLIANT"


def _put_account_block(url: str, **flags: bool) -> None:
    """Sets the account-level Block Public Access through S3 Control. boto3 puts the account id in
    front of the emulator's host just like the Rust SDK does, so the request is re-addressed to
    the emulator itself before it is signed."""
    s3control = account.client(url, "s3control")

    def unprefix(request: Any, **_: Any) -> None:
        request.url = request.url.replace(f"//{account.ACCOUNT}.", "//", 1)

    s3control.meta.events.register("before-sign.s3-control.*", unprefix)
    s3control.put_public_access_block(AccountId=account.ACCOUNT, PublicAccessBlockConfiguration=flags)


def test_account_level_public_access_block_through_s3_control(emulator, sample, invoke):
    rule = "s3-account-level-public-access-blocks-periodic"
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "no S3 Block Public Access configuration" in annotation

    _put_account_block(emulator.url, BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=False, RestrictPublicBuckets=False)
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "off for: BlockPublicPolicy, RestrictPublicBuckets." in annotation
    assert f"--account-id {account.ACCOUNT}" in annotation

    relaxed = {"BlockPublicPolicy": "False", "RestrictPublicBuckets": "false"}
    assert run(emulator, invoke, rule, relaxed)[0] == "COMPLIANT"

    _put_account_block(emulator.url, BlockPublicAcls=True, IgnorePublicAcls=True, BlockPublicPolicy=True, RestrictPublicBuckets=True)
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "COMPLIANT" and "All four" in annotation


def test_security_hub_enabled_in_the_region(emulator, sample, invoke):
    rule = "securityhub-enabled"
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and f"not enabled in {account.REGION}" in annotation

    account.client(emulator.url, "securityhub").enable_security_hub()
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "COMPLIANT" and account.REGION in annotation


def test_ebs_encryption_by_default_is_per_region(emulator, sample, invoke):
    rule = "ec2-ebs-encryption-by-default"
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and f"off in {account.REGION}" in annotation

    # The setting is per region: turning it on in another region changes nothing here.
    elsewhere = boto3.client("ec2", endpoint_url=emulator.url, region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    elsewhere.enable_ebs_encryption_by_default()
    assert run(emulator, invoke, rule)[0] == "NON_COMPLIANT"

    account.client(emulator.url, "ec2").enable_ebs_encryption_by_default()
    assert run(emulator, invoke, rule) == ("COMPLIANT", f"EBS encryption by default is on in {account.REGION}.")


@pytest.fixture
def macie(emulator: Any) -> Any:
    """A Macie client for the sample account (emulator_extensions/macie_timestamps.py makes moto
    send the session's timestamps in UTC, as AWS does)."""
    return account.client(emulator.url, "macie2")


def test_macie_status_follows_the_session(emulator, sample, invoke, macie):
    rule = "macie-status-check"
    macie.enable_macie(status="ENABLED")
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "COMPLIANT" and f"enabled in {account.REGION}" in annotation

    macie.disable_macie()
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "not enabled" in annotation

    macie.enable_macie(status="PAUSED")
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "suspended" in annotation


def test_macie_discovery_stops_early_or_fails_loudly(emulator, sample, invoke, macie):
    rule = "macie-sensitive-data-discovery-configured"
    macie.disable_macie()
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "not enabled" in annotation

    compliance, annotation = run(emulator, invoke, rule, {"externalToolAttested": "true"})
    assert compliance == "COMPLIANT" and "Manual check:" in annotation

    # Enabled and not a member: the next read is GetAutomatedDiscoveryConfiguration, which moto
    # lacks (404); the rule must fail naming it rather than guess.
    macie.enable_macie(status="ENABLED")
    fails(emulator, invoke, rule, "macie2:GetAutomatedDiscoveryConfiguration")

    # A member account: its Macie administrator (another account) runs discovery.
    administrator = account.client(emulator.url, "macie2", account.MEMBER_ACCOUNT)
    administrator.create_invitations(accountIds=[account.ACCOUNT])
    [invitation] = administrator.list_invitations()["invitations"]
    macie.accept_invitation(administratorAccountId=account.MEMBER_ACCOUNT, invitationId=invitation["invitationId"])
    compliance, annotation = run(emulator, invoke, rule)
    assert compliance == "COMPLIANT" and f"Macie administrator {account.MEMBER_ACCOUNT}" in annotation


def test_access_analyzer_is_an_error_where_it_cannot_be_read(emulator, sample, invoke):
    # moto has no IAM Access Analyzer: the rule must report nothing and name the action.
    fails(emulator, invoke, "iam-external-access-analyzer-enabled", "access-analyzer:ListAnalyzers")
