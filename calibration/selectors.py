"""Reads over calibration data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from analysis.contract.reliability import ReliabilityBinRow
from analysis.market_data import NEW_YORK
from analysis.models import RunKind
from calibration import stats
from calibration.models import (
    HORIZONS,
    AnalysisOutcome,
    CalibrationSnapshot,
    MacroCatalystEvent,
    OutcomeStatus,
    ReliabilityBin,
    Schedule,
    ScheduleRun,
)


def latest_reliability_bins(*, as_of_date: dt.date) -> dict[int, list[ReliabilityBin]]:
    """Per horizon, the newest set of bins dated on or before `as_of_date` (point-in-time)."""
    result: dict[int, list[ReliabilityBin]] = {}
    for horizon in HORIZONS:
        latest = (
            ReliabilityBin.objects.filter(horizon_days=horizon, as_of_date__lte=as_of_date)
            .order_by("-as_of_date")
            .values_list("as_of_date", flat=True)
            .first()
        )
        if latest is not None:
            result[horizon] = list(
                ReliabilityBin.objects.filter(horizon_days=horizon, as_of_date=latest).order_by("bin_index")
            )
    return result


def reliability_bin_rows(as_of_date: dt.date) -> dict[int, list[ReliabilityBinRow]]:
    """Per horizon, the latest stored reliability bins dated on or before `as_of_date`, as the
    engine and the backfill read them (`analysis.contract.reliability.pick_bin`)."""
    return {
        horizon: [
            ReliabilityBinRow(b.bin_lower, b.bin_upper, b.sample_size, b.empirical_hit_rate) for b in rows
        ]
        for horizon, rows in latest_reliability_bins(as_of_date=as_of_date).items()
    }


# --- schedules, runs and macro events ------------------------------------------------------------


def market_today() -> dt.date:
    """Today's date in New York, where sessions, as-of dates and macro events are dated."""
    return timezone.localtime(timezone.now(), NEW_YORK).date()


def market_day_start(day: dt.date) -> dt.datetime:
    """The instant a New York calendar day begins (aware), to bound timestamps by market dates."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=NEW_YORK)


def schedules_with_last_run() -> QuerySet[Schedule]:
    """Every schedule, by ticker, annotated with its latest run's start, end, outcome and error."""
    last_run = ScheduleRun.objects.filter(schedule=OuterRef("pk")).order_by("-started_at", "-id")
    return Schedule.objects.annotate(
        last_run_started_at=Subquery(last_run.values("started_at")[:1]),
        last_run_completed_at=Subquery(last_run.values("completed_at")[:1]),
        last_run_success=Subquery(last_run.values("success")[:1]),
        last_run_error=Subquery(last_run.values("error")[:1]),
    ).order_by("ticker")


def schedule_runs(*, schedule: Schedule, limit: int) -> list[ScheduleRun]:
    """A schedule's runs, newest first."""
    return list(schedule.runs.select_related("schedule").order_by("-started_at", "-id")[:limit])


def recent_schedule_runs(*, limit: int) -> list[ScheduleRun]:
    """The latest runs of every schedule, newest first."""
    return list(ScheduleRun.objects.select_related("schedule").order_by("-started_at", "-id")[:limit])


def schedules_newest_first() -> QuerySet[Schedule]:
    """Every schedule with its latest run, newest created first (the earlier API's list order)."""
    return schedules_with_last_run().order_by("-created_at", "-id")


def macro_events(
    *, start: dt.date | None, end: dt.date | None, event_type: str | None = None
) -> QuerySet[MacroCatalystEvent]:
    """Enabled macro events dated from `start` to `end` inclusive (None: open), earliest first."""
    events = MacroCatalystEvent.objects.filter(enabled=True)
    if start is not None:
        events = events.filter(event_date__gte=start)
    if end is not None:
        events = events.filter(event_date__lte=end)
    if event_type:
        events = events.filter(event_type=event_type)
    return events.order_by("event_date", "event_type")


# --- calibration evidence ------------------------------------------------------------------------


def latest_snapshot_date() -> dt.date | None:
    """The newest date any horizon has a calibration snapshot for."""
    return CalibrationSnapshot.objects.order_by("-as_of_date").values_list("as_of_date", flat=True).first()


def calibration_summary(*, window_days: int, as_of_date: dt.date) -> dict[str, Any]:
    """Per horizon: the latest snapshot in the window, outcome counts, and the snapshots as a trend.

    The window is the `window_days` days ending on `as_of_date` inclusive. Pending outcomes are
    counted whatever their date (they are what is still to be scored); complete and skipped ones
    when they were realised (or skipped) in the window.
    """
    since = as_of_date - dt.timedelta(days=window_days)
    snapshots = CalibrationSnapshot.objects.filter(as_of_date__gt=since, as_of_date__lte=as_of_date).order_by(
        "horizon_days", "as_of_date"
    )
    trend: dict[int, list[CalibrationSnapshot]] = {horizon: [] for horizon in HORIZONS}
    for snapshot in snapshots:
        trend[snapshot.horizon_days].append(snapshot)
    # Pending outcomes are counted whatever their age; finished ones within the window. The
    # window is of New York dates, so a skip's timestamp is bounded by New York midnights (its
    # UTC date is a day ahead every evening after 8 pm New York time).
    by_status = {
        OutcomeStatus.PENDING: Q(),
        OutcomeStatus.COMPLETE: Q(realized_date__gt=since, realized_date__lte=as_of_date),
        OutcomeStatus.SKIPPED: Q(
            evaluated_at__gte=market_day_start(since + dt.timedelta(days=1)),
            evaluated_at__lt=market_day_start(as_of_date + dt.timedelta(days=1)),
        ),
    }
    counts: dict[tuple[int, str], int] = {}
    for status, window in by_status.items():
        rows = (
            AnalysisOutcome.objects.filter(window, status=status)
            .values("horizon_days")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts[(row["horizon_days"], status)] = row["n"]
    return {
        "window_days": window_days,
        "as_of_date": as_of_date,
        "since_date": since + dt.timedelta(days=1),
        "horizons": [
            {
                "horizon_days": horizon,
                "snapshot": trend[horizon][-1] if trend[horizon] else None,
                "pending_outcomes": counts.get((horizon, OutcomeStatus.PENDING), 0),
                "complete_outcomes": counts.get((horizon, OutcomeStatus.COMPLETE), 0),
                "skipped_outcomes": counts.get((horizon, OutcomeStatus.SKIPPED), 0),
                "trend": trend[horizon],
            }
            for horizon in HORIZONS
        ],
    }


def reliability_for(*, horizon_days: int, as_of_date: dt.date) -> tuple[dt.date | None, list[ReliabilityBin]]:
    """The newest bins of one horizon dated on or before `as_of_date`, with their date."""
    bins = latest_reliability_bins(as_of_date=as_of_date).get(horizon_days, [])
    return (bins[0].as_of_date if bins else None, bins)


def ticker_calibration(*, ticker: str, limit: int) -> dict[str, Any]:
    """A ticker's completed outcomes aggregated per horizon, and its most recent outcomes."""
    aggregates = {
        row["horizon_days"]: row
        for row in AnalysisOutcome.objects.filter(ticker=ticker, status=OutcomeStatus.COMPLETE)
        .values("horizon_days")
        .annotate(
            sample_size=Count("id"),
            hits=Count("id", filter=Q(direction_correct=True)),
            judged=Count("id", filter=Q(direction_correct__isnull=False)),
            mean_return_pct=Avg("realized_return_pct"),
            mean_net_return_pct=Avg("realized_return_net_pct"),
            mean_drawdown_pct=Avg("max_drawdown_pct"),
            brier_score=Avg("brier_component"),
        )
        .order_by()
    }
    pending = dict(
        AnalysisOutcome.objects.filter(ticker=ticker, status=OutcomeStatus.PENDING)
        .values("horizon_days")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("horizon_days", "n")
    )
    horizons = []
    for horizon in HORIZONS:
        row = aggregates.get(horizon) or {}
        judged, hits = row.get("judged", 0), row.get("hits", 0)
        ci = stats.wilson_interval(hits, judged) if judged else (None, None)
        horizons.append(
            {
                "horizon_days": horizon,
                "sample_size": row.get("sample_size", 0),
                "hit_rate": hits / judged if judged else None,
                "hit_rate_ci_lower": ci[0],
                "hit_rate_ci_upper": ci[1],
                "mean_return_pct": row.get("mean_return_pct"),
                "mean_net_return_pct": row.get("mean_net_return_pct"),
                "mean_drawdown_pct": row.get("mean_drawdown_pct"),
                "brier_score": row.get("brier_score"),
                "pending_outcomes": pending.get(horizon, 0),
            }
        )
    # Newest analysis first, its horizons in order (the earlier API's order).
    recent = list(
        AnalysisOutcome.objects.filter(ticker=ticker)
        .select_related("analysis")
        .order_by("-analysis__timestamp", "-analysis_id", "horizon_days", "-id")[:limit]
    )
    return {
        "ticker": ticker,
        "outcomes": recent,
        "total_count": len(recent),
        "horizons": horizons,
        "recent_outcomes": recent,
    }


def evidence_sources(*, window_days: int, as_of_date: dt.date) -> dict[int, dict[str, int]]:
    """Per horizon, how many outcomes scored in the window come from demo data or replay runs.

    The window is `calibration_summary`'s (realised in the `window_days` days to `as_of_date`),
    so a card can say when the evidence behind it is the demo provider's or a replay's rather
    than live calls.
    """
    since = as_of_date - dt.timedelta(days=window_days)
    rows = (
        AnalysisOutcome.objects.filter(
            status=OutcomeStatus.COMPLETE, realized_date__gt=since, realized_date__lte=as_of_date
        )
        .values("horizon_days")
        .annotate(
            total=Count("id"),
            # The demo provider's name, as run_analysis stores it on the analysis.
            demo=Count("id", filter=Q(analysis__data_source="demo")),
            replay=Count("id", filter=Q(analysis__run_kind=RunKind.REPLAY)),
        )
        .order_by()
    )
    found = {row["horizon_days"]: row for row in rows}
    return {
        horizon: {key: found.get(horizon, {}).get(key, 0) for key in ("total", "demo", "replay")}
        for horizon in HORIZONS
    }
