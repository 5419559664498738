"""CloudWatch over Smithy RPC v2 CBOR (emulator_extensions/cloudwatch_cbor.py).

No rule binary calls CloudWatch yet, so these tests play the Rust client: each request is built
the way aws-sdk-cloudwatch sends it (path, headers, SigV4 scope ``monitoring``, a definite-length
CBOR map of PascalCase members), and each answer is read by a decoder as strict as the Rust one
(one CBOR item and nothing after it, definite lengths, timestamps as tag 1 around a float,
doubles as floats, integers as integers), checked member by member against botocore's model.
"""

from __future__ import annotations

import struct
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, NamedTuple

import botocore.model
import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import account
from emulator_extensions.cloudwatch_cbor import MODEL

TOPIC = f"arn:aws:sns:{account.REGION}:{account.ACCOUNT}:cis-alerts"


class Tag(NamedTuple):
    tag: int
    value: Any


def strict_decode(raw: bytes) -> Any:
    """CBOR as aws-smithy-cbor reads it: definite lengths only, exactly one item, floats kept
    apart from integers (a whole float stays a float), tags kept as ``Tag``."""
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(raw):
            raise ValueError(f"truncated at byte {pos}")
        pos += n
        return raw[pos - n : pos]

    def argument(info: int) -> int:
        if info < 24:
            return info
        if info not in (24, 25, 26, 27):
            raise ValueError(f"indefinite length or reserved value at byte {pos - 1}")
        return int.from_bytes(take(1 << (info - 24)), "big")

    def item() -> Any:
        head = take(1)[0]
        major, info = head >> 5, head & 31
        if major == 0:
            return argument(info)
        if major == 1:
            return -1 - argument(info)
        if major == 2:
            return take(argument(info))
        if major == 3:
            return take(argument(info)).decode()
        if major == 4:
            return [item() for _ in range(argument(info))]
        if major == 5:
            out = {}
            for _ in range(argument(info)):
                key = item()
                out[key] = item()
            return out
        if major == 6:
            return Tag(argument(info), item())
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info]
        formats = {25: ">e", 26: ">f", 27: ">d"}
        if info in formats:
            return float(struct.unpack(formats[info], take(struct.calcsize(formats[info])))[0])
        raise ValueError(f"unexpected simple value {info}")

    value = item()
    if pos != len(raw):
        raise ValueError(f"{len(raw) - pos} bytes after the top-level item")
    return value


def conforms(value: Any, shape: Any, path: str = "$") -> None:
    """Asserts that a strictly decoded answer has the types the Rust deserializer reads."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{path}: members not in the model: {unknown}"
        for key, member in value.items():
            assert member is not None, f"{path}.{key} is null"
            conforms(member, shape.members[key], f"{path}.{key}")
    elif kind == "list":
        assert isinstance(value, list), path
        for i, member in enumerate(value):
            conforms(member, shape.member, f"{path}[{i}]")
    elif kind == "timestamp":
        assert isinstance(value, Tag) and value.tag == 1 and type(value.value) is float, f"{path}: {value!r}"
    elif kind in ("double", "float"):
        assert type(value) is float, f"{path}: {value!r}"
    elif kind in ("integer", "long"):
        assert type(value) is int, f"{path}: {value!r}"
    elif kind == "boolean":
        assert type(value) is bool, f"{path}: {value!r}"
    elif kind == "string":
        assert type(value) is str, f"{path}: {value!r}"
    else:
        raise AssertionError(f"{path}: unexpected shape {kind}")


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    raw: bytes

    def body(self) -> Any:
        return strict_decode(self.raw)


def rust_sdk_call(url: str, operation: str, payload: dict[str, Any] | None = None, region: str = account.REGION, acting_as: str = account.ACCOUNT, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    """One call as aws-sdk-cloudwatch makes it (1.100 and later), SigV4-signed for ``monitoring``."""
    data = cbor2.dumps(payload or {}) if body is None else body
    sent = {
        "content-type": "application/cbor",
        "smithy-protocol": "rpc-v2-cbor",
        "accept": "application/cbor",
        "x-amzn-query-mode": "true",
        "content-length": str(len(data)),
        "user-agent": "aws-sdk-rust/1.3.10 os/linux lang/rust/1.95.0",
        "x-amz-user-agent": "aws-sdk-rust/1.3.10 api/cloudwatch/1.140.0 os/linux lang/rust/1.95.0",
        "amz-sdk-invocation-id": str(uuid.uuid4()),
        "amz-sdk-request": "attempt=1; max=3",
        **(headers or {}),
    }
    if acting_as != account.ACCOUNT:
        sent["x-moto-account-id"] = acting_as
    request = AWSRequest(method="POST", url=f"{url}/service/GraniteServiceVersion20100801/operation/{operation}", data=data, headers=sent)
    SigV4Auth(Credentials("testing", "testing"), "monitoring", region).add_auth(request)
    prepared = urllib.request.Request(request.url, data=data, method="POST", headers=dict(request.headers.items()))
    try:
        with urllib.request.urlopen(prepared) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as e:
        return Answer(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def ok(answer: Answer, operation: str) -> Any:
    """The decoded output of a successful call, after checking it the way the Rust client would."""
    assert answer.status == 200, (answer.status, answer.raw)
    assert answer.headers.get("smithy-protocol") == "rpc-v2-cbor"
    shape = MODEL.operation_model(operation).output_shape
    if shape is None:
        assert answer.raw == b"" and "content-type" not in answer.headers
        return None
    assert answer.headers.get("content-type") == "application/cbor"
    body = answer.body()
    conforms(body, shape)
    return body


def failed(answer: Answer, status: int, code: str) -> dict[str, Any]:
    assert answer.status == status, (answer.status, answer.raw)
    assert answer.headers.get("smithy-protocol") == "rpc-v2-cbor"
    assert answer.headers.get("content-type") == "application/cbor"
    body = answer.body()
    # The Rust client takes the code from __type, after any '#' and before any ':'.
    assert body["__type"].split("#")[-1].split(":")[0] == code, body
    return body


CIS_ALARM = {
    "AlarmName": "cis-4.3-root-usage",
    "AlarmDescription": "Root account usage",
    "ActionsEnabled": True,
    "AlarmActions": [TOPIC],
    "MetricName": "RootAccountUsage",
    "Namespace": "CISBenchmark",
    "Statistic": "Sum",
    "Period": 300,
    "EvaluationPeriods": 1,
    "Threshold": 1.0,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    "TreatMissingData": "notBreaching",
}


@pytest.fixture
def url(emulator: Any) -> str:
    emulator.reset()
    return emulator.url


def test_put_metric_alarm_then_describe_alarms_for_metric(url: str) -> None:
    before = time.time()
    assert ok(rust_sdk_call(url, "PutMetricAlarm", CIS_ALARM), "PutMetricAlarm") is None

    answer = rust_sdk_call(url, "DescribeAlarmsForMetric", {"MetricName": "RootAccountUsage", "Namespace": "CISBenchmark"})
    assert answer.headers.get("x-amzn-requestid")
    alarms = ok(answer, "DescribeAlarmsForMetric")["MetricAlarms"]
    assert len(alarms) == 1
    alarm = alarms[0]
    for key in ("AlarmName", "AlarmDescription", "ActionsEnabled", "AlarmActions", "MetricName", "Namespace", "Statistic", "Period", "EvaluationPeriods", "ComparisonOperator", "TreatMissingData"):
        assert alarm[key] == CIS_ALARM[key], key
    assert alarm["Threshold"] == 1.0 and type(alarm["Threshold"]) is float
    assert alarm["AlarmArn"] == f"arn:aws:cloudwatch:{account.REGION}:{account.ACCOUNT}:alarm:cis-4.3-root-usage"
    assert alarm["StateValue"] in ("OK", "ALARM", "INSUFFICIENT_DATA")  # moto starts alarms at OK
    for stamp in ("AlarmConfigurationUpdatedTimestamp", "StateUpdatedTimestamp"):
        assert before - 5 <= alarm[stamp].value <= time.time() + 5, stamp
    # On the wire: tag 1 followed by a double, never tag 1 followed by an integer.
    assert answer.raw.count(b"\xc1\xfb") >= 2
    assert not any(answer.raw.count(bytes([0xC1, head])) for head in range(0x00, 0x1C))

    other = ok(rust_sdk_call(url, "DescribeAlarmsForMetric", {"MetricName": "RootAccountUsage", "Namespace": "Other"}), "DescribeAlarmsForMetric")
    assert other == {"MetricAlarms": []}

    # RPC v2 CBOR lets a client send a whole double as an integer; it still comes back a float.
    ok(rust_sdk_call(url, "PutMetricAlarm", {**CIS_ALARM, "AlarmName": "whole", "MetricName": "Whole", "Threshold": 5}), "PutMetricAlarm")
    [whole] = ok(rust_sdk_call(url, "DescribeAlarmsForMetric", {"MetricName": "Whole", "Namespace": "CISBenchmark"}), "DescribeAlarmsForMetric")["MetricAlarms"]
    assert whole["Threshold"] == 5.0 and type(whole["Threshold"]) is float


def test_describe_alarms_with_and_without_filters(url: str) -> None:
    ok(rust_sdk_call(url, "PutMetricAlarm", CIS_ALARM), "PutMetricAlarm")
    # An alarm made through moto's own (JSON) protocol is visible over CBOR, and the other way round.
    account.client(url, "cloudwatch").put_metric_alarm(
        AlarmName="cis-4.5-cloudtrail-changes", MetricName="CloudTrailChanges", Namespace="CISBenchmark", Statistic="Sum",
        Period=60, EvaluationPeriods=2, Threshold=2.5, ComparisonOperator="GreaterThanThreshold", ActionsEnabled=False,
        Dimensions=[{"Name": "Trail", "Value": "org"}],
    )

    # Nothing set: the Rust client sends an empty map (a single 0xa0 byte).
    every = ok(rust_sdk_call(url, "DescribeAlarms", body=b"\xa0"), "DescribeAlarms")
    assert sorted(a["AlarmName"] for a in every["MetricAlarms"]) == ["cis-4.3-root-usage", "cis-4.5-cloudtrail-changes"]
    assert every.get("CompositeAlarms", []) == []
    assert "NextToken" not in every

    named = ok(rust_sdk_call(url, "DescribeAlarms", {"AlarmNames": ["cis-4.5-cloudtrail-changes"], "AlarmTypes": ["MetricAlarm"], "MaxRecords": 100}), "DescribeAlarms")
    [alarm] = named["MetricAlarms"]
    assert alarm["Threshold"] == 2.5 and alarm["Period"] == 60 and alarm["EvaluationPeriods"] == 2
    assert alarm["ActionsEnabled"] is False
    assert alarm["Dimensions"] == [{"Name": "Trail", "Value": "org"}]

    prefixed = ok(rust_sdk_call(url, "DescribeAlarms", {"AlarmNamePrefix": "cis-4.3"}), "DescribeAlarms")
    assert [a["AlarmName"] for a in prefixed["MetricAlarms"]] == ["cis-4.3-root-usage"]

    seen_by_json = account.client(url, "cloudwatch").describe_alarms(AlarmNames=["cis-4.3-root-usage"])["MetricAlarms"]
    assert [(a["AlarmName"], a["Threshold"], a["AlarmActions"]) for a in seen_by_json] == [("cis-4.3-root-usage", 1.0, [TOPIC])]


def test_regions_and_accounts_stay_apart(url: str) -> None:
    ok(rust_sdk_call(url, "PutMetricAlarm", CIS_ALARM, region="eu-west-1"), "PutMetricAlarm")
    ok(rust_sdk_call(url, "PutMetricAlarm", {**CIS_ALARM, "AlarmName": "member"}, acting_as=account.MEMBER_ACCOUNT), "PutMetricAlarm")

    def names(**where: Any) -> list[str]:
        return sorted(a["AlarmName"] for a in ok(rust_sdk_call(url, "DescribeAlarms", {}, **where), "DescribeAlarms")["MetricAlarms"])

    assert names(region="eu-west-1") == ["cis-4.3-root-usage"]
    assert names(acting_as=account.MEMBER_ACCOUNT) == ["member"]
    assert names() == []
    [alarm] = ok(rust_sdk_call(url, "DescribeAlarms", {}, region="eu-west-1"), "DescribeAlarms")["MetricAlarms"]
    assert alarm["AlarmArn"].startswith(f"arn:aws:cloudwatch:eu-west-1:{account.ACCOUNT}:alarm:")


def test_errors_are_cbor_errors_the_rust_client_can_classify(url: str) -> None:
    # An error moto raises: status, __type, message and the query-compatible code header survive.
    missing = rust_sdk_call(url, "GetDashboard", {"DashboardName": "absent"})
    body = failed(missing, 404, "ResourceNotFound")
    assert body.get("message")
    assert missing.headers.get("x-amzn-query-error", "").startswith("ResourceNotFound;")

    # Requests that are not RPC v2 CBOR.
    failed(rust_sdk_call(url, "DescribeAlarms", body=b"\xa1\x61"), 400, "SerializationException")
    failed(rust_sdk_call(url, "DescribeAlarms", body=b"\xa0\xa0"), 400, "SerializationException")
    failed(rust_sdk_call(url, "DescribeAlarms", body=cbor2.dumps(["AlarmNames"])), 400, "SerializationException")
    failed(rust_sdk_call(url, "DescribeAlarms", {}, headers={"smithy-protocol": "rpc-v1"}), 400, "SerializationException")
    failed(rust_sdk_call(url, "DescribeAlarms", {}, headers={"x-amz-target": "GraniteServiceVersion20100801.DescribeAlarms"}), 400, "SerializationException")
    failed(rust_sdk_call(url, "DescribeEverything", {}), 404, "UnknownOperationException")


def test_strict_decoder_refuses_what_the_rust_client_refuses() -> None:
    assert strict_decode(bytes.fromhex("a1614dc1fb41d9b2b437c00000")) == {"M": Tag(1, 1724567775.0)}
    with pytest.raises(ValueError, match="after the top-level item"):
        strict_decode(b"\xa0\xa0")
    with pytest.raises(ValueError, match="indefinite"):
        strict_decode(b"\xbf\xff")
    shape = MODEL.operation_model("DescribeAlarms").output_shape
    alarm = {"AlarmName": "a", "Threshold": 1.0, "Period": 60, "StateUpdatedTimestamp": Tag(1, 1.5)}
    conforms({"MetricAlarms": [alarm]}, shape)
    for bad in ({"Threshold": 1}, {"Period": 60.0}, {"StateUpdatedTimestamp": Tag(1, 2)}, {"ActionsEnabled": 1}, {"Unmodelled": "x"}):
        with pytest.raises(AssertionError):
            conforms({"MetricAlarms": [{**alarm, **bad}]}, shape)


def test_botocore_rpc_v2_cbor_client_agrees(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second, independent RPC v2 CBOR client: botocore's own, forced onto the protocol."""
    monkeypatch.setattr(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS", ("smithy-rpc-v2-cbor", "json", "query"))
    cloudwatch = account.client(url, "cloudwatch")
    assert cloudwatch.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    cloudwatch.put_metric_alarm(**{**CIS_ALARM, "Threshold": 3.0})
    [alarm] = cloudwatch.describe_alarms_for_metric(MetricName="RootAccountUsage", Namespace="CISBenchmark")["MetricAlarms"]
    assert alarm["Threshold"] == 3.0 and alarm["AlarmActions"] == [TOPIC]
    assert alarm["StateUpdatedTimestamp"].timestamp() > time.time() - 60
    with pytest.raises(cloudwatch.exceptions.ClientError) as error:
        cloudwatch.get_dashboard(DashboardName="absent")
    assert error.value.response["Error"]["Code"] == "ResourceNotFound"


def test_other_requests_pass_through(url: str) -> None:
    assert account.client(url, "sts").get_caller_identity()["Account"] == account.ACCOUNT
    assert account.client(url, "cloudwatch").describe_alarms()["MetricAlarms"] == []
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{url}/service/GraniteServiceVersion20100801/operation/DescribeAlarms")  # GET: not an RPC call
