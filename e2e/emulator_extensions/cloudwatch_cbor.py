"""CloudWatch over Smithy RPC v2 CBOR, the protocol the Rust SDK speaks to it.

aws-sdk-cloudwatch (Rust, 1.100 and later) calls ``POST /service/GraniteServiceVersion20100801/
operation/<Operation>`` with a CBOR body; moto serves CloudWatch over the query and JSON
protocols only. This module answers the CBOR calls by translating each request into the
equivalent awsJson1_0 request (``X-Amz-Target: GraniteServiceVersion20100801.<Operation>``),
letting moto's own CloudWatch handle it (routing, account and region from the SigV4 scope or
``x-moto-account-id``, validation, errors), and translating the answer back, typed by botocore's
CloudWatch model. It therefore serves every CloudWatch operation moto implements (among them
PutMetricAlarm, DescribeAlarms and DescribeAlarmsForMetric), and nothing else changes: other
paths go to moto untouched.

What the Rust client insists on, and what the answer therefore looks like:

- success is HTTP 200 with ``smithy-protocol: rpc-v2-cbor`` and exactly one CBOR item: a
  definite-length map of the output's members (``null`` members left out), or no body at all for
  operations without output (PutMetricAlarm);
- timestamps are tag 1 around a *float* (epoch seconds), and ``double`` members are floats, even
  when whole: the client's decoder refuses integers in both places;
- errors keep moto's status and carry ``{"__type": ..., "message": ...}``; the
  ``x-amzn-query-error`` header (CloudWatch is query-compatible) and ``x-amzn-requestid`` pass
  through.

Requests that are not valid RPC v2 CBOR (no ``smithy-protocol`` header, an ``X-Amz-Target``
header, a body that is not one CBOR map, an operation CloudWatch does not have) get a 400 or 404
CBOR error, as a Smithy server would answer them.
"""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

import botocore.session
import cbor2
from moto.moto_server import werkzeug_app

SERVICE = "GraniteServiceVersion20100801"
# The last four path segments; the service name may be namespace-qualified.
PATH = re.compile(rf"/service/(?:[\w.]+\.)?{SERVICE}/operation/(\w+)$")
MODEL = botocore.session.get_session().get_service_model("cloudwatch")
_PASSED_HEADERS = {"x-amzn-requestid", "x-amzn-query-error"}

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _BadRequest(Exception):
    def __init__(self, status: str, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _epoch(value: Any) -> float:
    """A timestamp from moto's JSON answer (epoch number or ISO 8601 text) as epoch seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def request_to_json(value: Any) -> Any:
    """A decoded CBOR request value as awsJson (inputs need no schema: JSON carries their types)."""
    if isinstance(value, cbor2.CBORTag) and value.tag == 1:
        return float(value.value)
    if isinstance(value, datetime):  # cbor2 decodes tag 1 itself
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: request_to_json(v) for k, v in value.items() if v is not None and v is not cbor2.undefined}
    if isinstance(value, list):
        return [request_to_json(v) for v in value]
    return value


def response_to_cbor(value: Any, shape: Any) -> Any:
    """moto's awsJson answer as values cbor2 encodes the way the Rust client decodes them."""
    kind = shape.type_name
    if kind == "structure":
        return {k: response_to_cbor(v, shape.members[k]) for k, v in value.items() if v is not None and k in shape.members}
    if kind == "list":
        return [response_to_cbor(v, shape.member) for v in value]
    if kind == "map":
        return {k: response_to_cbor(v, shape.value) for k, v in value.items() if v is not None}
    if kind == "timestamp":
        return cbor2.CBORTag(1, _epoch(value))
    if kind in ("double", "float"):
        return float(value)
    if kind in ("integer", "long", "short", "byte"):
        return int(value)
    if kind == "boolean":
        return bool(value)
    if kind == "blob":
        return base64.b64decode(value) if isinstance(value, str) else bytes(value)
    return value


def _error_body(status: int, raw: bytes) -> dict[str, Any]:
    """moto's JSON error as the RPC v2 CBOR error body."""
    try:
        doc = json.loads(raw) if raw.strip() else {}
    except ValueError:
        doc = {"message": raw.decode("utf-8", "replace")[:1000]}
    if not isinstance(doc, dict):
        doc = {}
    code = doc.get("__type") or ("InternalFailure" if status >= 500 else "UnknownError")
    body = {"__type": code}
    message = doc.get("message", doc.get("Message"))
    if message is not None:
        body["message"] = str(message)
    return body


def _answer(start_response: Callable[..., Any], status: str, payload: Any, headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    data = b"" if payload is None else cbor2.dumps(payload)
    out = list(headers or []) + [("smithy-protocol", "rpc-v2-cbor"), ("Content-Length", str(len(data)))]
    if data:
        out.append(("Content-Type", "application/cbor"))
    start_response(status, out)
    return [data]


def _read_request(environ: dict[str, Any], operation: str) -> bytes:
    """The awsJson body for a CBOR request, or _BadRequest."""
    if environ.get("HTTP_SMITHY_PROTOCOL") != "rpc-v2-cbor":
        raise _BadRequest("400 Bad Request", "SerializationException", "missing or wrong smithy-protocol header (expected rpc-v2-cbor)")
    if environ.get("HTTP_X_AMZ_TARGET") or environ.get("HTTP_X_AMZN_TARGET"):
        raise _BadRequest("400 Bad Request", "SerializationException", "RPC v2 requests must not carry X-Amz-Target")
    if operation not in MODEL.operation_names:
        raise _BadRequest("404 Not Found", "UnknownOperationException", f"CloudWatch has no operation {operation}")
    raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if not raw:
        return b"{}"
    stream = io.BytesIO(raw)
    try:
        document = cbor2.CBORDecoder(stream).decode()
    except Exception as e:  # cbor2 raises several kinds on malformed input
        raise _BadRequest("400 Bad Request", "SerializationException", f"body is not valid CBOR: {e}") from None
    if stream.tell() != len(raw) or not isinstance(document, dict):
        raise _BadRequest("400 Bad Request", "SerializationException", "body must be exactly one CBOR map")
    return json.dumps(request_to_json(document)).encode()


def serve(app: WsgiApp, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """WSGI: answers RPC v2 CBOR calls to CloudWatch through ``app`` (moto); passes others on."""
    match = PATH.search(environ.get("PATH_INFO", ""))
    if environ.get("REQUEST_METHOD") != "POST" or not match:
        return app(environ, start_response)
    operation = match.group(1)
    try:
        body = _read_request(environ, operation)
    except _BadRequest as e:
        return _answer(start_response, e.status, {"__type": e.code, "message": e.message})

    env = dict(environ)
    env.update(
        {
            "PATH_INFO": "/",
            "RAW_URI": "/",
            "REQUEST_URI": "/",
            "QUERY_STRING": "",
            "CONTENT_TYPE": "application/x-amz-json-1.0",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_AMZ_TARGET": f"{SERVICE}.{operation}",
            "wsgi.input": io.BytesIO(body),
        }
    )
    for key in ("HTTP_SMITHY_PROTOCOL", "HTTP_ACCEPT"):
        env.pop(key, None)
    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, headers
        return lambda _: None

    result = app(env, capture)
    try:
        raw = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status = captured["status"]
    code = int(status.split()[0])
    headers = [(k, v) for k, v in captured["headers"] if k.lower() in _PASSED_HEADERS]
    if code != 200:
        return _answer(start_response, status, _error_body(code, raw), headers)
    shape = MODEL.operation_model(operation).output_shape
    if shape is None:
        return _answer(start_response, status, None, headers)
    document = json.loads(raw) if raw.strip() else {}
    return _answer(start_response, status, response_to_cbor(document, shape), headers)


def install() -> None:
    """Puts :func:`serve` in front of moto's dispatcher, for every server in this process."""
    dispatcher = werkzeug_app.DomainDispatcherApplication
    if getattr(dispatcher, "cloudwatch_cbor", False):
        return
    original = dispatcher.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return serve(lambda env, sr: original(self, env, sr), environ, start_response)

    dispatcher.__call__ = __call__  # type: ignore[method-assign]
    dispatcher.cloudwatch_cbor = True  # type: ignore[attr-defined]
