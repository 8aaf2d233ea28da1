#!/usr/bin/env python3
"""One summary line of a schemathesis run, from its NDJSON report.

    summary.py REPORT_DIR [--by-operation]

Prints e.g. `20 operations, 1940 test cases, 1940 requests (2xx 1210, 4xx 730,
5xx 0), 15 checks, 0 failing (operation, check) pairs`; with --by-operation also one line per
operation with its status codes. Exits 1 when the report is missing.
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path


def main() -> int:
    args = sys.argv[1:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    reports = sorted(Path(args[0]).glob("*.ndjson"))
    if not reports:
        print(f"no NDJSON report in {args[0]}", file=sys.stderr)
        return 1
    operations: set[str] = set()
    cases: set[str] = set()
    classes: collections.Counter[str] = collections.Counter()
    by_operation: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    checks: set[str] = set()
    failed: set[tuple[str, str]] = set()
    for line in reports[-1].open(encoding="utf-8"):
        event = json.loads(line)
        if "LoadingFinished" in event:
            operations_total = event["LoadingFinished"].get("statistic", {}).get("operations", {}).get("selected")
            if operations_total is not None:
                operations.add(f"#{operations_total}")
        finished = event.get("ScenarioFinished")
        if not finished or finished.get("status") == "skip":
            continue
        recorder = finished["recorder"]
        label = recorder.get("label", "?")
        for case_id, case in recorder.get("cases", {}).items():
            cases.add(case_id)
            value = case.get("value", {})
            if value.get("method") and value.get("path"):
                operations.add(f"{value['method']} {value['path']}")
        for interaction in recorder.get("interactions", {}).values():
            response = interaction.get("response")
            if not response:
                classes["no response"] += 1
                continue
            status = response["status_code"]
            classes[f"{status // 100}xx"] += 1
            by_operation[label][status] += 1
        for results in recorder.get("checks", {}).values():
            for check in results:
                checks.add(check["name"])
                if check["status"] == "failure":
                    failed.add((label, check["name"]))
    declared = [o for o in operations if o.startswith("#")]
    tested = len([o for o in operations if not o.startswith("#")])
    total = declared[0][1:] if declared else str(tested)
    requests = sum(classes.values())
    statuses = ", ".join(f"{name} {classes.get(name, 0)}" for name in ("2xx", "4xx", "5xx"))
    others = sum(n for name, n in classes.items() if name not in ("2xx", "4xx", "5xx"))
    if others:
        statuses += f", other {others}"
    print(f"{total} operations, {len(cases)} test cases, {requests} requests ({statuses}), {len(checks)} checks, {len(failed)} failing (operation, check) pairs")
    if "--by-operation" in args:
        for label in sorted(by_operation):
            codes = " ".join(f"{code}x{n}" for code, n in sorted(by_operation[label].items()))
            print(f"  {label}: {codes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
