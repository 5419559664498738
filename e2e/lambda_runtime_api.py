"""A local Lambda Runtime API, so rule binaries run exactly as in Lambda: the binary starts,
polls ``/runtime/invocation/next``, handles the event and posts ``/response`` or ``/error``.

Each ``Function`` is one warm execution environment: one process that serves invocations one
after another, as Lambda reuses a warm environment.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API = "/2018-06-01/runtime"


class _QuietServer(ThreadingHTTPServer):
    """Connections the function drops when it is stopped are expected, not errors."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@dataclass
class Result:
    """What one invocation returned: a response body, or an error type and message."""

    response: Any = None
    error_type: str | None = None
    error_message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_type is None


@dataclass
class _Invocation:
    request_id: str
    event: Any
    done: threading.Event = field(default_factory=threading.Event)
    result: Result | None = None


class Function:
    """A rule binary running against a local Runtime API on a free 127.0.0.1 port."""

    def __init__(self, binary: str, env: dict[str, str], timeout_s: float = 60.0):
        self.name = os.path.basename(binary)
        self.timeout_s = timeout_s
        self.pending: queue.Queue[_Invocation] = queue.Queue()
        self.current: dict[str, _Invocation] = {}
        self.first_poll = threading.Event()
        self.first_poll_at: float | None = None
        self.init_error: str | None = None
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address[:2]
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            "AWS_LAMBDA_RUNTIME_API": f"{host}:{port}",
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
            **env,
        }
        self.started_at = time.monotonic()
        self.process = subprocess.Popen([binary], env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.logs: list[str] = []
        threading.Thread(target=self._read_logs, daemon=True).start()

    @property
    def startup_s(self) -> float | None:
        """Seconds from spawning the process to its first poll for an invocation."""
        return None if self.first_poll_at is None else self.first_poll_at - self.started_at

    def _read_logs(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.logs.append(line.rstrip("\n"))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        function = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def do_GET(self) -> None:
                if self.path != f"{API}/invocation/next":
                    self._reply(404)
                    return
                if function.first_poll_at is None:
                    function.first_poll_at = time.monotonic()
                    function.first_poll.set()
                invocation = function.pending.get()
                function.current[invocation.request_id] = invocation
                deadline_ms = int((time.time() + function.timeout_s) * 1000)
                self._reply(
                    200,
                    json.dumps(invocation.event).encode(),
                    {
                        "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": f"arn:aws:lambda:us-east-1:123456789012:function:{function.name}",
                        "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
                    },
                )

            def do_POST(self) -> None:
                body = self._body()
                parts = self.path.split("/")
                if self.path == f"{API}/init/error":
                    function.init_error = body.decode(errors="replace")
                    self._reply(202)
                    return
                if len(parts) != 6 or parts[3] != "invocation" or parts[5] not in ("response", "error"):
                    self._reply(404)
                    return
                invocation = function.current.pop(parts[4], None)
                if invocation is None:
                    self._reply(400)
                    return
                if parts[5] == "response":
                    invocation.result = Result(response=json.loads(body) if body else None)
                else:
                    error = json.loads(body) if body else {}
                    invocation.result = Result(error_type=error.get("errorType", "Unknown"), error_message=error.get("errorMessage", ""))
                self._reply(202)
                invocation.done.set()

        return Handler

    def invoke(self, event: Any) -> Result:
        """Hands one event to the function and waits for its response or error."""
        invocation = _Invocation(request_id=str(uuid.uuid4()), event=event)
        self.pending.put(invocation)
        deadline = time.monotonic() + self.timeout_s
        while not invocation.done.wait(0.05):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.init_error or ''}\n" + "\n".join(self.logs[-20:]))
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} did not answer within {self.timeout_s}s\n" + "\n".join(self.logs[-20:]))
        assert invocation.result is not None
        return invocation.result

    def wait_ready(self, timeout_s: float = 10.0) -> float:
        """Waits for the first poll; returns the start-up time in seconds."""
        if not self.first_poll.wait(timeout_s):
            raise TimeoutError(f"{self.name} did not poll within {timeout_s}s\n" + "\n".join(self.logs[-20:]))
        assert self.startup_s is not None
        return self.startup_s

    def rss_kib(self) -> int | None:
        """Resident memory of the process (Linux), in KiB."""
        try:
            with open(f"/proc/{self.process.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Function":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
