"""The product's main job, locally: start the emulator, seed a sample account, run every rule
binary as AWS Config would trigger it, and print what the AWS Config console would show.

Run it with ``cargo xtask demo`` (which builds the rules and installs the emulator first).
"""

from __future__ import annotations

import logging
import sys
import textwrap
from typing import Any

import account
from emulator import Emulator
from lambda_runtime_api import Function

ORDER = {"NON_COMPLIANT": 0, "COMPLIANT": 1, "NOT_APPLICABLE": 2}


def console(emu: Emulator, rule: str) -> list[dict[str, Any]]:
    config = account.client(emu.url, "config")
    results, kwargs = [], {"ConfigRuleName": rule, "Limit": 100}
    while True:
        page = config.get_compliance_details_by_config_rule(**kwargs)
        results += page["EvaluationResults"]
        if "NextToken" not in page:
            return results
        kwargs["NextToken"] = page["NextToken"]


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    emu = Emulator()
    try:
        ids = account.seed(emu.url)
        specs = account.specs()
        print(f"Sample account {ids['account']} seeded in the local emulator ({emu.url}); running {len(specs)} rules.\n")
        failures = 0
        startup: dict[str, float] = {}
        for spec in specs:
            with Function(account.binary(spec["name"]), account.rule_env(emu.url)) as function:
                startup[spec["name"]] = function.wait_ready()
                for event in account.deployment_events(emu.url, spec):
                    result = function.invoke(event)
                    if not result.ok:
                        failures += 1
                        print(f"{spec['name']}: {result.error_type}: {result.error_message}")
        for spec in specs:
            results = sorted(console(emu, spec["name"]), key=lambda r: (ORDER[r["ComplianceType"]], r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]))
            counts = {k: sum(r["ComplianceType"] == k for r in results) for k in ORDER}
            summary = ", ".join(f"{n} {k.lower().replace('_', '-')}" for k, n in counts.items() if n) or "no resources in scope"
            print(f"{spec['name']}  ({spec['trigger']}; {summary})")
            for r in results:
                q = r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
                print(f"  {r['ComplianceType']:<15} {q['ResourceType']:<26} {q['ResourceId']}")
                for line in textwrap.wrap(r.get("Annotation", ""), 96):
                    print(f"  {'':<15} {line}")
            print()
        slowest = max(startup.items(), key=lambda kv: kv[1])
        print(f"Rule binaries started in {min(startup.values()) * 1000:.0f}-{slowest[1] * 1000:.0f} ms (debug build, spawn to first Runtime API poll).")
        return 1 if failures else 0
    finally:
        emu.stop()


if __name__ == "__main__":
    sys.exit(main())
