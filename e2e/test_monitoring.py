"""End to end: the CIS section 4 monitoring rules (4.1–4.15, ``shared::monitoring``), run as Lambda
binaries against the emulator.

Each test builds the whole chain in the emulator: a multi-Region trail that is logging, records
all management events and sends them to a CloudWatch Logs log group; metric filters on that log
group with the CIS patterns (as printed, rewritten equivalently, broader, too narrow); alarms on
their metrics (made with boto3 over JSON, and one over Smithy RPC v2 CBOR); SNS topics with a
confirmed subscription. The rules read CloudWatch with the Rust SDK, which speaks RPC v2 CBOR to
``emulator_extensions/cloudwatch_cbor.py``; these are the first tests of that shim with the real
Rust client.

What moto cannot model, and where it is covered instead (``shared::monitoring``'s tests):
- A subscription pending confirmation: moto confirms every subscription at once. The test below
  turns one into ``PendingConfirmation`` in moto's own state (the emulator runs in this process),
  so the rule reads it over the wire as AWS would send it.
- A log group that does not exist: moto answers ``DescribeMetricFilters`` with no filters rather
  than ResourceNotFoundException (here the rule then reports "no metric filter").
- A topic of another account that refuses ``ListSubscriptionsByTopic``, metric filters with field
  selection criteria, transformed logs or dimensions, alarms with dimensions, and pagination of
  every call: moto has no access control and stores none of those settings.
- ``GetEventSelectors`` without selectors (moto returns none; ``shared::cloudtrail`` refuses to
  guess): every trail here gets ``put_event_selectors`` first.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.model
import pytest
from botocore.config import Config
from moto.sns.models import sns_backends

import account
from account import ACCOUNT, REGION, scheduled_event, token

OTHER_REGION = "eu-west-1"
NAMESPACE = "CISBenchmark"
LOG_GROUP = "cis-trail-logs"

RULES = {
    "4.1": "cloudwatch-alarm-unauthorized-api-calls",
    "4.3": "cloudwatch-alarm-root-account-usage",
    "4.4": "cloudwatch-alarm-iam-policy-changes",
    "4.5": "cloudwatch-alarm-cloudtrail-config-changes",
    "4.6": "cloudwatch-alarm-console-auth-failures",
    "4.7": "cloudwatch-alarm-cmk-disable-or-deletion",
    "4.8": "cloudwatch-alarm-s3-bucket-policy-changes",
    "4.9": "cloudwatch-alarm-config-changes",
    "4.10": "cloudwatch-alarm-security-group-changes",
    "4.12": "cloudwatch-alarm-network-gateway-changes",
    "4.13": "cloudwatch-alarm-route-table-changes",
}

# The benchmark's audit literals (and variants) that the tests put in metric filters.
ROOT_4_3 = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
CLOUDTRAIL_4_5_REWRITTEN = '{ $.eventName = "StopLogging" || $.eventName = "StartLogging" || $.eventName = "DeleteTrail" || $.eventName = "UpdateTrail" || $.eventName = "CreateTrail" }'
IAM_4_4 = (
    "{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || "
    "($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || "
    "($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || "
    "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy) }"
)
KMS_4_7 = "{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion)) }"
S3_4_8 = (
    "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || "
    "($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || "
    "($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"
)
CONFIG_4_9 = (
    "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||"
    "($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }"
)
# The pattern of CIS v1.x and v2.x, before ModifySecurityGroupRules was added: too narrow for v5.0.0.
SECURITY_GROUPS_OLD = (
    "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || "
    "($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"
)
GATEWAYS_4_12 = (
    "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || "
    "($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"
)
# The 4.13 remediation command's pattern (quoting repaired): without the eventSource condition, broader than the audit's.
ROUTES_4_13_BROADER = (
    "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || "
    "($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"
)


def regional(url: str, service: str, region: str) -> Any:
    return boto3.client(
        service, endpoint_url=url, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
    )


def cbor_cloudwatch(url: str, region: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """botocore's CloudWatch client forced onto Smithy RPC v2 CBOR, the Rust SDK's protocol."""
    with monkeypatch.context() as m:
        m.setattr(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", ("smithy-rpc-v2-cbor", "json", "query"))
        client = regional(url, "cloudwatch", region)
        assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    return client


def group_arn(name: str, region: str = REGION, owner: str = ACCOUNT) -> str:
    return f"arn:aws:logs:{region}:{owner}:log-group:{name}:*"


class Chain:
    """Builds the chain in one region of the emulator."""

    def __init__(self, url: str, region: str = REGION):
        self.url, self.region = url, region
        self.logs = regional(url, "logs", region)
        self.cloudwatch = regional(url, "cloudwatch", region)
        self.sns = regional(url, "sns", region)

    def log_group(self, name: str = LOG_GROUP) -> str:
        self.logs.create_log_group(logGroupName=name)
        return group_arn(name, self.region)

    def topic(self, name: str, pending: bool = False) -> str:
        """A topic with one email subscription, confirmed unless ``pending``."""
        arn = self.sns.create_topic(Name=name)["TopicArn"]
        subscription = self.sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="security@example.com")["SubscriptionArn"]
        if pending:
            # moto confirms every subscription; AWS lists an unconfirmed one as PendingConfirmation.
            sns_backends[ACCOUNT][self.region].subscriptions[subscription].arn = "PendingConfirmation"
        return arn

    def filter(self, name: str, pattern: str, metric: str, log_group: str = LOG_GROUP) -> None:
        self.logs.put_metric_filter(
            logGroupName=log_group, filterName=name, filterPattern=pattern,
            metricTransformations=[{"metricName": metric, "metricNamespace": NAMESPACE, "metricValue": "1"}],
        )

    def alarm(self, name: str, metric: str, topic: str, namespace: str = NAMESPACE, enabled: bool = True, client: Any = None) -> None:
        (client or self.cloudwatch).put_metric_alarm(
            AlarmName=name, MetricName=metric, Namespace=namespace, Statistic="Sum", Period=300, EvaluationPeriods=1,
            Threshold=1.0, ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
            ActionsEnabled=enabled, AlarmActions=[topic],
        )


def logging_trail(url: str, name: str, bucket: str, log_group_arn: str | None, selectors: dict[str, Any] | None = None) -> None:
    trails = account.client(url, "cloudtrail")
    extra = {"CloudWatchLogsLogGroupArn": log_group_arn, "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs"} if log_group_arn else {}
    trails.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=True, **extra)
    trails.put_event_selectors(TrailName=name, **(selectors or {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}))
    trails.start_logging(Name=name)


def verdict(emulator: Any, invoke: Any, cis: str, params: dict[str, str] | None = None) -> tuple[str, str]:
    """Runs the rule of a CIS control on a schedule; its one evaluation of the account."""
    rule = RULES[cis]
    t = token(rule)
    result = invoke(rule, scheduled_event(rule, t, params=params))
    assert result.ok, f"{rule}: {result.error_type}: {result.error_message}"
    evaluations = [e for call in emulator.wire(t) for e in call["evaluations"]]
    assert [(e["ComplianceResourceType"], e["ComplianceResourceId"]) for e in evaluations] == [("AWS::::Account", ACCOUNT)], evaluations
    return evaluations[0]["ComplianceType"], evaluations[0].get("Annotation", "")


def expect(emulator: Any, invoke: Any, cis: str, compliance: str, *mentions: str, params: dict[str, str] | None = None) -> str:
    got, annotation = verdict(emulator, invoke, cis, params)
    assert got == compliance, f"CIS {cis}: {got}: {annotation}"
    for m in mentions:
        assert m in annotation, f"CIS {cis}: {m!r} not in {annotation!r}"
    return annotation


@pytest.fixture
def monitored(emulator: Any, sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Chain:
    """The sample account plus a trail logging to cis-trail-logs, and one metric filter per case."""
    chain = Chain(emulator.url)
    logging_trail(emulator.url, "cis-trail", sample["buckets"]["logs"], chain.log_group())
    alerts = chain.topic("cis-alerts")
    waiting = chain.topic("cis-waiting", pending=True)

    chain.filter("cis-4.3-root", ROOT_4_3, "RootAccountUsage")
    chain.alarm("cis-4.3-root", "RootAccountUsage", alerts)
    chain.filter("cis-4.5-cloudtrail", CLOUDTRAIL_4_5_REWRITTEN, "CloudTrailChanges")
    chain.alarm("cis-4.5-cloudtrail", "CloudTrailChanges", alerts)
    chain.filter("cis-4.13-routes", ROUTES_4_13_BROADER, "RouteTableChanges")
    # This alarm is made the way the Rust SDK would make it: over RPC v2 CBOR.
    chain.alarm("cis-4.13-routes", "RouteTableChanges", alerts, client=cbor_cloudwatch(emulator.url, REGION, monkeypatch))
    chain.filter("cis-4.10-security-groups", SECURITY_GROUPS_OLD, "SecurityGroupChanges")
    chain.alarm("cis-4.10-security-groups", "SecurityGroupChanges", alerts)
    chain.filter("cis-4.4-iam", IAM_4_4, "IamPolicyChanges")
    chain.alarm("cis-4.4-iam", "IamPolicyChanges", waiting)
    chain.filter("cis-4.7-kms", KMS_4_7, "KmsKeyChanges")
    chain.alarm("cis-4.7-kms", "KmsKeyChanges", alerts, namespace="Custom")
    chain.filter("cis-4.8-s3", S3_4_8, "S3PolicyChanges")
    chain.alarm("cis-4.8-s3", "S3PolicyChanges", alerts, enabled=False)
    chain.filter("cis-4.9-config", CONFIG_4_9, "ConfigChanges")
    chain.filter("cis-4.12-gateways", GATEWAYS_4_12, "GatewayChanges")
    chain.alarm("cis-4.12-gateways", "GatewayChanges", f"arn:aws:sns:{REGION}:{ACCOUNT}:deleted-alerts")
    return chain


def test_complete_chains_are_compliant_whatever_the_spelling_of_the_pattern(emulator, monitored, invoke):
    expect(emulator, invoke, "4.3", "COMPLIANT", "Trail cis-trail → log group cis-trail-logs → metric filter cis-4.3-root (CIS pattern) → alarm cis-4.3-root → SNS topic cis-alerts", "Manual check")
    expect(emulator, invoke, "4.5", "COMPLIANT", "metric filter cis-4.5-cloudtrail (equivalent to the CIS pattern)")
    expect(emulator, invoke, "4.13", "COMPLIANT", "metric filter cis-4.13-routes (broader than the CIS pattern)")


def test_each_broken_link_is_named(emulator, monitored, invoke):
    expect(emulator, invoke, "4.6", "NON_COMPLIANT", "No metric filter on log group cis-trail-logs catches console authentication failures (CIS 4.6)")
    expect(emulator, invoke, "4.10", "NON_COMPLIANT", 'Metric filter cis-4.10-security-groups misses security group changes such as $.eventName = "ModifySecurityGroupRules"')
    expect(emulator, invoke, "4.9", "NON_COMPLIANT", "No alarm watches metric ConfigChanges (CISBenchmark) of metric filter cis-4.9-config")
    expect(emulator, invoke, "4.7", "NON_COMPLIANT", "Alarm cis-4.7-kms watches metric KmsKeyChanges in namespace Custom, but metric filter cis-4.7-kms publishes it in CISBenchmark")
    expect(emulator, invoke, "4.8", "NON_COMPLIANT", "Alarm cis-4.8-s3 on metric S3PolicyChanges has its actions disabled")
    expect(emulator, invoke, "4.8", "COMPLIANT", "alarm cis-4.8-s3", params={"RequireActionsEnabled": "false"})
    expect(emulator, invoke, "4.4", "NON_COMPLIANT", "SNS topic cis-waiting of alarm cis-4.4-iam has only subscriptions pending confirmation")
    expect(emulator, invoke, "4.12", "NON_COMPLIANT", "SNS topic deleted-alerts of alarm cis-4.12-gateways does not exist")

    # Repairing a link repairs the verdict.
    monitored.alarm("cis-4.7-kms", "KmsKeyChanges", monitored.sns.create_topic(Name="cis-alerts")["TopicArn"])
    expect(emulator, invoke, "4.7", "COMPLIANT", "alarm cis-4.7-kms")
    monitored.filter("cis-4.10-security-groups", SECURITY_GROUPS_OLD.replace(" }", " || ($.eventName = ModifySecurityGroupRules) }"), "SecurityGroupChanges")
    expect(emulator, invoke, "4.10", "COMPLIANT", "metric filter cis-4.10-security-groups (CIS pattern)")


def test_an_invalid_parameter_is_an_error(emulator, monitored, invoke):
    rule = RULES["4.3"]
    result = invoke(rule, scheduled_event(rule, token(rule), params={"RequireActionsEnabled": "sometimes"}))
    assert not result.ok and "RequireActionsEnabled" in result.error_message


def test_the_trail_must_log_every_management_event_of_the_controls_source(emulator, monitored, invoke):
    trails = account.client(emulator.url, "cloudtrail")
    trails.put_event_selectors(TrailName="cis-trail", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}])
    expect(emulator, invoke, "4.5", "COMPLIANT")
    expect(emulator, invoke, "4.3", "NON_COMPLIANT", "Trail cis-trail excludes read management events from kms.amazonaws.com")

    trails.put_event_selectors(TrailName="cis-trail", EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
    expect(emulator, invoke, "4.5", "NON_COMPLIANT", "Trail cis-trail does not record read management events", "(including cloudtrail.amazonaws.com)")

    trails.put_event_selectors(TrailName="cis-trail", AdvancedEventSelectors=[{"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}])
    expect(emulator, invoke, "4.5", "COMPLIANT")

    trails.stop_logging(Name="cis-trail")
    # The sample account's other multi-Region trail is not logging either.
    expect(emulator, invoke, "4.3", "NON_COMPLIANT", "is not logging")


def test_only_the_trails_own_log_group_counts(emulator, sample, invoke):
    chain = Chain(emulator.url)
    alerts = chain.topic("cis-alerts")
    chain.log_group("other-logs")
    chain.filter("cis-4.3-root", ROOT_4_3, "RootAccountUsage", log_group="other-logs")
    chain.alarm("cis-4.3-root", "RootAccountUsage", alerts)
    logging_trail(emulator.url, "cis-trail", sample["buckets"]["logs"], chain.log_group())
    expect(emulator, invoke, "4.3", "NON_COMPLIANT", "No metric filter on log group cis-trail-logs catches root account usage")

    # A trail without a log group, and one whose log group belongs to another account.
    trails = account.client(emulator.url, "cloudtrail")
    trails.delete_trail(Name="cis-trail")
    logging_trail(emulator.url, "no-logs-trail", sample["buckets"]["logs"], None)
    expect(emulator, invoke, "4.3", "NON_COMPLIANT", "Trail no-logs-trail does not send its events to CloudWatch Logs")
    logging_trail(emulator.url, "org-trail", sample["buckets"]["logs"], group_arn("org-logs", owner=account.MEMBER_ACCOUNT))
    expect(emulator, invoke, "4.3", "NON_COMPLIANT", f"Trail org-trail logs to log group org-logs in account {account.MEMBER_ACCOUNT}", "Evaluate CIS 4.3 there")

    # A filter on the trail's own log group completes the chain.
    logging_trail(emulator.url, "cis-trail", sample["buckets"]["logs"], group_arn(LOG_GROUP))
    chain.filter("cis-4.3-root", ROOT_4_3, "RootAccountUsage")
    expect(emulator, invoke, "4.3", "COMPLIANT", "Trail cis-trail")


def test_the_chain_is_read_in_the_log_groups_region(emulator, sample, invoke, monkeypatch):
    """The trail sends to a log group in eu-west-1: filters, alarms and the topic are read there,
    and an alarm on the same metric in the rule's own region does not count."""
    here, there = Chain(emulator.url), Chain(emulator.url, OTHER_REGION)
    logging_trail(emulator.url, "cis-trail", sample["buckets"]["logs"], there.log_group())
    there.filter("cis-4.1-unauthorized", '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }', "UnauthorizedCalls")
    here.alarm("cis-4.1-unauthorized", "UnauthorizedCalls", here.topic("cis-alerts"))
    expect(emulator, invoke, "4.1", "NON_COMPLIANT", "No alarm watches metric UnauthorizedCalls (CISBenchmark) of metric filter cis-4.1-unauthorized")

    there.alarm("cis-4.1-unauthorized", "UnauthorizedCalls", there.topic("cis-alerts-eu"), client=cbor_cloudwatch(emulator.url, OTHER_REGION, monkeypatch))
    expect(emulator, invoke, "4.1", "COMPLIANT", "log group cis-trail-logs", "SNS topic cis-alerts-eu")


def test_alarmed_filters_may_cover_the_pattern_together(emulator, sample, invoke):
    chain = Chain(emulator.url)
    logging_trail(emulator.url, "cis-trail", sample["buckets"]["logs"], chain.log_group())
    alerts = chain.topic("cis-alerts")
    chain.filter("trail-changes", "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }", "TrailChanges")
    chain.alarm("trail-changes", "TrailChanges", alerts)
    expect(emulator, invoke, "4.5", "NON_COMPLIANT", 'Metric filter trail-changes misses CloudTrail configuration changes such as $.eventName = "StartLogging"')
    chain.filter("logging-changes", "{ ($.eventName = StartLogging) || ($.eventName = StopLogging) }", "LoggingChanges")
    expect(emulator, invoke, "4.5", "NON_COMPLIANT", "No alarm watches metric LoggingChanges (CISBenchmark) of metric filter logging-changes")
    chain.alarm("logging-changes", "LoggingChanges", alerts)
    expect(emulator, invoke, "4.5", "COMPLIANT", "metric filters trail-changes, logging-changes (together)")
