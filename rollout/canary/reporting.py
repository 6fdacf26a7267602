"""What a run ends with: the `N/M checks passed` line and the JSON report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from rollout.canary.client import CheckResult


def summary_line(results: list[CheckResult]) -> str:
    return f"{sum(r.passed for r in results)}/{len(results)} checks passed"


def report(base_url: str, stages: tuple[str, ...], results: list[CheckResult]) -> dict[str, Any]:
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "base_url": base_url,
        "stages": list(stages),
        "checks": [asdict(result) for result in results],
        "passed": sum(result.passed for result in results),
        "total": len(results),
    }
