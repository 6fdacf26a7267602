"""The canary: the HTTP client with every stage's checks, run stage by stage."""

from __future__ import annotations

from collections.abc import Callable

from rollout.canary.client import CanaryClient, CheckResult
from rollout.canary.options import CanaryOptions
from rollout.canary.preflight import run_preflight
from rollout.canary.stage_a import run_stage_a
from rollout.canary.stage_b import run_stage_b
from rollout.canary.stage_c import run_stage_c
from rollout.canary.stage_d import run_stage_d

STAGE_RUNNERS: dict[str, Callable[[CanaryClient, CanaryOptions], None]] = {
    "preflight": run_preflight,
    "stage_a": run_stage_a,
    "stage_b": run_stage_b,
    "stage_c": run_stage_c,
    "stage_d": run_stage_d,
}


class Canary(CanaryClient):
    """An authenticated HTTP client for one deployment, and the checks run against it."""

    def run(
        self,
        stages: tuple[str, ...],
        options: CanaryOptions,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> list[CheckResult]:
        """Every check of `stages`, in order; `on_result` sees each result as it comes."""
        before = len(self.results)
        self.on_result = on_result
        try:
            for stage in stages:
                STAGE_RUNNERS[stage](self, options)
        finally:
            self.on_result = None
        return self.results[before:]
