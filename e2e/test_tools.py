"""The two paths the README gives a newcomer besides the test suite: the demo, and invoking one
rule locally with cargo lambda."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import account


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_prints_what_the_config_console_would_show():
    run = subprocess.run([sys.executable, "demo.py"], cwd=account.ROOT / "e2e", capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "restricted-ssh  (hybrid; 2 non-compliant, 3 compliant)" in run.stdout
    assert "vpc-sg-port-restriction-check-ipv6  (hybrid; 1 non-compliant, 4 compliant)" in run.stdout
    assert "rds-storage-encrypted  (change; 1 non-compliant, 1 compliant)" in run.stdout
    assert "iam-password-policy  (periodic; 1 non-compliant)" in run.stdout
    assert "mfa-enabled-for-iam-console-access  (periodic; 1 non-compliant, 1 compliant, 1 not-applicable)" in run.stdout
    assert "NON_COMPLIANT   AWS::S3::Bucket            sample-no-policy-123456789012" in run.stdout
    assert "CIS AWS Foundations Benchmark v5.0.0 for the sample account:" in run.stdout
    report = (account.ROOT / "target" / "cis-report" / "cis-report.md").read_text()
    assert "| 2.1.1 | 2 | S3 bucket policies deny HTTP requests | FAIL | s3-bucket-ssl-requests-only |" in report
    assert "<table>" in (account.ROOT / "target" / "cis-report" / "cis-report.html").read_text()


def test_cargo_lambda_watch_and_invoke_run_a_rule_locally(emulator, sample):
    port = free_port()
    # cargo finds `cargo-lambda` on PATH; the pinned one sits next to this Python.
    env = {**os.environ, **account.rule_env(emulator.url), "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])}
    watch = subprocess.Popen(
        ["cargo", "lambda", "watch", "--invoke-port", str(port)],
        cwd=account.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert watch.poll() is None, watch.stdout.read() if watch.stdout else ""
            assert time.monotonic() < deadline, "cargo lambda watch did not start"
            time.sleep(0.2)
        invoke = subprocess.run(
            ["cargo", "lambda", "invoke", "restricted-ssh", "--invoke-port", str(port), "--data-file", "events/restricted-ssh/open-ipv4.json"],
            cwd=account.ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert invoke.returncode == 0, invoke.stdout + invoke.stderr
        response = json.loads(invoke.stdout)
        assert response["testMode"] is True
        assert response["evaluations"][0]["complianceType"] == "NON_COMPLIANT"
        assert any(call["test_mode"] for call in emulator.wire("TESTMODE"))
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, signal.SIGTERM)
            try:
                watch.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(watch.pid, signal.SIGKILL)
                watch.wait(10)
