"""Benchmarks of the rule binaries: size, start-up (process spawn to the first poll of the Lambda
Runtime API), the first and the warm invocation against the emulator, and peak memory.

Run with ``cargo xtask bench`` (release build). Prints figures; asserts nothing. A rule whose
invocation the emulator cannot serve (an API moto lacks) still gets its size, start-up and memory;
its call columns show "-" and the reason is listed after the table.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys

import account
from emulator import Emulator
from lambda_runtime_api import Function

RUNS = 20


def main(profile: str) -> int:
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    emu = Emulator()
    try:
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        account.seed_demo(emu.url)
        env = account.rule_env(emu.url)
        print(f"{'rule':<42} {'size':>8} {'start-up (median/p95)':>22} {'1st call':>9} {'warm call':>10} {'peak RSS':>9}")
        skipped = []
        for spec in account.specs(profile):
            rule = spec["name"]
            binary = account.binary(rule, profile)
            startups = []
            for _ in range(RUNS):
                with Function(binary, env) as f:
                    startups.append(f.wait_ready() * 1000)
            events = account.deployment_events(emu.url, spec)
            first = warm = float("nan")
            rss = None
            with Function(binary, env) as f:
                f.wait_ready()
                if not events:
                    skipped.append(f"{rule}: the seeded account records no resource of its types")
                else:
                    try:
                        first = _timed(f, events[0])
                        warm = statistics.median(_timed(f, account.deployment_events(emu.url, spec)[0]) for _ in range(5))
                    except InvocationFailed as e:
                        skipped.append(f"{rule}: {str(e)[:160]}")
                rss = f.rss_kib()
            startups.sort()
            p95 = startups[int(len(startups) * 0.95) - 1]
            size = os.path.getsize(binary) / 1e6
            print(f"{rule:<42} {size:>6.1f}MB {statistics.median(startups):>9.1f} / {p95:>5.1f} ms {_ms(first):>9} {_ms(warm):>10} {rss / 1024 if rss else 0:>7.1f}MB")
        if skipped:
            print("\nNo call figures for:")
            for line in skipped:
                print(f"  {line}")
        return 0
    finally:
        emu.stop()


class InvocationFailed(RuntimeError):
    pass


def _ms(value: float) -> str:
    return "-" if value != value else f"{value:.1f}ms"


def _timed(f: Function, event: dict) -> float:
    import time

    start = time.perf_counter()
    result = f.invoke(event)
    if not result.ok:
        raise InvocationFailed(f"{result.error_type}: {result.error_message}")
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "release"))
