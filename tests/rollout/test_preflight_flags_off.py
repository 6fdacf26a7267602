"""Preflight checks the runbook's posture: "Deploy code + DB migrations with all new flags `false`"."""

from __future__ import annotations

import httpx

from rollout.canary import CanaryOptions
from tests.rollout.test_canary_checks import run, status_payload


def deployment(flags: dict[str, bool] | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/rollout/phase7/status":
            return httpx.Response(200, json=status_payload(flags))
        return httpx.Response(404, json={"detail": "Not found."})

    return handler


def test_it_passes_the_posture_with_every_flag_false() -> None:
    assert run("preflight", deployment())["flag_posture"].passed


def test_it_fails_preflight_when_a_flag_is_on_and_names_it() -> None:
    result = run("preflight", deployment({"ALERTS_V2_ENABLED": True}))["flag_posture"]
    assert not result.passed
    assert "all new flags false" in result.detail
    assert "on: ALERTS_V2_ENABLED" in result.detail


def test_it_only_lists_the_posture_when_every_stage_is_checked() -> None:
    # `--stage all` checks a deployment past preflight: its flags are on by design.
    options = CanaryOptions(preflight_requires_flags_off=False)
    assert run("preflight", deployment({"ALERTS_V2_ENABLED": True}), options)["flag_posture"].passed
