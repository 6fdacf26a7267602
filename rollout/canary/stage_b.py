"""Stage B: the Stage B gate, alert rule create/read/delete on a throw-away ticker (legacy and,
when ALERTS_V2_ENABLED, v2), cleaned up even when a step fails.

The routes answer as the earlier API did: a create is a 200 with the rule, a delete a 200 with
`{success, deleted_id}`, and a v2 type while ALERTS_V2_ENABLED is off a 400
`"Invalid rule_type. Valid: <the types allowed now>"`, a list the v2 types are left out of.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from core.flags import Flag
from rollout.canary.client import (
    CanaryClient,
    CheckFailed,
    Outcome,
    describe,
    error_text,
    expect_status,
    fail,
    ok,
    require_keys,
    response_json,
)
from rollout.canary.gates import check_gate
from rollout.canary.options import CanaryOptions

# Throw-away alert rules: never-firing thresholds on a random symbol no one holds.
THROWAWAY_PREFIX = "ZQ"
LEGACY_RULE = {"rule_type": "score_above", "threshold": 99.0}
V2_RULE = {"rule_type": "ev_above", "threshold": 99.0}
INVALID_RULE_TYPE = "Invalid rule_type. Valid: "


def _refused_as_invalid(message: str, rule_type: str) -> bool:
    """The earlier refusal of a rule type not allowed now, with `rule_type` not among the valid."""
    if not message.startswith(INVALID_RULE_TYPE):
        return False
    valid = {name.strip() for name in message.removeprefix(INVALID_RULE_TYPE).split(",")}
    return rule_type not in valid


def throwaway_ticker() -> str:
    """A valid symbol (five letters) no one holds or analyses: ZQ plus three random letters."""
    return THROWAWAY_PREFIX + "".join(secrets.choice(string.ascii_uppercase) for _ in range(3))


class AlertProbe:
    """Alert rules made on one throw-away ticker, and their removal."""

    def __init__(self, canary: CanaryClient, window_hours: int) -> None:
        self.canary = canary
        self.window_hours = window_hours
        self.ticker = throwaway_ticker()
        self.created: list[int] = []

    def alerts_v2_enabled(self) -> tuple[bool, str]:
        try:
            return self.canary.posture(self.window_hours)[Flag.ALERTS_V2.value] is True, "rollout status"
        except (CheckFailed, KeyError):
            listing = self.canary.get_json("/api/alerts", params={"ticker": self.ticker})
            return bool(
                require_keys(listing, ("alerts_v2_enabled",), "GET /api/alerts")["alerts_v2_enabled"]
            ), "GET /api/alerts"

    def create_and_read(self, rule: dict[str, Any]) -> dict[str, Any]:
        response = self.canary.request("POST", "/api/alerts", json={"ticker": self.ticker, **rule})
        expect_status(response, 200)
        created = require_keys(
            response_json(response), ("id", "ticker", "rule_type", "threshold", "enabled"), "POST /api/alerts"
        )
        self.created.append(int(created["id"]))
        stored = require_keys(
            self.canary.get_json(f"/api/alerts/{created['id']}"), ("rule_type",), "GET /api/alerts/{id}"
        )
        for key in ("ticker", "rule_type", "threshold"):
            want = self.ticker if key == "ticker" else rule[key]
            if stored.get(key) != want:
                raise CheckFailed(
                    f"rule #{created['id']} read back with {key}={stored.get(key)!r}, not {want!r}"
                )
        return stored

    def check_legacy(self) -> Outcome:
        stored = self.create_and_read(LEGACY_RULE)
        return ok(
            f"created and read back {stored['rule_type']} {LEGACY_RULE['threshold']:g} "
            f"(#{stored['id']}) on {self.ticker}"
        )

    def check_v2(self) -> Outcome:
        enabled, source = self.alerts_v2_enabled()
        if enabled:
            stored = self.create_and_read(V2_RULE)
            return ok(
                f"ALERTS_V2_ENABLED on ({source}): created and read back {stored['rule_type']} "
                f"{V2_RULE['threshold']:g} (#{stored['id']}) on {self.ticker}"
            )
        response = self.canary.request("POST", "/api/alerts", json={"ticker": self.ticker, **V2_RULE})
        if response.status_code in (200, 201):
            body = response.json() if "json" in response.headers.get("content-type", "") else {}
            if isinstance(body, dict) and "id" in body:
                self.created.append(int(body["id"]))
            return fail(f"ALERTS_V2_ENABLED off ({source}) yet a v2 {V2_RULE['rule_type']} rule was accepted")
        message = error_text(response)
        if response.status_code == 400 and _refused_as_invalid(message, V2_RULE["rule_type"]):
            return ok(
                f"ALERTS_V2_ENABLED off ({source}): {V2_RULE['rule_type']} refused with 400 "
                "leaving it out of the valid rule types"
            )
        return fail(
            f'ALERTS_V2_ENABLED off ({source}): expected a 400 "{INVALID_RULE_TYPE}..." without '
            f"{V2_RULE['rule_type']}, got {describe(response)}"
        )

    def check_cleanup(self) -> Outcome:
        """Delete what this run made, then anything else left on the throw-away ticker."""
        deleted, problems = [], []
        for rule_id in self.created:
            try:
                response = self.canary.request("DELETE", f"/api/alerts/{rule_id}")
                body = response_json(response) if response.status_code == 200 else {}
                if body.get("success") is True and body.get("deleted_id") == rule_id:
                    deleted.append(rule_id)
                else:
                    problems.append(describe(response))
            except CheckFailed as exc:
                problems.append(str(exc))
        leftovers = self._leftovers(problems)
        if leftovers:
            problems.append(f"still there: {', '.join(f'#{i}' for i in leftovers)}")
        if problems:
            shown = ", ".join(f"#{i}" for i in deleted) or "none"
            return fail(f"on {self.ticker}: deleted {shown}; " + "; ".join(problems))
        if not self.created:
            return ok(f"nothing was created on {self.ticker}; none left")
        return ok(f"deleted {', '.join(f'#{i}' for i in deleted)} on {self.ticker}; none left")

    def _leftovers(self, problems: list[str]) -> list[int]:
        try:
            listing = self.canary.get_json("/api/alerts", params={"ticker": self.ticker})
            rules = require_keys(listing, ("rules",), "GET /api/alerts")["rules"]
        except CheckFailed as exc:
            problems.append(f"could not list the rules left: {exc}")
            return []
        left = []
        for rule in rules:
            rule_id = rule.get("id")
            try:
                response = self.canary.request("DELETE", f"/api/alerts/{rule_id}")
                if response.status_code != 200:
                    left.append(rule_id)
            except CheckFailed:
                left.append(rule_id)
        return left


def run_stage_b(canary: CanaryClient, options: CanaryOptions) -> None:
    window = options.window_for("stage_b")
    canary.check("stage_b", "stage_b_gate", lambda: check_gate(canary, "stage_b", window))
    probe = AlertProbe(canary, window)
    try:
        canary.check("stage_b", "alert_legacy_rule_crud", probe.check_legacy)
        canary.check("stage_b", "alert_v2_rule_crud", probe.check_v2)
    finally:
        canary.check("stage_b", "alert_cleanup", probe.check_cleanup)
