"""Preflight: `/health` healthy, the rollout status payload, every flag's posture, the
signal-contract schema."""

from __future__ import annotations

from typing import Any

from core.flags import Flag
from rollout.canary.client import STATUS_KEYS, STATUS_PATH, CanaryClient, Outcome, fail, ok, response_json
from rollout.canary.options import CanaryOptions


def _format_flags(flags: dict[str, Any], names: list[str]) -> str:
    on = [name for name in names if flags.get(name) is True]
    off = [name for name in names if flags.get(name) is False]
    return f"on: {', '.join(on) or 'none'}; off: {', '.join(off) or 'none'}"


def check_health(canary: CanaryClient) -> Outcome:
    response = canary.request("GET", "/health")
    body = response_json(response) if "json" in response.headers.get("content-type", "") else {}
    status = body.get("status") if isinstance(body, dict) else None
    facts = (
        f"status {status}, database_connected={body.get('database_connected')}, "
        f"schema_up_to_date={body.get('schema_up_to_date')}, broker={body.get('broker_reachable')}, "
        f"version {body.get('version')}"
        if isinstance(body, dict)
        else ""
    )
    if response.status_code == 200 and status == "healthy":
        return ok(f"GET /health → 200, {facts}", health=body)
    return fail(f"GET /health → {response.status_code}, {facts or 'no JSON body'}", health=body)


def check_status_payload(canary: CanaryClient, window_hours: int) -> Outcome:
    payload = canary.status(window_hours)
    gates = payload.get("gates") or {}
    summary = ", ".join(
        f"{name}={'pass' if isinstance(gate, dict) and gate.get('passed') else 'fail'}"
        for name, gate in gates.items()
    )
    return ok(
        f"GET {STATUS_PATH}?window_hours={window_hours} → 200 with {', '.join(STATUS_KEYS)}; "
        f"gates: {summary or 'none'}",
        window_hours=window_hours,
    )


def check_flag_posture(canary: CanaryClient, window_hours: int, *, require_off: bool = False) -> Outcome:
    """Every flag listed as true/false; with `require_off`, every one false, as the runbook's
    preflight deploys ("Deploy code + DB migrations with all new flags `false`")."""
    flags = canary.posture(window_hours)
    expected = [flag.value for flag in Flag]
    missing = [name for name in expected if name not in flags]
    not_bool = [name for name in expected if name in flags and not isinstance(flags[name], bool)]
    listed = _format_flags(flags, expected)
    if missing or not_bool:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if not_bool:
            problems.append(f"not true/false: {', '.join(not_bool)}")
        return fail(f"{'; '.join(problems)}; {listed}", feature_flags=flags)
    on = [name for name in expected if flags[name]]
    if require_off and on:
        return fail(
            f"preflight needs all new flags false (the runbook's deploy posture); {listed}",
            feature_flags=flags,
        )
    return ok(f"all {len(expected)} flags listed; {listed}", feature_flags=flags)


def check_contract_schema(canary: CanaryClient) -> Outcome:
    path = "/api/schemas/signal-contract-v2.json"
    schema = canary.get_json(path)
    if not isinstance(schema, dict) or not ("properties" in schema or "$schema" in schema):
        return fail(f"GET {path} → 200 but the body is not a JSON Schema")
    title = schema.get("title") or schema.get("$id") or "untitled"
    return ok(f"GET {path} → 200, JSON Schema '{title}' with {len(schema.get('properties', {}))} properties")


def run_preflight(canary: CanaryClient, options: CanaryOptions) -> None:
    window = options.window_for("preflight")
    canary.check("preflight", "health", lambda: check_health(canary))
    canary.check("preflight", "rollout_status", lambda: check_status_payload(canary, window))
    canary.check(
        "preflight",
        "flag_posture",
        lambda: check_flag_posture(canary, window, require_off=options.preflight_requires_flags_off),
    )
    canary.check("preflight", "contract_schema", lambda: check_contract_schema(canary))
