"""Phase 7 rollout gates, computed from the database (the earlier `src/rollout_metrics.py`).

`rollout_status()` returns the earlier system's "Rollout status" shape (generated_at,
window_hours, since_timestamp, metrics, gates, feature_flags) plus a `legacy_reads` block for
the N+1 deprecation gate. Ratios are fractions in ``[0, 1]`` rounded to 4 decimals and are
None when there is nothing to divide by; a gate check with nothing to measure fails and says
so. A stage passes when every automated check passes; `manual_checks` list what the runbook
asks a person (or the canary) to confirm and never affect `passed`.

Replay analyses (`run_kind="replay"`) re-run the past: they are in no count here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from alerts.models import LEGACY_RULE_TYPES, AlertRule, RuleType
from analysis.contract import is_valid_signal_contract_v2
from analysis.models import Analysis, RunKind, SchemaVersion
from calibration.models import HORIZONS, ReliabilityBin, ScheduleRun
from portfolio.optimizer import ACTIONS as OPTIMIZER_ACTIONS
from rollout.flags import Flag, flag_posture
from rollout.telemetry import legacy_read_totals

MIN_WINDOW_HOURS = 1
MAX_WINDOW_HOURS = 720  # 30 days, the earlier API's bound
DEFAULT_WINDOW_HOURS = 72

SCHEDULED_RUN_SUCCESS_MIN = 0.99
CONTRACT_VALID_MIN = 0.98
NON_EMPTY_HORIZONS_MIN = 1
PORTFOLIO_ACTION_PARSEABLE_MIN = 0.98
UNKNOWN_RULE_TYPES_MAX = 0
WATCHLIST_ANALYSES_MIN = 1
WATCHLIST_EV_MIN = 0.98
#: A run started less than this long ago and not finished is in flight, not failed.
IN_FLIGHT_GRACE = dt.timedelta(hours=1)
#: A schedule run with this reason re-runs the past; it is not a scheduled run.
REPLAY_RUN_REASON = "replay"
#: The keys a parseable `portfolio_action_v2` carries as finite numbers.
PORTFOLIO_ACTION_WEIGHTS = ("target_weight", "current_weight", "delta_weight")

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


# --- helpers ------------------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
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
        actual=_ratio(hits, total),
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


def _finite(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def is_parseable_portfolio_action(value: object) -> bool:
    """A `portfolio_action_v2` a client can act on, in ours or the earlier system's format.

    Ours: a known ``action``, finite numeric target/current/delta weights. The earlier
    optimizer's (on databases adopted mid-rollout): a known ``recommended_action`` and a
    finite ``target_delta_pct``, as its own gate required. Both need a ``constraint_trace``
    list. The optimizer's failure stub (``{"action": "hold", "error": ...}``) is not parseable.
    """
    if not isinstance(value, Mapping) or not isinstance(value.get("constraint_trace"), list):
        return False
    if value.get("action") in OPTIMIZER_ACTIONS and all(
        _finite(value.get(key)) for key in PORTFOLIO_ACTION_WEIGHTS
    ):
        return True
    action = value.get("recommended_action")
    earlier_action = action.strip() if isinstance(action, str) else None
    return earlier_action in OPTIMIZER_ACTIONS and _finite(value.get("target_delta_pct"))


# --- metrics ------------------------------------------------------------------------------------


def windowed_analyses(*, since: dt.datetime, now: dt.datetime) -> QuerySet[Analysis]:
    """Analyses stored in the window, replays excluded (rows with no run_kind are kept)."""
    return Analysis.objects.filter(timestamp__gte=since, timestamp__lte=now).exclude(run_kind=RunKind.REPLAY)


def scheduled_run_metrics(*, since: dt.datetime, now: dt.datetime) -> tuple[dict[str, Any], int]:
    """(metrics, runs in flight) of the scheduler's runs started in the window.

    Success is ``success=True``. Replays are not scheduled runs; a run still in flight
    (unfinished, started within `IN_FLIGHT_GRACE`) is not counted yet, so the gate does not
    flap while a worker is busy; an older unfinished run counts as a failure.
    """
    runs = (
        ScheduleRun.objects.filter(started_at__gte=since, started_at__lte=now)
        .exclude(run_reason=REPLAY_RUN_REASON)
        .exclude(analysis__run_kind=RunKind.REPLAY)
    )
    in_flight = Q(completed_at__isnull=True, success__isnull=True, started_at__gt=now - IN_FLIGHT_GRACE)
    counts = runs.aggregate(
        total_runs=Count("pk", filter=~in_flight),
        success_runs=Count("pk", filter=Q(success=True)),
        in_flight_runs=Count("pk", filter=in_flight),
    )
    metrics = {
        "total_runs": counts["total_runs"],
        "success_runs": counts["success_runs"],
        "success_rate": _ratio(counts["success_runs"], counts["total_runs"]),
    }
    return metrics, counts["in_flight_runs"]


def _empty_analysis_metrics() -> dict[str, Any]:
    return {
        "total": 0,
        "schema_v2_count": 0,
        "signal_contract_present_count": 0,
        "signal_contract_valid_count": 0,
        "signal_contract_valid_coverage": None,
        "portfolio_action_v2_parseable_count": 0,
        "portfolio_action_v2_coverage_on_v2": 0.0,
        "ev_score_non_null_count": 0,
        "confidence_calibrated_non_null_count": 0,
        "data_quality_non_null_count": 0,
        "regime_label_non_null_count": 0,
    }


class _ContractValidity:
    """Whether a stored contract is valid, remembered by a digest of its stored text.

    Validating one contract against the JSON Schema costs ~2.7 ms (profiled), and the status
    validates every contract in its window on each call: 1,650 of them took 4.5 s. Validity is a
    function of the text alone (the schema is fixed for a process), so a contract rewritten by
    the backfill has a new digest and is validated afresh. Bounded, oldest dropped first.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._known: OrderedDict[bytes, bool] = OrderedDict()

    def is_valid(self, text: str) -> bool:
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        valid = is_valid_signal_contract_v2(json.loads(text))
        with self._lock:
            self._known[key] = valid
            while len(self._known) > self.capacity:
                self._known.popitem(last=False)
        return valid


contract_validity = _ContractValidity()


def analysis_metrics(analyses: QuerySet[Analysis]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scheduled_analyses, all_analyses) metrics; each contract is validated once.

    `portfolio_action_v2_coverage_on_v2` is the earlier metric (parseable actions over every
    v2 analysis); Stage B's gate uses `portfolio_action_counts`, which leaves out analyses that
    ran with the optimizer off.
    """
    groups = {"scheduled": _empty_analysis_metrics(), "all": _empty_analysis_metrics()}
    scheduled = Q(run_kind=RunKind.SCHEDULED)
    fields = {
        "total": "pk",
        "schema_v2_count": Q(analysis_schema_version=SchemaVersion.V2),
        "signal_contract_present_count": "signal_contract_v2",
        "ev_score_non_null_count": "ev_score_7d",
        "confidence_calibrated_non_null_count": "confidence_calibrated",
        "data_quality_non_null_count": "data_quality_score",
        "regime_label_non_null_count": "regime_label",
    }
    aggregates: dict[str, Any] = {}
    for key, column in fields.items():
        if isinstance(column, Q):
            aggregates[f"all_{key}"] = Count("pk", filter=column)
            aggregates[f"scheduled_{key}"] = Count("pk", filter=column & scheduled)
            continue
        # Count(column) counts the rows where the column is not NULL.
        aggregates[f"all_{key}"] = Count(column)
        aggregates[f"scheduled_{key}"] = Count(column, filter=scheduled)
    for name, value in analyses.aggregate(**aggregates).items():
        group, key = name.split("_", 1)
        groups[group][key] = value
    # The stored text, not the decoded object: it is the memo's key, decoded only when new.
    contracts = (
        analyses.filter(signal_contract_v2__isnull=False)
        .values_list("run_kind", Cast("signal_contract_v2", output_field=TextField()))
        .iterator(chunk_size=500)
    )
    for run_kind, contract in contracts:
        if contract_validity.is_valid(contract):
            groups["all"]["signal_contract_valid_count"] += 1
            if run_kind == RunKind.SCHEDULED:
                groups["scheduled"]["signal_contract_valid_count"] += 1
    actions = (
        analyses.filter(analysis_schema_version=SchemaVersion.V2)
        .values_list("run_kind", "analysis_payload__portfolio_action_v2")
        .iterator(chunk_size=500)
    )
    for run_kind, action in actions:
        if is_parseable_portfolio_action(action):
            groups["all"]["portfolio_action_v2_parseable_count"] += 1
            if run_kind == RunKind.SCHEDULED:
                groups["scheduled"]["portfolio_action_v2_parseable_count"] += 1
    for group in groups.values():
        group["signal_contract_valid_coverage"] = _ratio(group["signal_contract_valid_count"], group["total"])
        # As the earlier API: over every v2 analysis, and 0.0 (not null) when there is none.
        group["portfolio_action_v2_coverage_on_v2"] = _ratio(
            group["portfolio_action_v2_parseable_count"], max(group["schema_v2_count"], 1)
        )
    return groups["scheduled"], groups["all"]


def reliability_bin_metrics() -> dict[str, Any]:
    """Per horizon, the newest set of bins; a horizon is non-empty when one of them has samples."""
    latest = dict(
        ReliabilityBin.objects.values("horizon_days")
        .annotate(latest=Max("as_of_date"))
        .values_list("horizon_days", "latest")
    )
    horizons: dict[str, dict[str, Any]] = {}
    for horizon in HORIZONS:
        as_of = latest.get(horizon)
        counts = (
            ReliabilityBin.objects.filter(horizon_days=horizon, as_of_date=as_of).aggregate(
                bins=Count("pk"),
                non_empty_bins=Count("pk", filter=Q(sample_size__gt=0)),
                samples=Sum("sample_size", filter=Q(sample_size__gt=0)),
            )
            if as_of is not None
            else {"bins": 0, "non_empty_bins": 0, "samples": 0}
        )
        horizons[str(horizon)] = {
            "as_of_date": as_of.isoformat() if as_of else None,
            "bin_count": counts["bins"],
            "non_empty_bin_count": counts["non_empty_bins"],
            "total_samples": counts["samples"] or 0,
            "non_empty": counts["non_empty_bins"] > 0,
        }
    return {
        "horizons": horizons,
        "non_empty_horizon_count": sum(1 for row in horizons.values() if row["non_empty"]),
    }


def alert_rule_metrics() -> dict[str, Any]:
    """Alert rules by type (enabled or not).

    The `alert_rules_rule_type_valid` CHECK constraint admits only `RuleType` values, so
    `unknown_type_count` stays 0 on a database migrated by this project; it is still computed
    from the rows, as the earlier system did, rather than assumed.
    """
    by_type = dict(
        AlertRule.objects.values("rule_type")
        .annotate(n=Count("pk"))
        .order_by("rule_type")
        .values_list("rule_type", "n")
    )
    unknown = sorted(rule_type for rule_type in by_type if rule_type not in RuleType.values)
    legacy = sum(n for rule_type, n in by_type.items() if rule_type in LEGACY_RULE_TYPES)
    unknown_count = sum(by_type[rule_type] for rule_type in unknown)
    return {
        "by_type": by_type,
        "legacy_count": legacy,
        "v2_count": sum(by_type.values()) - legacy - unknown_count,
        "unknown_type_count": unknown_count,
        "unknown_types": unknown,
    }


def portfolio_action_counts(analyses: QuerySet[Analysis]) -> tuple[int, int]:
    """(parseable, total) `portfolio_action_v2` over the v2 analyses sized by optimizer v2.

    An analysis that recorded PORTFOLIO_OPTIMIZER_V2_ENABLED as off when it ran (Stage A's
    scheduled v2 analyses, before Stage B turns the optimizer on) was never meant to carry
    an action and is left out; one that recorded no flags counts, as before the record.
    """
    rows = (
        analyses.filter(analysis_schema_version=SchemaVersion.V2)
        .values_list(
            "analysis_payload__portfolio_action_v2",
            f"analysis_payload__feature_flags__{Flag.PORTFOLIO_OPTIMIZER_V2.value}",
        )
        .iterator(chunk_size=500)
    )
    parseable = total = 0
    for action, optimizer_on in rows:
        if optimizer_on is False:
            continue
        total += 1
        parseable += is_parseable_portfolio_action(action)
    return parseable, total


def watchlist_counts(analyses: QuerySet[Analysis]) -> dict[str, int]:
    return analyses.filter(run_kind=RunKind.WATCHLIST).aggregate(
        total=Count("pk"),
        v2=Count("pk", filter=Q(analysis_schema_version=SchemaVersion.V2)),
        v2_with_ev=Count("pk", filter=Q(analysis_schema_version=SchemaVersion.V2, ev_score_7d__isnull=False)),
    )


# --- gates --------------------------------------------------------------------------------------


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


# --- the status ---------------------------------------------------------------------------------


def rollout_status(*, window_hours: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Metrics, stage A–D gates, flag posture and legacy-read telemetry over the last `window_hours`."""
    if not MIN_WINDOW_HOURS <= window_hours <= MAX_WINDOW_HOURS:
        raise ValueError(f"window_hours must be {MIN_WINDOW_HOURS}..{MAX_WINDOW_HOURS}, not {window_hours}")
    now = now or timezone.now()
    since = now - dt.timedelta(hours=window_hours)
    posture = flag_posture()
    analyses = windowed_analyses(since=since, now=now)

    runs, in_flight = scheduled_run_metrics(since=since, now=now)
    scheduled, everything = analysis_metrics(analyses)
    bins = reliability_bin_metrics()
    rules = alert_rule_metrics()
    parseable, v2_total = portfolio_action_counts(analyses)
    watchlist = watchlist_counts(analyses)

    return {
        "generated_at": now.isoformat(),
        "window_hours": window_hours,
        "since_timestamp": since.isoformat(),
        "metrics": {
            "scheduled_runs": runs,
            "scheduled_analyses": scheduled,
            "all_analyses": everything,
            "reliability_bins": bins,
            "alert_rules": rules,
        },
        "gates": {
            "stage_a": stage_a_gate(runs, scheduled, bins, in_flight),
            "stage_b": stage_b_gate(parseable, v2_total, rules),
            "stage_c": stage_c_gate(watchlist, posture),
            "stage_d": stage_d_gate(posture),
        },
        "feature_flags": posture,
        "legacy_reads": legacy_read_totals(since=since, until=now),
    }
