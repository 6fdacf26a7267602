"""A stage's gate in the rollout status payload: the gate check stages A and B share."""

from __future__ import annotations

from typing import Any

from rollout.canary.client import CanaryClient, Outcome, fail, ok


def check_gate(canary: CanaryClient, gate_name: str, window_hours: int) -> Outcome:
    gates = canary.status(window_hours).get("gates")
    gate = gates.get(gate_name) if isinstance(gates, dict) else None
    if not isinstance(gate, dict):
        return fail(f"rollout status over {window_hours} h has no gates.{gate_name}")
    checks = [c for c in gate.get("checks") or [] if isinstance(c, dict)]
    failing = [c for c in checks if not c.get("passed")]
    manual = gate.get("manual_checks") or []
    manual_note = f"; {len(manual)} manual check(s) left to a person" if manual else ""
    if gate.get("passed") is True:
        return ok(
            f"gates.{gate_name}.passed over {window_hours} h ({len(checks)} check(s) passing){manual_note}",
            gate=gate,
        )
    reasons = "; ".join(_describe_gate_check(c) for c in failing) or "passed is not true"
    return fail(f"gates.{gate_name} not passed over {window_hours} h: {reasons}{manual_note}", gate=gate)


def _describe_gate_check(check: dict[str, Any]) -> str:
    text = f"{check.get('name', '?')} actual {check.get('actual')} vs threshold {check.get('threshold')}"
    if check.get("detail"):
        text += f" ({check['detail']})"
    return text
