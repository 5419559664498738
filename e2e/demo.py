"""The product's main job, locally: start the emulator, seed a sample account, run every rule
binary as AWS Config would trigger it, and print what the AWS Config console would show.

Run it with ``cargo xtask demo`` (which builds the rules and installs the emulator first).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from typing import Any

import account
from emulator import Emulator
from lambda_runtime_api import Function

ORDER = {"NON_COMPLIANT": 0, "COMPLIANT": 1, "NOT_APPLICABLE": 2}

# Rules that call an API the local emulator (moto) does not implement: in AWS they run; here they
# can only report that error, which is shown but does not fail the demo.
EMULATOR_GAPS = {
    "account-contact-details-configured": "account:GetContactInformation",
    "iam-external-access-analyzer-enabled": "access-analyzer:ListAnalyzers",
    "macie-sensitive-data-discovery-configured": "macie2:GetAutomatedDiscoveryConfiguration",
}


def console(emu: Emulator, rule: str) -> list[dict[str, Any]]:
    config = account.client(emu.url, "config")
    results, kwargs = [], {"ConfigRuleName": rule, "Limit": 100}
    while True:
        page = config.get_compliance_details_by_config_rule(**kwargs)
        results += page["EvaluationResults"]
        if "NextToken" not in page:
            return results
        kwargs["NextToken"] = page["NextToken"]


def cis_report(emu: Emulator) -> str:
    """The CIS v5.0.0 summary of the sample account (cargo xtask cis-report, against the emulator)."""
    xtask = account.ROOT / "target" / "debug" / "xtask"
    env = {**os.environ, **account.rule_env(emu.url)}
    run = subprocess.run([str(xtask), "cis-report", "--rules", "--out", "target/cis-report"], cwd=account.ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        return f"CIS report failed: {run.stderr.strip()}"
    summary = next((line for line in run.stdout.splitlines() if line.startswith("Summary:")), "")
    return f"CIS AWS Foundations Benchmark v5.0.0 for the sample account: {summary.removeprefix('Summary: ')} Full report: target/cis-report/cis-report.md and .html"


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    # AWS managed policies (AWSSupportAccess, AdministratorAccess…) exist in every real account.
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    emu = Emulator()
    try:
        ids = account.seed_demo(emu.url)
        specs = account.specs()
        print(f"Sample account {ids['account']} seeded in the local emulator ({emu.url}); running {len(specs)} rules.\n")
        failures = 0
        gaps: list[str] = []
        startup: dict[str, float] = {}
        for spec in specs:
            with Function(account.binary(spec["name"]), account.rule_env(emu.url)) as function:
                startup[spec["name"]] = function.wait_ready()
                for event in account.deployment_events(emu.url, spec):
                    result = function.invoke(event)
                    if result.ok:
                        continue
                    gap = EMULATOR_GAPS.get(spec["name"])
                    if gap and gap in (result.error_message or ""):
                        gaps.append(f"{spec['name']}: the emulator does not implement {gap}")
                    else:
                        failures += 1
                        print(f"{spec['name']}: {result.error_type}: {result.error_message}")
        for spec, rule in ((spec, rule) for spec in specs for rule, _ in account.pack_rules(spec)):
            results = sorted(console(emu, rule), key=lambda r: (ORDER[r["ComplianceType"]], r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]))
            counts = {k: sum(r["ComplianceType"] == k for r in results) for k in ORDER}
            summary = ", ".join(f"{n} {k.lower().replace('_', '-')}" for k, n in counts.items() if n) or "no resources in scope"
            print(f"{rule}  ({spec['trigger']}; {summary})")
            for r in results:
                q = r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
                print(f"  {r['ComplianceType']:<15} {q['ResourceType']:<26} {q['ResourceId']}")
                for line in textwrap.wrap(r.get("Annotation", ""), 96):
                    print(f"  {'':<15} {line}")
            print()
        report = cis_report(emu)
        slowest = max(startup.items(), key=lambda kv: kv[1])
        print(f"Rule binaries started in {min(startup.values()) * 1000:.0f}-{slowest[1] * 1000:.0f} ms (debug build, spawn to first Runtime API poll).")
        for gap in gaps:
            print(f"Not run locally: {gap} (it runs in AWS).")
        print(report)
        return 1 if failures else 0
    finally:
        emu.stop()


if __name__ == "__main__":
    sys.exit(main())
