"""Stage A: the Stage A gate, the Stage A flag posture, reliability bins."""

from __future__ import annotations

from core.flags import Flag
from rollout.canary.client import CanaryClient, Outcome, fail, ok, require_keys
from rollout.canary.gates import check_gate
from rollout.canary.options import CanaryOptions

STAGE_A_POSTURE = {
    Flag.SCHEDULED_SIGNAL_CONTRACT_V2.value: True,
    Flag.SCHEDULED_CALIBRATION_ECONOMICS.value: True,
    Flag.SIGNAL_CONTRACT_V2.value: False,
    Flag.CALIBRATION_ECONOMICS.value: False,
}


def check_stage_a_posture(canary: CanaryClient, window_hours: int) -> Outcome:
    flags = canary.posture(window_hours)
    wrong = [
        f"{name} is {flags.get(name)} (want {str(want).lower()})"
        for name, want in STAGE_A_POSTURE.items()
        if flags.get(name) is not want
    ]
    listed = ", ".join(f"{name}={str(flags.get(name)).lower()}" for name in STAGE_A_POSTURE)
    if wrong:
        return fail("Stage A posture wrong: " + "; ".join(wrong))
    return ok(f"scheduled overrides on, globals off: {listed}")


def check_reliability(canary: CanaryClient) -> Outcome:
    path = "/api/calibration/reliability?horizon_days=7"
    payload = require_keys(canary.get_json(path), ("bins",), f"GET {path}")
    bins = payload["bins"]
    if not isinstance(bins, list):
        return fail(f"GET {path} → 200 but bins is not a list")
    filled = sum(1 for b in bins if isinstance(b, dict) and (b.get("sample_size") or 0) > 0)
    return ok(
        f"GET {path} → 200, {len(bins)} bin(s), {filled} with samples, "
        f"total_samples {payload.get('total_samples')}, as of {payload.get('as_of_date')}"
    )


def run_stage_a(canary: CanaryClient, options: CanaryOptions) -> None:
    window = options.window_for("stage_a")
    canary.check("stage_a", "stage_a_gate", lambda: check_gate(canary, "stage_a", window))
    canary.check("stage_a", "stage_a_flag_posture", lambda: check_stage_a_posture(canary, window))
    canary.check("stage_a", "reliability_bins", lambda: check_reliability(canary))
