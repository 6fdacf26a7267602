"""The stage A–D gates of the rollout status (`rollout.metrics`): each check against its
threshold, in the earlier API's shape (`threshold` its string, `threshold_value` the bound).
A stage passes when every automated check passes; `manual_checks` never affect `passed`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calibration.models import HORIZONS
from core.flags import Flag

SCHEDULED_RUN_SUCCESS_MIN = 0.99
CONTRACT_VALID_MIN = 0.98
NON_EMPTY_HORIZONS_MIN = 1
PORTFOLIO_ACTION_PARSEABLE_MIN = 0.98
UNKNOWN_RULE_TYPES_MAX = 0
WATCHLIST_ANALYSES_MIN = 1
WATCHLIST_EV_MIN = 0.98

STAGE_A_MANUAL = ["No schema regression for existing clients (legacy response keys unchanged)."]
STAGE_B_MANUAL = [
    "v2 alert rule create/read succeeds (canary stage_b alert CRUD on throw-away tickers).",
    "Legacy alert workflows unchanged; valid legacy alert rules are not rejected by the API.",
]
STAGE_C_MANUAL = [
    "Watchlist SSE consistently emits `done` with `opportunities` (canary stage_c).",
    "20-ticker watchlist runtime (concurrency 4) is >= 2x faster than the sequential baseline "
    "(canary stage_c --stage-c-required-speedup 2.0).",
]
STAGE_D_MANUAL = [
    "PM tabs render with v2-first + legacy fallback behaviour (canary stage_d --frontend-url).",
    "No blocking regressions in history/watchlist/alerts/portfolio flows.",
]


def ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _threshold_text(threshold: Any, comparison: str) -> str:
    """The earlier API's threshold string (">= 0.99", "== 0", "== true")."""
    if isinstance(threshold, bool):
        return f"{comparison} {str(threshold).lower()}"
    if comparison == "<=" and threshold == 0:
        comparison = "=="  # a count of at most 0
    return f"{comparison} {threshold:g}"


def _check(
    name: str, *, passed: bool, actual: Any, threshold: Any, detail: str, comparison: str = ">="
) -> dict[str, Any]:
    """One gate check: `threshold` is the earlier string, `threshold_value` the bare bound."""
    return {
        "name": name,
        "passed": passed,
        "actual": actual,
        "threshold": _threshold_text(threshold, comparison),
        "threshold_value": threshold,
        "comparison": comparison,
        "detail": detail,
    }


def coverage_check(
    name: str,
    *,
    hits: int,
    total: int,
    minimum: float,
    what: str,
    empty: str,
    empty_passes: bool = False,
    empty_actual: float | None = None,
) -> dict[str, Any]:
    """At least `minimum` of `total` rows are hits; no rows at all fails with `empty` (or passes)."""
    if not total:
        return _check(name, passed=empty_passes, actual=empty_actual, threshold=minimum, detail=empty)
    # Compared unrounded, so 0.98996 never passes a 0.99 gate by rounding.
    passed = hits / total >= minimum
    return _check(
        name,
        passed=passed,
        actual=ratio(hits, total),
        threshold=minimum,
        detail=f"{hits} of {total} {what} (need >= {minimum:.0%})",
    )


def _flag_check(name: str, flag: Flag, posture: Mapping[str, bool]) -> dict[str, Any]:
    on = bool(posture[flag.value])
    return _check(
        name,
        passed=on,
        actual=on,
        threshold=True,
        detail=f"{flag.value} is {'on' if on else 'off'}",
        comparison="==",
    )


def _gate(checks: list[dict[str, Any]], manual_checks: list[str]) -> dict[str, Any]:
    return {
        "passed": bool(checks) and all(check["passed"] for check in checks),
        "checks": checks,
        "manual_checks": list(manual_checks),
    }


def stage_a_gate(
    runs: Mapping[str, Any], scheduled: Mapping[str, Any], bins: Mapping[str, Any], in_flight: int
) -> dict[str, Any]:
    run_check = coverage_check(
        "scheduled_run_success_rate",
        hits=runs["success_runs"],
        total=runs["total_runs"],
        minimum=SCHEDULED_RUN_SUCCESS_MIN,
        what="scheduled runs succeeded",
        empty="no scheduled runs in the window",
    )
    if in_flight:
        run_check["detail"] += f"; {in_flight} run(s) still in flight not counted"
    non_empty = bins["non_empty_horizon_count"]
    checks = [
        run_check,
        coverage_check(
            "scheduled_signal_contract_valid_coverage",
            hits=scheduled["signal_contract_valid_count"],
            total=scheduled["total"],
            minimum=CONTRACT_VALID_MIN,
            what="scheduled analyses carry a valid signal_contract_v2",
            empty="no scheduled analyses in the window",
        ),
        _check(
            "reliability_non_empty_horizons",
            passed=non_empty >= NON_EMPTY_HORIZONS_MIN,
            actual=non_empty,
            threshold=NON_EMPTY_HORIZONS_MIN,
            detail=f"{non_empty} of {len(HORIZONS)} horizons have reliability bins with samples "
            f"(need >= {NON_EMPTY_HORIZONS_MIN})",
        ),
    ]
    return _gate(checks, STAGE_A_MANUAL)


def stage_b_gate(parseable: int, v2_total: int, rules: Mapping[str, Any]) -> dict[str, Any]:
    unknown = rules["unknown_type_count"]
    unknown_detail = f"{unknown} alert rule(s) of unknown type"
    if rules["unknown_types"]:
        unknown_detail += ": " + ", ".join(rules["unknown_types"])
    checks = [
        coverage_check(
            "portfolio_action_v2_parseable_coverage",
            hits=parseable,
            total=v2_total,
            minimum=PORTFOLIO_ACTION_PARSEABLE_MIN,
            what="v2 analyses sized by optimizer v2 carry a parseable portfolio_action_v2",
            empty="no v2 analyses in the window",
            empty_actual=0.0,  # the earlier API's coverage with nothing to cover
        ),
        _check(
            "unknown_alert_rule_types",
            passed=unknown <= UNKNOWN_RULE_TYPES_MAX,
            actual=unknown,
            threshold=UNKNOWN_RULE_TYPES_MAX,
            detail=f"{unknown_detail} (need <= {UNKNOWN_RULE_TYPES_MAX})",
            comparison="<=",
        ),
    ]
    return _gate(checks, STAGE_B_MANUAL)


def stage_c_gate(watchlist: Mapping[str, int], posture: Mapping[str, bool]) -> dict[str, Any]:
    total = watchlist["total"]
    checks = [
        _flag_check("watchlist_ranking_enabled", Flag.WATCHLIST_RANKING, posture),
        _check(
            "watchlist_analyses_in_window",
            passed=total >= WATCHLIST_ANALYSES_MIN,
            actual=total,
            threshold=WATCHLIST_ANALYSES_MIN,
            detail=f"{total} watchlist analyses in the window (need >= {WATCHLIST_ANALYSES_MIN})",
        ),
        coverage_check(
            "watchlist_v2_ev_coverage",
            hits=watchlist["v2_with_ev"],
            total=watchlist["v2"],
            minimum=WATCHLIST_EV_MIN,
            what="v2 watchlist analyses carry ev_score_7d (ranking input)",
            # The plan keeps SIGNAL_CONTRACT_V2_ENABLED off through Stage D, so watchlist runs
            # may all be v1: they rank by score then, and there is no EV to be missing.
            empty="no v2 watchlist analyses in the window (v1 analyses rank by score)",
            empty_passes=True,
        ),
    ]
    return _gate(checks, STAGE_C_MANUAL)


def stage_d_gate(posture: Mapping[str, bool]) -> dict[str, Any]:
    return _gate([_flag_check("ui_pm_dashboard_enabled", Flag.UI_PM_DASHBOARD, posture)], STAGE_D_MANUAL)
