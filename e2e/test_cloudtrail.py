"""End to end: the CIS section 3 CloudTrail and AWS Config rules (3.1, 3.3, 3.4, 3.5, 3.8, 3.9),
run as Lambda binaries against the emulator.

The sample account has two trails that deliver to ``sample-trail-logs-<account>``: a multi-Region
trail (``sample-validated-trail``) and a single-Region one; moto creates trails stopped.

What moto cannot model, and where it is covered instead (the rules' and ``shared::cloudtrail``'s
SDK-level tests):
- ``GetEventSelectors`` with no selectors set: moto returns two empty lists where AWS returns its
  default management-events selector. The rules refuse to guess (an error, test below), so every
  logging trail here gets ``put_event_selectors`` first.
- ``GetEventSelectors`` outside the trail's home region: moto answers TrailNotFound even for the
  ARN. The rules call it in the home region, which the shadow-trail test below relies on.
- The configuration recorder's last status never leaves PENDING in moto, so a SUCCESS or FAILURE
  status, and service-linked recorders (moto has no ``servicePrincipal``), are SDK-level only.
- AWS Config's inventory has no ``ResourceDeleted`` bucket items in moto (a deleted bucket simply
  disappears), so "the trail's bucket was deleted" is SDK-level only.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

import account
from account import scheduled_event, token

CIS_3_1 = {"includeManagementEvents": "true", "readWriteType": "ALL"}
OTHER_REGION = "eu-west-1"


def regional(url: str, service: str, region: str) -> Any:
    """A boto3 client for the emulator in another region."""
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def run(emulator: Any, invoke: Any, rule: str, params: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Runs a scheduled evaluation; resource id → (compliance, annotation)."""
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params=params))
    assert result.ok, f"{result.error_type}: {result.error_message}"
    return {e["ComplianceResourceId"]: (e["ComplianceType"], e.get("Annotation", "")) for call in emulator.wire(t) for e in call["evaluations"]}


def account_verdict(emulator: Any, invoke: Any, rule: str, params: dict[str, str] | None = None) -> tuple[str, str]:
    results = run(emulator, invoke, rule, params)
    assert list(results) == [account.ACCOUNT], results
    return results[account.ACCOUNT]


def logging_trail(url: str, name: str, bucket: str, **selectors: Any) -> None:
    """A multi-Region trail with the given event selectors, logging."""
    trails = account.client(url, "cloudtrail")
    trails.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True)
    trails.put_event_selectors(TrailName=name, **selectors)
    trails.start_logging(Name=name)


ALL_MANAGEMENT = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}


# ---- 3.1 multi-region-cloudtrail-enabled ----------------------------------------------------------------------


def test_multi_region_trail_follows_logging_and_management_selectors(emulator, sample, invoke):
    rule = "multi-region-cloudtrail-enabled"
    bucket = sample["buckets"]["logs"]
    compliance, annotation = account_verdict(emulator, invoke, rule, CIS_3_1)
    assert compliance == "NON_COMPLIANT" and "trail sample-validated-trail is not logging" in annotation

    logging_trail(emulator.url, "cis-trail", bucket, **ALL_MANAGEMENT)
    compliance, annotation = account_verdict(emulator, invoke, rule, CIS_3_1)
    assert compliance == "COMPLIANT" and "Trail cis-trail" in annotation and bucket in annotation

    trails = account.client(emulator.url, "cloudtrail")
    trails.put_event_selectors(TrailName="cis-trail", EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    compliance, annotation = account_verdict(emulator, invoke, rule, CIS_3_1)
    assert compliance == "NON_COMPLIANT" and "does not record read management events" in annotation
    # The Well-Architected pack sets no parameters: write-only management events are enough there.
    assert account_verdict(emulator, invoke, rule)[0] == "COMPLIANT"

    trails.put_event_selectors(TrailName="cis-trail", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}])
    for params in (CIS_3_1, None):
        compliance, annotation = account_verdict(emulator, invoke, rule, params)
        assert compliance == "NON_COMPLIANT" and "excludes read management events from kms.amazonaws.com" in annotation

    trails.put_event_selectors(TrailName="cis-trail", AdvancedEventSelectors=[{"Name": "writes", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}])
    assert account_verdict(emulator, invoke, rule, CIS_3_1)[0] == "NON_COMPLIANT"
    trails.put_event_selectors(TrailName="cis-trail", AdvancedEventSelectors=[{"Name": "all", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    assert account_verdict(emulator, invoke, rule, CIS_3_1)[0] == "COMPLIANT"

    params = {**CIS_3_1, "s3BucketName": "central-trail-bucket"}
    compliance, annotation = account_verdict(emulator, invoke, rule, params)
    assert compliance == "NON_COMPLIANT" and f"sends to S3 bucket {bucket}, not central-trail-bucket" in annotation

    trails.stop_logging(Name="cis-trail")
    compliance, annotation = account_verdict(emulator, invoke, rule, CIS_3_1)
    assert compliance == "NON_COMPLIANT" and "is not logging" in annotation


def test_only_single_region_trails_are_not_enough(emulator, sample, invoke):
    trails = account.client(emulator.url, "cloudtrail")
    trails.delete_trail(Name="sample-validated-trail")
    compliance, annotation = account_verdict(emulator, invoke, "multi-region-cloudtrail-enabled", CIS_3_1)
    assert compliance == "NON_COMPLIANT" and "Only single-Region trails exist in us-east-1 (sample-unvalidated-trail)" in annotation


def test_a_trail_homed_in_another_region_is_read_there(emulator, sample, invoke):
    """A multi-Region trail homed in eu-west-1 shows in us-east-1 as a shadow trail; its status and
    selectors are read in eu-west-1 by ARN (moto refuses GetEventSelectors anywhere else)."""
    s3 = regional(emulator.url, "s3", OTHER_REGION)
    s3.create_bucket(Bucket="eu-trail-logs", CreateBucketConfiguration={"LocationConstraint": OTHER_REGION})
    eu = regional(emulator.url, "cloudtrail", OTHER_REGION)
    eu.create_trail(Name="eu-home-trail", S3BucketName="eu-trail-logs", IsMultiRegionTrail=True)
    eu.put_event_selectors(
        TrailName="eu-home-trail",
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}],
    )
    eu.start_logging(Name="eu-home-trail")
    shadow = [t for t in account.client(emulator.url, "cloudtrail").describe_trails(includeShadowTrails=True)["trailList"] if t["Name"] == "eu-home-trail"]
    assert shadow and shadow[0]["HomeRegion"] == OTHER_REGION

    compliance, annotation = account_verdict(emulator, invoke, "multi-region-cloudtrail-enabled", CIS_3_1)
    assert compliance == "COMPLIANT" and "eu-home-trail" in annotation
    for rule in ("cloudtrail-all-write-s3-data-event-check", "cloudtrail-all-read-s3-data-event-check"):
        compliance, annotation = account_verdict(emulator, invoke, rule)
        assert compliance == "COMPLIANT" and "eu-home-trail" in annotation, rule
    # Per-trail rules leave the trail to the rule in its home region.
    assert "eu-home-trail" not in run(emulator, invoke, "cloud-trail-encryption-enabled")


def test_selectors_moto_cannot_answer_are_an_error_not_a_verdict(emulator, sample, invoke):
    """moto returns no selectors at all for a trail created without them (AWS returns its default
    selector); the rules say so instead of guessing, and report nothing."""
    account.client(emulator.url, "cloudtrail").start_logging(Name="sample-validated-trail")
    for rule in ("multi-region-cloudtrail-enabled", "cloudtrail-all-write-s3-data-event-check"):
        t = token(rule)
        result = invoke(rule, scheduled_event(rule, t, params=CIS_3_1 if rule.startswith("multi") else None))
        assert result.error_type == "InvalidData", result
        assert "no event selectors for trail" in result.error_message and "sample-validated-trail" in result.error_message
        assert emulator.wire(t) == []


# ---- 3.8 / 3.9 S3 object-level data events --------------------------------------------------------------------


def test_s3_data_events_need_all_buckets_and_the_direction(emulator, sample, invoke):
    write, read = "cloudtrail-all-write-s3-data-event-check", "cloudtrail-all-read-s3-data-event-check"
    bucket = sample["buckets"]["logs"]
    for rule in (write, read):
        compliance, annotation = account_verdict(emulator, invoke, rule)
        assert compliance == "NON_COMPLIANT" and "trail sample-validated-trail is not logging" in annotation

    s3_writes = {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}
    logging_trail(emulator.url, "data-trail", bucket, **s3_writes)
    compliance, annotation = account_verdict(emulator, invoke, write)
    assert compliance == "COMPLIANT" and "Trail data-trail" in annotation and "write events" in annotation
    compliance, annotation = account_verdict(emulator, invoke, read)
    assert compliance == "NON_COMPLIANT" and "does not record S3 object-level read events for all buckets" in annotation and "(Read or All)" in annotation

    trails = account.client(emulator.url, "cloudtrail")
    trails.put_event_selectors(TrailName="data-trail", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [{"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{bucket}/"]}]}])
    for rule in (write, read):
        assert account_verdict(emulator, invoke, rule)[0] == "NON_COMPLIANT", rule

    trails.put_event_selectors(TrailName="data-trail", AdvancedEventSelectors=[{"Name": "s3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}])
    for rule in (write, read):
        assert account_verdict(emulator, invoke, rule)[0] == "COMPLIANT", rule

    trails.put_event_selectors(TrailName="data-trail", AdvancedEventSelectors=[{"Name": "s3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, {"Field": "eventName", "Equals": ["PutObject", "GetObject"]}]}])
    for rule in (write, read):
        assert account_verdict(emulator, invoke, rule)[0] == "NON_COMPLIANT", rule


# ---- 3.5 cloud-trail-encryption-enabled ----------------------------------------------------------------------


def test_trail_encryption_per_trail(emulator, sample, invoke):
    key = account.client(emulator.url, "kms").create_key(Description="cloudtrail")["KeyMetadata"]["Arn"]
    account.client(emulator.url, "cloudtrail").create_trail(Name="encrypted-trail", S3BucketName=sample["buckets"]["logs"], KmsKeyId=key)
    rule = "cloud-trail-encryption-enabled"
    t = token(rule)
    assert invoke(rule, scheduled_event(rule, t)).ok
    evaluations = [e for call in emulator.wire(t) for e in call["evaluations"]]
    assert {e["ComplianceResourceType"] for e in evaluations} == {"AWS::CloudTrail::Trail"}
    results = {e["ComplianceResourceId"]: (e["ComplianceType"], e["Annotation"]) for e in evaluations}
    assert results["encrypted-trail"][0] == "COMPLIANT" and key in results["encrypted-trail"][1]
    for name in ("sample-validated-trail", "sample-unvalidated-trail"):
        assert results[name][0] == "NON_COMPLIANT" and "SSE-S3" in results[name][1]


# ---- 3.4 cloudtrail-s3-bucket-access-logging --------------------------------------------------------------------


def enable_recorder(url: str, region: str = account.REGION, **group: Any) -> None:
    config = regional(url, "config", region)
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{account.ACCOUNT}:role/config", "recordingGroup": group or {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-delivery"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def test_trail_bucket_access_logging_from_the_config_inventory(emulator, sample, invoke):
    rule = "cloudtrail-s3-bucket-access-logging"
    bucket = sample["buckets"]["logs"]
    results = run(emulator, invoke, rule)
    for name in ("sample-validated-trail", "sample-unvalidated-trail"):
        assert results[name][0] == "NON_COMPLIANT" and f"bucket {bucket}, which has no S3 server access logging" in results[name][1]

    s3 = account.client(emulator.url, "s3")
    s3.create_bucket(Bucket="access-logs-target", ACL="log-delivery-write")
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "access-logs-target", "TargetPrefix": "trail/"}})
    results = run(emulator, invoke, rule)
    for name in ("sample-validated-trail", "sample-unvalidated-trail"):
        compliance, annotation = results[name]
        assert compliance == "COMPLIANT" and "to access-logs-target" in annotation and "Manual check" in annotation


def test_trail_bucket_in_another_region_is_not_applicable_only_when_config_records_buckets(emulator, sample, invoke):
    rule = "cloudtrail-s3-bucket-access-logging"
    regional(emulator.url, "s3", OTHER_REGION).create_bucket(Bucket="eu-archive", CreateBucketConfiguration={"LocationConstraint": OTHER_REGION})
    account.client(emulator.url, "cloudtrail").create_trail(Name="archive-trail", S3BucketName="eu-archive")

    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t))
    assert result.error_type == "InvalidData" and "eu-archive" in result.error_message and "does not record AWS::S3::Bucket" in result.error_message
    assert emulator.wire(t) == []

    account.client(emulator.url, "s3").create_bucket(Bucket="config-delivery")
    enable_recorder(emulator.url)
    results = run(emulator, invoke, rule)
    compliance, annotation = results["archive-trail"]
    assert compliance == "NOT_APPLICABLE" and "does not record in this account and region" in annotation
    assert results["sample-validated-trail"][0] == "NON_COMPLIANT"


# ---- 3.3 config-recorder-enabled-all-regions -----------------------------------------------------------------


def test_config_recording_in_this_and_listed_regions(emulator, sample, invoke):
    rule = "config-recorder-enabled-all-regions"
    compliance, annotation = account_verdict(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "us-east-1: no configuration recorder" in annotation

    account.client(emulator.url, "s3").create_bucket(Bucket="config-delivery")
    enable_recorder(emulator.url)
    compliance, annotation = account_verdict(emulator, invoke, rule, {"globalResourceTypesRegion": "us-east-1"})
    assert compliance == "COMPLIANT" and "in us-east-1" in annotation and "Global types are recorded in us-east-1" in annotation
    assert "last status PENDING in us-east-1" in annotation  # moto never reports SUCCESS

    params = {"additionalRegions": OTHER_REGION}
    compliance, annotation = account_verdict(emulator, invoke, rule, params)
    assert compliance == "NON_COMPLIANT" and f"{OTHER_REGION}: no configuration recorder" in annotation and "us-east-1:" not in annotation

    enable_recorder(emulator.url, OTHER_REGION, allSupported=False, includeGlobalResourceTypes=False, resourceTypes=["AWS::S3::Bucket"])
    compliance, annotation = account_verdict(emulator, invoke, rule, params)
    assert compliance == "NON_COMPLIANT" and f"{OTHER_REGION}: recorder default records only selected resource types" in annotation

    enable_recorder(emulator.url, OTHER_REGION, allSupported=True, includeGlobalResourceTypes=False)
    compliance, annotation = account_verdict(emulator, invoke, rule, params)
    assert compliance == "COMPLIANT" and f"us-east-1, {OTHER_REGION}" in annotation and "Global types not checked" in annotation
    compliance, annotation = account_verdict(emulator, invoke, rule, {**params, "globalResourceTypesRegion": OTHER_REGION})
    assert compliance == "NON_COMPLIANT" and "does not record global resource types" in annotation

    account.client(emulator.url, "config").stop_configuration_recorder(ConfigurationRecorderName="default")
    compliance, annotation = account_verdict(emulator, invoke, rule)
    assert compliance == "NON_COMPLIANT" and "us-east-1: recorder default is stopped" in annotation


def test_config_recording_bad_region_parameter_is_an_error(emulator, sample, invoke):
    rule = "config-recorder-enabled-all-regions"
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params={"additionalRegions": "eu-west-1,Frankfurt"}))
    assert result.error_type == "InvalidParameterValueException" and "additionalRegions" in result.error_message
    assert emulator.wire(t) == []
