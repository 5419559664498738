"""The AWS emulator for end-to-end runs: moto in server mode, plus the few AWS Config pieces moto
lacks, added here in the open and kept minimal.

moto (pinned in requirements.lock) serves IAM, S3, EC2, CloudTrail, STS and part of AWS Config.
What it lacks, and what this module adds on top of it:

1. ``PutEvaluations`` outside test mode (moto raises NotImplementedError): evaluations are
   validated as AWS does (at most 100, COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE, annotation of
   1 to 256 characters) and stored per rule. Every call, in test mode or not, is also appended to
   ``WIRE``: what the rule binaries sent, as they sent it.
2. ``GetComplianceDetailsByConfigRule`` (not in moto): pages through the stored results, with
   ``ComplianceTypes``, ``Limit`` (at most 100, default 10) and ``NextToken``, as AWS does.
3. More resource types in Config's inventory (moto records only S3, IAM roles and policies,
   SNS): each module in ``emulator_extensions/`` can register a Config query for a resource type
   (``ListDiscoveredResources``, ``BatchGetResourceConfig`` and ``GetResourceConfigHistory`` then
   serve items built from moto's state in Config's API shape), or patch moto in another way.
4. Timestamps of configuration items as epoch seconds, as the real Config JSON API sends them
   (moto writes them as text, which strict SDKs such as the Rust one refuse).

A result token names the rule it belongs to: AWS Config's tokens are opaque, but PutEvaluations
does not carry the rule name, so the harness issues tokens of the form ``<rule-name>:<nonce>``.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from moto.config import models as config_models
from moto.config import responses as config_responses
from moto.config.exceptions import InvalidParameterValueException, InvalidResultTokenException
import importlib
import pkgutil

from moto.core.common_models import ConfigQueryModel
from moto.server import ThreadedMotoServer

COMPLIANCE_TYPES = {"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"}

# Every PutEvaluations call: {"account", "region", "token", "test_mode", "evaluations"}.
WIRE: list[dict[str, Any]] = []
_WIRE_LOCK = threading.Lock()


def rule_of(token: str) -> str:
    return token.split(":", 1)[0]


def _epoch(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return value
    return value


def _with_epoch_times(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if item is None:
        return None
    for key in ("configurationItemCaptureTime", "resourceCreationTime"):
        if key in item and item[key] is not None:
            item[key] = _epoch(item[key])
    return item


def put_evaluations(self: Any, evaluations: list[dict[str, Any]] | None = None, result_token: str | None = None, test_mode: bool | None = False) -> dict[str, Any]:
    if evaluations is None:
        raise InvalidParameterValueException("The Evaluations object in your request cannot be null.")
    if not result_token:
        raise InvalidResultTokenException()
    if len(evaluations) > 100:
        raise InvalidParameterValueException(
            "1 validation error detected: Value at 'evaluations' failed to satisfy constraint: "
            "Member must have length less than or equal to 100"
        )
    for e in evaluations:
        if e.get("ComplianceType") not in COMPLIANCE_TYPES:
            raise InvalidParameterValueException(f"ComplianceType {e.get('ComplianceType')!r} is not accepted from PutEvaluations")
        annotation = e.get("Annotation")
        if annotation is not None and not 1 <= len(annotation) <= 256:
            raise InvalidParameterValueException("Annotation must be 1 to 256 characters")
        if not e.get("ComplianceResourceType") or not e.get("ComplianceResourceId") or e.get("OrderingTimestamp") is None:
            raise InvalidParameterValueException("ComplianceResourceType, ComplianceResourceId and OrderingTimestamp are required")
    with _WIRE_LOCK:
        WIRE.append({"account": self.account_id, "region": self.region_name, "token": result_token, "test_mode": bool(test_mode), "evaluations": evaluations})
    if not test_mode:
        results = self.__dict__.setdefault("e2e_results", {})
        rule = rule_of(result_token)
        for e in evaluations:
            key = (rule, e["ComplianceResourceType"], e["ComplianceResourceId"])
            previous = results.get(key)
            if previous is None or float(previous["OrderingTimestamp"]) <= float(e["OrderingTimestamp"]):
                results[key] = e
    return {"FailedEvaluations": []}


def get_compliance_details_by_config_rule(self: Any, rule: str, compliance_types: list[str] | None, limit: int | None, next_token: str | None) -> dict[str, Any]:
    limit = limit or 10
    if not 0 <= limit <= 100:
        raise InvalidParameterValueException("Limit must be between 0 and 100")
    results = self.__dict__.get("e2e_results", {})
    matching = [
        e
        for (r, _, _), e in sorted(results.items())
        if r == rule and (not compliance_types or e["ComplianceType"] in compliance_types)
    ]
    start = int(next_token) if next_token else 0
    page = matching[start : start + limit]
    out: dict[str, Any] = {
        "EvaluationResults": [
            {
                "EvaluationResultIdentifier": {
                    "EvaluationResultQualifier": {
                        "ConfigRuleName": rule,
                        "ResourceType": e["ComplianceResourceType"],
                        "ResourceId": e["ComplianceResourceId"],
                    },
                    "OrderingTimestamp": e["OrderingTimestamp"],
                },
                "ComplianceType": e["ComplianceType"],
                **({"Annotation": e["Annotation"]} if e.get("Annotation") else {}),
            }
            for e in page
        ]
    }
    if start + limit < len(matching):
        out["NextToken"] = str(start + limit)
    return out


def _get_compliance_details_response(self: Any) -> str:
    return json.dumps(
        self.config_backend.get_compliance_details_by_config_rule(
            self._get_param("ConfigRuleName"),
            self._get_param("ComplianceTypes"),
            self._get_param("Limit"),
            self._get_param("NextToken"),
        )
    )


class _EpochTimes(ConfigQueryModel[Any]):
    """Wraps one of moto's own config queries so its items carry epoch-second timestamps."""

    def __init__(self, inner: ConfigQueryModel[Any]):
        super().__init__(inner.backends)
        self.inner = inner

    def list_config_service_resources(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.list_config_service_resources(*args, **kwargs)

    def get_config_resource(self, *args: Any, **kwargs: Any) -> Any:
        return _with_epoch_times(self.inner.get_config_resource(*args, **kwargs))


def install() -> None:
    """Adds the pieces above to moto (idempotent)."""
    backend = config_models.ConfigBackend
    if getattr(backend, "e2e_installed", False):
        return
    backend.put_evaluations = put_evaluations
    backend.get_compliance_details_by_config_rule = get_compliance_details_by_config_rule
    config_responses.ConfigResponse.get_compliance_details_by_config_rule = _get_compliance_details_response
    for resource_type, query in list(config_models.RESOURCE_MAP.items()):
        config_models.RESOURCE_MAP[resource_type] = _EpochTimes(query)
    import emulator_extensions

    for module in pkgutil.iter_modules(emulator_extensions.__path__):
        importlib.import_module(f"emulator_extensions.{module.name}").install()
    backend.e2e_installed = True


def register_inventory(resource_type: str, query: ConfigQueryModel[Any]) -> None:
    """Serves ``resource_type`` from Config's inventory APIs through ``query``."""
    config_models.RESOURCE_MAP[resource_type] = query


def config_item(account_id: str, region: str, resource_type: str, resource_id: str, resource_name: str | None, arn: str | None, configuration: dict[str, Any], supplementary: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A configuration item in Config's API shape (configuration and supplementary values as JSON text)."""
    now = datetime.now()
    return {
        "version": "1.3",
        "accountId": account_id,
        "configurationItemCaptureTime": now.timestamp(),
        "configurationItemStatus": "OK",
        "configurationStateId": str(int(now.timestamp() * 1000)),
        "arn": arn,
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_name,
        "awsRegion": region,
        "availabilityZone": "Not Applicable",
        "tags": tags or {},
        "relatedEvents": [],
        "relationships": [],
        "configuration": json.dumps(configuration),
        "supplementaryConfiguration": {k: json.dumps(v) for k, v in (supplementary or {}).items()},
    }


class InventoryQuery(ConfigQueryModel[Any]):
    """A Config query over a list of items: subclasses implement ``items(account_id, region)``,
    returning (resource id, resource name, configuration item) for every live resource."""

    def items(self, account_id: str, region: str) -> list[tuple[str, str | None, dict[str, Any]]]:
        raise NotImplementedError

    def list_config_service_resources(self, account_id: str, partition: str, resource_ids: list[str] | None, resource_name: str | None, limit: int, next_token: str | None, backend_region: str | None = None, resource_region: str | None = None, aggregator: Any = None) -> tuple[list[dict[str, Any]], str | None]:
        region = backend_region or resource_region or "us-east-1"
        found = [(rid, name, item) for rid, name, item in sorted(self.items(account_id, region), key=lambda t: t[0]) if (not resource_ids or rid in resource_ids) and (not resource_name or name == resource_name)]
        start = int(next_token) if next_token else 0
        limit = limit or 100
        token = str(start + limit) if start + limit < len(found) else None
        return [{"type": item["resourceType"], "id": rid, "name": name, "region": region} for rid, name, item in found[start : start + limit]], token

    def get_config_resource(self, account_id: str, partition: str, resource_id: str, resource_name: str | None = None, backend_region: str | None = None, resource_region: str | None = None) -> dict[str, Any] | None:
        region = backend_region or resource_region or "us-east-1"
        return next((item for rid, _, item in self.items(account_id, region) if rid == resource_id), None)


class Emulator:
    """moto on a free 127.0.0.1 port, in this process, with the additions installed."""

    def __init__(self) -> None:
        install()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"

    def reset(self) -> None:
        import urllib.request

        urllib.request.urlopen(urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")).read()
        with _WIRE_LOCK:
            WIRE.clear()

    def stop(self) -> None:
        self.server.stop()

    def wire(self, token: str) -> list[dict[str, Any]]:
        """The PutEvaluations calls made with one result token."""
        with _WIRE_LOCK:
            return [call for call in WIRE if call["token"] == token]


if __name__ == "__main__":
    import argparse
    import logging
    import time

    parser = argparse.ArgumentParser(description="Run the emulator in the foreground (for cargo lambda watch / invoke).")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    print(f"AWS emulator listening on http://127.0.0.1:{args.port} (Ctrl-C to stop). In another shell:")
    print(f"  export AWS_ENDPOINT_URL=http://127.0.0.1:{args.port} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
