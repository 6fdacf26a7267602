"""Scoring past calls against what the market did, and the calibration built on it.

`evaluate_due_outcomes` turns pending outcome rows into realised ones, each
exactly once: a row is locked, checked to be still pending and written in one
transaction, so a second run (or a redelivered task after a worker died) finds
nothing to do. What the price columns hold: `baseline_price` is the reference price
the analysis stored (the close as known at its `as_of`); `realized_price` is the
realised close restated per share held at the analysis (`calibration.price_basis`),
so `realized_price / baseline_price − 1` is the total return across any split or
dividend in between, and the lows behind the drawdown are restated alike.

`refresh_calibration` rebuilds the snapshot and reliability bins of one date from the
outcomes known on that date (point-in-time).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from analysis.market_data import MarketDataError, MarketDataProvider, last_closed_session_day, session_close
from analysis.providers import get_provider
from calibration import stats
from calibration.models import HORIZONS, AnalysisOutcome, CalibrationSnapshot, OutcomeStatus, ReliabilityBin
from calibration.price_basis import basis_factor
from calibration.selectors import market_day_start
from core.flags import Flag, flag_posture, is_enabled

logger = logging.getLogger(__name__)

# How far before an analysis to look for the last bar it saw (a long holiday or a gap in a file).
ANCHOR_LOOKBACK = dt.timedelta(days=31)


@dataclass
class EvaluationSummary:
    evaluated: int = 0
    skipped: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)


def evaluate_due_outcomes(
    *, as_of: dt.datetime, provider: MarketDataProvider | None = None
) -> EvaluationSummary:
    """Evaluate every pending outcome whose realised session has closed by `as_of`."""
    provider = provider or get_provider()
    posture = flag_posture()
    summary = EvaluationSummary()
    last_session = last_closed_session_day(as_of)
    due_ids = list(
        AnalysisOutcome.objects.filter(status=OutcomeStatus.PENDING, target_date__lte=last_session)
        .order_by("ticker", "id")
        .values_list("id", flat=True)
    )
    anchors: dict[tuple[str, dt.datetime], tuple[dt.date, float] | None] = {}
    for outcome_id in due_ids:
        result = _evaluate_one(outcome_id, as_of=as_of, provider=provider, posture=posture, anchors=anchors)
        setattr(summary, result, getattr(summary, result) + 1)
    return summary


def _anchor(provider: MarketDataProvider, ticker: str, moment: dt.datetime) -> tuple[dt.date, float] | None:
    """The last session known at `moment` and its close as known then (None without one)."""
    then = provider.prices(ticker, start=moment.date() - ANCHOR_LOOKBACK, as_of=moment)
    if not len(then):
        return None
    return then.dates[-1].astype(dt.date), float(then.close[-1])


def _skip(outcome: AnalysisOutcome, reason: str) -> str:
    outcome.status = OutcomeStatus.SKIPPED
    outcome.evaluated_at = timezone.now()
    outcome.save(update_fields=["status", "evaluated_at"])
    logger.warning("Outcome %s skipped: %s", outcome.pk, reason)
    return "skipped"


@transaction.atomic
def _evaluate_one(
    outcome_id: int,
    *,
    as_of: dt.datetime,
    provider: MarketDataProvider,
    posture: dict,
    anchors: dict[tuple[str, dt.datetime], tuple[dt.date, float] | None],
) -> str:
    outcome = (
        AnalysisOutcome.objects.select_for_update(skip_locked=True)
        .select_related("analysis")
        .filter(pk=outcome_id, status=OutcomeStatus.PENDING)
        .first()
    )
    if outcome is None:
        return "skipped"  # another worker has it, or it was evaluated already
    analysis_time = outcome.analysis.effective_as_of
    key = (outcome.ticker, analysis_time)
    try:
        # The horizons of one analysis share its anchor; read it once per run.
        if key not in anchors:
            anchors[key] = _anchor(provider, outcome.ticker, analysis_time)
        anchor = anchors[key]
        if anchor is None:
            return _skip(outcome, "no bar known at the analysis to measure the return from")
        anchor_day, close_then = anchor
        # Both ends of the return from this one series, as adjusted when it is read.
        bars = provider.prices(outcome.ticker, start=anchor_day, as_of=as_of)
    except MarketDataError as exc:
        return _skip(outcome, str(exc))
    if not len(bars) or bars.dates[0] != np.datetime64(anchor_day, "D"):
        return _skip(outcome, f"the bar of {anchor_day} the analysis saw is no longer served")
    factor = basis_factor(close_then=close_then, close_now=float(bars.close[0]))
    days = bars.dates.astype("datetime64[D]").astype(dt.date)
    # Only sessions that closed strictly after the analysis looked at the market.
    after = np.array([session_close(day) > analysis_time for day in days], dtype=bool)
    eligible = after & (bars.dates >= np.datetime64(outcome.target_date))
    if not eligible.any():
        return "waiting"
    realized_index = int(np.argmax(eligible))
    holding = after.copy()
    holding[realized_index + 1 :] = False
    economics = is_enabled(Flag.CALIBRATION_ECONOMICS, run_kind=outcome.analysis.run_kind, posture=posture)
    # Restated per share held at the analysis; factor is 1 when no split or dividend came between.
    realized_price = float(bars.close[realized_index]) * factor
    result = stats.evaluate_outcome(
        stats.OutcomeInputs(
            recommendation=outcome.analysis.recommendation or "HOLD",
            baseline_price=outcome.baseline_price,
            realized_price=realized_price,
            lows=[float(v) * factor for v in bars.low[holding]],
            predicted_up_probability=_probability(outcome.predicted_up_probability),
            transaction_cost_bps=outcome.transaction_cost_bps or 0.0,
            slippage_bps=outcome.slippage_bps or 0.0,
            economics=economics,
        )
    )
    outcome.realized_price = realized_price
    outcome.realized_date = days[realized_index]
    outcome.realized_return_pct = result.realized_return_pct
    outcome.realized_return_net_pct = result.realized_return_net_pct
    outcome.max_drawdown_pct = result.max_drawdown_pct
    outcome.utility_score = result.utility_score
    outcome.direction_correct = result.direction_correct
    outcome.outcome_up = result.outcome_up
    outcome.brier_component = result.brier_component
    outcome.status = OutcomeStatus.COMPLETE
    outcome.evaluated_at = timezone.now()
    outcome.save()
    return "evaluated"


def _probability(value: float | None) -> float:
    return 0.5 if value is None else min(1.0, max(0.0, value))


@transaction.atomic
def refresh_calibration(*, as_of_date: dt.date, window_days: int | None = None) -> dict[int, int]:
    """Snapshot and reliability bins per horizon as of `as_of_date`; returns samples per horizon.

    Uses only outcomes realised on or before `as_of_date` of analyses made in the
    window before it, so a replayed date sees exactly what was known then.
    """
    window_days = window_days or settings.CALIBRATION_WINDOW_DAYS
    since = as_of_date - dt.timedelta(days=window_days)
    first_instant = market_day_start(since + dt.timedelta(days=1))
    after_last = market_day_start(as_of_date + dt.timedelta(days=1))
    samples: dict[int, int] = {}
    for horizon in HORIZONS:
        rows = list(
            AnalysisOutcome.objects.filter(
                horizon_days=horizon, status=OutcomeStatus.COMPLETE, realized_date__lte=as_of_date
            )
            .filter(
                # New York dates: a call made in the evening is of that New York day.
                Q(analysis__as_of__gte=first_instant, analysis__as_of__lt=after_last)
                | Q(analysis__as_of__isnull=True, analysis__timestamp__gte=first_instant)
            )
            .values(
                "realized_return_pct",
                "realized_return_net_pct",
                "max_drawdown_pct",
                "utility_score",
                "direction_correct",
                "confidence",
                "brier_component",
            )
        )
        samples[horizon] = len(rows)
        ReliabilityBin.objects.filter(as_of_date=as_of_date, horizon_days=horizon).delete()
        snapshot = stats.snapshot_stats(rows, n_bins=settings.CALIBRATION_BIN_COUNT)
        if snapshot is None:
            CalibrationSnapshot.objects.filter(as_of_date=as_of_date, horizon_days=horizon).delete()
            continue
        CalibrationSnapshot.objects.update_or_create(
            as_of_date=as_of_date,
            horizon_days=horizon,
            defaults={
                "sample_size": snapshot.sample_size,
                "directional_accuracy": snapshot.directional_accuracy,
                "avg_realized_return_pct": snapshot.avg_realized_return_pct,
                "mean_confidence": snapshot.mean_confidence,
                "brier_score": snapshot.brier_score,
                "mean_net_return_pct": snapshot.mean_net_return_pct,
                "mean_drawdown_pct": snapshot.mean_drawdown_pct,
                "utility_mean": snapshot.utility_mean,
                "expected_calibration_error": snapshot.expected_calibration_error,
                "window_days": window_days,
            },
        )
        bins = stats.reliability_bins(
            [r["confidence"] if r["confidence"] is not None else 0.5 for r in rows],
            [bool(r["direction_correct"]) for r in rows],
            n_bins=settings.CALIBRATION_BIN_COUNT,
        )
        ReliabilityBin.objects.bulk_create(
            ReliabilityBin(
                as_of_date=as_of_date,
                horizon_days=horizon,
                bin_index=b.index,
                bin_lower=b.lower,
                bin_upper=b.upper,
                sample_size=b.sample_size,
                empirical_hit_rate=b.hit_rate,
                ci_lower=b.ci_lower,
                ci_upper=b.ci_upper,
                mean_confidence=b.mean_confidence,
            )
            for b in bins
            if b.sample_size > 0
        )
    return samples
