"""Phase 7 rollout gates, computed from the database (the earlier `src/rollout_metrics.py`).

The metrics are here; the gates' checks over them are `rollout.gates`, and what one analysis's
stored parts are worth to them (a valid contract, a parseable action) `rollout.stored_checks`.

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
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from alerts.models import LEGACY_RULE_TYPES, AlertRule, RuleType
from analysis.models import RunKind
from calibration.models import HORIZONS, ReliabilityBin, ScheduleRun
from core.flags import flag_posture
from rollout.facts import CountedGroup, counted_groups
from rollout.gates import ratio, stage_a_gate, stage_b_gate, stage_c_gate, stage_d_gate
from rollout.telemetry import legacy_read_totals

MIN_WINDOW_HOURS = 1
MAX_WINDOW_HOURS = 720  # 30 days, the earlier API's bound
DEFAULT_WINDOW_HOURS = 72

#: A run started less than this long ago and not finished is in flight, not failed.
IN_FLIGHT_GRACE = dt.timedelta(hours=1)
#: A schedule run with this reason re-runs the past; it is not a scheduled run.
REPLAY_RUN_REASON = "replay"


# --- metrics ------------------------------------------------------------------------------------


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
        "success_rate": ratio(counts["success_runs"], counts["total_runs"]),
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


def analysis_metrics(groups: Iterable[CountedGroup]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(scheduled_analyses, all_analyses) metrics from the window's counted groups.

    `portfolio_action_v2_coverage_on_v2` is the earlier metric (parseable actions over every
    v2 analysis); Stage B's gate uses `portfolio_action_counts`, which leaves out analyses that
    ran with the optimizer off.
    """
    metrics = {"scheduled": _empty_analysis_metrics(), "all": _empty_analysis_metrics()}
    for group in groups:
        for name in ("all", "scheduled") if group.run_kind == RunKind.SCHEDULED else ("all",):
            counts, n, facts = metrics[name], group.n, group.facts
            counts["total"] += n
            counts["schema_v2_count"] += n * group.v2
            counts["signal_contract_present_count"] += n * facts.contract_present
            counts["signal_contract_valid_count"] += n * facts.contract_valid
            counts["portfolio_action_v2_parseable_count"] += n * (group.v2 and facts.action_parseable)
            counts["ev_score_non_null_count"] += n * group.ev_score
            counts["confidence_calibrated_non_null_count"] += n * group.confidence_calibrated
            counts["data_quality_non_null_count"] += n * group.data_quality
            counts["regime_label_non_null_count"] += n * group.regime_label
    for counts in metrics.values():
        valid = counts["signal_contract_valid_count"]
        counts["signal_contract_valid_coverage"] = ratio(valid, counts["total"])
        # As the earlier API: over every v2 analysis, and 0.0 (not null) when there is none.
        counts["portfolio_action_v2_coverage_on_v2"] = ratio(
            counts["portfolio_action_v2_parseable_count"], max(counts["schema_v2_count"], 1)
        )
    return metrics["scheduled"], metrics["all"]


def reliability_bin_metrics() -> dict[str, Any]:
    """Per horizon, the newest set of bins; a horizon is non-empty when one of them has samples."""
    # One query: each horizon's bins of its newest as_of_date, counted.
    newest = (
        ReliabilityBin.objects.filter(horizon_days=OuterRef("horizon_days"))
        .order_by()
        .values("horizon_days")
        .annotate(newest=Max("as_of_date"))
        .values("newest")
    )
    latest = {
        row["horizon_days"]: row
        for row in ReliabilityBin.objects.filter(horizon_days__in=HORIZONS, as_of_date=Subquery(newest))
        .order_by()
        .values("horizon_days", "as_of_date")
        .annotate(
            bins=Count("pk"),
            non_empty_bins=Count("pk", filter=Q(sample_size__gt=0)),
            samples=Sum("sample_size", filter=Q(sample_size__gt=0)),
        )
    }
    horizons: dict[str, dict[str, Any]] = {}
    for horizon in HORIZONS:
        counts = latest.get(horizon, {"as_of_date": None, "bins": 0, "non_empty_bins": 0, "samples": 0})
        as_of = counts["as_of_date"]
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


def portfolio_action_counts(groups: Iterable[CountedGroup]) -> tuple[int, int]:
    """(parseable, total) `portfolio_action_v2` over the v2 analyses sized by optimizer v2.

    An analysis that recorded PORTFOLIO_OPTIMIZER_V2_ENABLED as off when it ran (Stage A's
    scheduled v2 analyses, before Stage B turns the optimizer on) was never meant to carry
    an action and is left out; one that recorded no flags counts, as before the record.
    """
    sized = [group for group in groups if group.v2 and not group.facts.optimizer_off]
    parseable = sum(group.n for group in sized if group.facts.action_parseable)
    return parseable, sum(group.n for group in sized)


def watchlist_counts(groups: Iterable[CountedGroup]) -> dict[str, int]:
    watchlist = [group for group in groups if group.run_kind == RunKind.WATCHLIST]
    return {
        "total": sum(group.n for group in watchlist),
        "v2": sum(group.n for group in watchlist if group.v2),
        "v2_with_ev": sum(group.n for group in watchlist if group.v2 and group.ev_score),
    }


# --- the status ---------------------------------------------------------------------------------


def rollout_status(*, window_hours: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """Metrics, stage A–D gates, flag posture and legacy-read telemetry over the last `window_hours`."""
    if not MIN_WINDOW_HOURS <= window_hours <= MAX_WINDOW_HOURS:
        raise ValueError(f"window_hours must be {MIN_WINDOW_HOURS}..{MAX_WINDOW_HOURS}, not {window_hours}")
    now = now or timezone.now()
    since = now - dt.timedelta(hours=window_hours)
    posture = flag_posture()

    runs, in_flight = scheduled_run_metrics(since=since, now=now)
    groups = counted_groups(since=since, now=now)
    scheduled, everything = analysis_metrics(groups)
    bins = reliability_bin_metrics()
    rules = alert_rule_metrics()
    parseable, v2_total = portfolio_action_counts(groups)
    watchlist = watchlist_counts(groups)

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
