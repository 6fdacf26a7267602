"""Stage C and D: the checks the database can answer, and the runbook's manual items."""

from __future__ import annotations

from typing import Any

import pytest

from rollout.metrics import rollout_status
from tests.rollout.gate_rows import NOW, make_analysis, valid_contract

pytestmark = pytest.mark.django_db


def _gates() -> dict[str, Any]:
    return rollout_status(window_hours=24, now=NOW)["gates"]


def _checks(gate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in gate["checks"]}


def test_stage_c_passes_with_ranking_on_and_watchlist_analyses_carrying_ev(flag: Any) -> None:
    flag("WATCHLIST_RANKING_ENABLED", True)
    for _ in range(4):
        make_analysis(run_kind="watchlist", contract=valid_contract())
    make_analysis(run_kind="watchlist")  # a v1 watchlist row needs no EV
    gate = _gates()["stage_c"]
    assert gate["passed"] is True, gate
    assert list(_checks(gate)) == [
        "watchlist_ranking_enabled",
        "watchlist_analyses_in_window",
        "watchlist_v2_ev_coverage",
    ]
    assert _checks(gate)["watchlist_analyses_in_window"]["actual"] == 5


def test_stage_c_lists_the_canary_measurements_as_manual_checks() -> None:
    manual = " ".join(_gates()["stage_c"]["manual_checks"])
    assert "done" in manual and "opportunities" in manual
    assert "2x" in manual


def test_stage_c_fails_without_watchlist_runs(flag: Any) -> None:
    flag("WATCHLIST_RANKING_ENABLED", True)
    make_analysis(run_kind="interactive", contract=valid_contract())
    gate = _gates()["stage_c"]
    checks = _checks(gate)
    assert gate["passed"] is False
    assert (
        checks["watchlist_analyses_in_window"]["passed"],
        checks["watchlist_analyses_in_window"]["actual"],
    ) == (
        False,
        0,
    )
    assert checks["watchlist_v2_ev_coverage"]["detail"].startswith("no v2 watchlist analyses in the window")


def test_stage_c_passes_with_v1_watchlist_analyses_as_the_plan_keeps_the_global_contract_off(
    flag: Any,
) -> None:
    flag("WATCHLIST_RANKING_ENABLED", True)
    make_analysis(run_kind="watchlist", contract=None)
    gate = _gates()["stage_c"]
    check = _checks(gate)["watchlist_v2_ev_coverage"]
    assert (check["passed"], check["actual"]) == (True, None)
    assert "v1 analyses rank by score" in check["detail"]
    assert gate["passed"] is True


def test_stage_c_fails_when_v2_watchlist_analyses_lack_ev(flag: Any) -> None:
    flag("WATCHLIST_RANKING_ENABLED", True)
    make_analysis(run_kind="watchlist", contract=valid_contract())
    make_analysis(run_kind="watchlist", contract=valid_contract(), ev_score_7d=None)
    check = _checks(_gates()["stage_c"])["watchlist_v2_ev_coverage"]
    assert (check["passed"], check["actual"], check["threshold_value"]) == (False, 0.5, 0.98)


def test_stage_c_fails_with_ranking_off() -> None:
    make_analysis(run_kind="watchlist", contract=valid_contract())
    check = _checks(_gates()["stage_c"])["watchlist_ranking_enabled"]
    assert (check["passed"], check["actual"], check["threshold"]) == (False, False, "== true")


def test_stage_d_follows_the_ui_flag(flag: Any) -> None:
    gate = _gates()["stage_d"]
    assert gate["passed"] is False
    assert any("PM tabs render" in item for item in gate["manual_checks"])
    flag("UI_PM_DASHBOARD_ENABLED", True)
    gate = _gates()["stage_d"]
    assert gate["passed"] is True
    assert gate["checks"] == [
        {
            "name": "ui_pm_dashboard_enabled",
            "passed": True,
            "actual": True,
            "threshold": "== true",
            "threshold_value": True,
            "comparison": "==",
            "detail": "UI_PM_DASHBOARD_ENABLED is on",
        }
    ]


def test_manual_checks_never_decide_a_gate(flag: Any) -> None:
    flag("UI_PM_DASHBOARD_ENABLED", True)
    gate = _gates()["stage_d"]
    assert gate["manual_checks"] and gate["passed"] is True
