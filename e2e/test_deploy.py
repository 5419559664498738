"""The deployment's moving parts that can run locally: the custom resource that puts the
conformance-pack templates into S3, against the emulator's S3 and a local CloudFormation
response endpoint."""

from __future__ import annotations

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

import account


class _Responses:
    """Collects the responses the custom resource PUTs to its pre-signed ResponseURL."""

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_PUT(self) -> None:
                received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.received = received
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/response"


@pytest.fixture
def writer(emulator, monkeypatch):
    emulator.reset()
    for key, value in account.rule_env(emulator.url).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", account.REGION)
    spec = importlib.util.spec_from_file_location("pack_template_writer", account.ROOT / "deploy" / "pack_template_writer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    responses = _Responses()
    yield module, responses
    responses.server.shutdown()


class _Context:
    log_stream_name = "2026/11/22/[$LATEST]0123"


def _event(request_type: str, url: str, key: str, body: str = "Resources: {}\n", physical: str | None = None) -> dict[str, Any]:
    event = {
        "RequestType": request_type,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/rules/1",
        "RequestId": "req-1",
        "LogicalResourceId": "CisPackTemplate",
        "ResourceProperties": {"Bucket": "pack-templates", "Key": key, "Body": body},
    }
    if physical:
        event["PhysicalResourceId"] = physical
    return event


def test_pack_template_writer_creates_replaces_and_deletes_the_template(emulator, writer):
    module, responses = writer
    s3 = account.client(emulator.url, "s3")
    s3.create_bucket(Bucket="pack-templates")
    pack = (account.ROOT / "packs" / "cis-aws-foundations-benchmark-v5.yaml").read_text()

    module.handler(_event("Create", responses.url, "packs/cis-1.yaml", pack), _Context())
    created = responses.received[-1]
    assert created["Status"] == "SUCCESS" and created["Data"]["Uri"] == "s3://pack-templates/packs/cis-1.yaml"
    assert s3.get_object(Bucket="pack-templates", Key="packs/cis-1.yaml")["Body"].read().decode() == pack

    module.handler(_event("Update", responses.url, "packs/cis-2.yaml", physical=created["PhysicalResourceId"]), _Context())
    assert responses.received[-1]["PhysicalResourceId"] == "s3://pack-templates/packs/cis-2.yaml"

    # CloudFormation then deletes the replaced resource, which removes the old template only.
    module.handler(_event("Delete", responses.url, "packs/cis-2.yaml", physical="s3://pack-templates/packs/cis-1.yaml"), _Context())
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="pack-templates").get("Contents", [])]
    assert keys == ["packs/cis-2.yaml"]
    assert responses.received[-1]["Status"] == "SUCCESS"


def test_pack_template_writer_reports_failures_instead_of_hanging_the_stack(writer):
    module, responses = writer
    module.handler(_event("Create", responses.url, "packs/cis-1.yaml"), _Context())
    failed = responses.received[-1]
    assert failed["Status"] == "FAILED"
    assert "NoSuchBucket" in failed["Reason"]
