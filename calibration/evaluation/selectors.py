"""Reads for the signal evaluation: complete outcomes and their analyses, as numpy columns.

Point-in-time: an outcome counts only once it is complete and realised on or before the
evaluation's as-of date (today in New York unless given), and every value read with it (score,
call, calibrated confidence, regime, data quality) is the one stored when the analysis ran.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast, Coalesce

from analysis.market_data import NEW_YORK
from analysis.models import Analysis, RunKind
from analysis.tickers import normalise_ticker
from calibration.evaluation.dates import local_dates, parse_utc_seconds
from calibration.evaluation.report import EvaluationArrays, evaluate
from calibration.evaluation.scoring import net_returns
from calibration.models import HORIZONS, AnalysisOutcome, OutcomeStatus
from calibration.selectors import market_day_start, market_today
from core.domain_errors import DomainError
from portfolio.models import PortfolioProfile

CURRENT = "current"
RUN_KINDS = (*RunKind.values, CURRENT)
DEFAULT_HORIZON = 7
#: The earlier system's default transaction cost (the profile's column default), basis points.
DEFAULT_COST_BPS = 10.0

_COLUMNS = (
    "moment_text",
    "analysis__score",
    "realized_return_pct",
    "realized_return_net_pct",
    "transaction_cost_bps",
    "slippage_bps",
    "direction_correct",
    "analysis__confidence_calibrated",
    "confidence",
    "analysis__recommendation",
    "analysis__regime_label",
    "analysis__data_quality_score",
)


@dataclass(frozen=True)
class EvaluationFilters:
    horizon_days: int = DEFAULT_HORIZON
    start: dt.date | None = None
    end: dt.date | None = None
    run_kind: str | None = None
    tickers: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "horizon_days": self.horizon_days,
            "start_date": self.start.isoformat() if self.start else None,
            "end_date": self.end.isoformat() if self.end else None,
            "run_kind": self.run_kind,
            "tickers": list(self.tickers),
        }


class InvalidFilters(DomainError, ValueError):
    """Evaluation filters that cannot be read; the message names the filter (a 400)."""


def parse_filters(
    *,
    horizon: Any = None,
    start: Any = None,
    end: Any = None,
    run_kind: Any = None,
    tickers: Iterable[str] | str | None = None,
) -> EvaluationFilters:
    """Filters from text (query string or command line); InvalidFilters with a readable message."""
    horizon_days = DEFAULT_HORIZON
    if horizon not in (None, ""):
        try:
            horizon_days = int(str(horizon))
        except ValueError:
            horizon_days = -1
        if horizon_days not in HORIZONS:
            choices = ", ".join(map(str, HORIZONS))
            raise InvalidFilters(f"horizon_days must be one of {choices} (got {horizon!r})")
    start_date, end_date = _date(start, "start_date"), _date(end, "end_date")
    if start_date and end_date and start_date > end_date:
        raise InvalidFilters(f"start_date {start_date} is after end_date {end_date}")
    kind = str(run_kind).strip().lower() if run_kind not in (None, "") else None
    if kind is not None and kind not in RUN_KINDS:
        raise InvalidFilters(f"run_kind must be one of {', '.join(RUN_KINDS)} (got {run_kind!r})")
    parts = [tickers] if isinstance(tickers, str) else list(tickers or [])
    raw = [t for part in parts for t in part.split(",") if t.strip()]
    symbols = tuple(dict.fromkeys(normalise_ticker(t) for t in raw))  # InvalidTicker is one too
    return EvaluationFilters(horizon_days, start_date, end_date, kind, symbols)


def _date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidFilters(f"{name} must be a date, YYYY-MM-DD (got {value!r})") from None


def evaluation_outcomes(filters: EvaluationFilters, *, as_of: dt.date | None = None) -> QuerySet:
    """The complete outcomes the evaluation reads, with the moment each analysis looked at the market."""
    as_of = as_of or market_today()
    outcomes = AnalysisOutcome.objects.filter(
        status=OutcomeStatus.COMPLETE,
        horizon_days=filters.horizon_days,
        realized_date__lte=as_of,
        direction_correct__isnull=False,
        realized_return_pct__isnull=False,
    )
    # The moment the analysis looked at the market (legacy rows: their timestamp), bounded by
    # New York midnights, so a call made in the evening is of that New York day.
    moment = Coalesce("analysis__as_of", "analysis__timestamp")
    if filters.start:
        outcomes = outcomes.annotate(moment=moment).filter(moment__gte=market_day_start(filters.start))
    if filters.end:
        after_end = market_day_start(filters.end + dt.timedelta(days=1))
        outcomes = outcomes.annotate(moment=moment).filter(moment__lt=after_end)
    # As text, so the rows are not parsed one by one into datetimes (dates are taken in numpy).
    outcomes = outcomes.annotate(moment_text=Cast(moment, output_field=CharField()))
    if filters.tickers:
        outcomes = outcomes.filter(ticker__in=filters.tickers)
    if filters.run_kind == CURRENT:
        outcomes = outcomes.filter(analysis__in=Analysis.objects.current().values("id"))
    elif filters.run_kind:
        outcomes = outcomes.filter(analysis__run_kind=filters.run_kind)
    return outcomes


def evaluation_arrays(filters: EvaluationFilters, *, as_of: dt.date | None = None) -> EvaluationArrays:
    """The outcomes as numpy columns: one query, tuples straight into arrays (no model instances)."""
    rows = list(evaluation_outcomes(filters, as_of=as_of).order_by().values_list(*_COLUMNS))
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(_COLUMNS)
    (days, score, gross, stored_net, cost, slip, hit, calibrated, raw, call, regime, quality) = columns

    def floats(values: tuple) -> np.ndarray:
        return np.array(values, dtype=float) if values else np.empty(0)

    def labels(values: tuple) -> np.ndarray:
        return np.array([v or "unknown" for v in values], dtype=str) if values else np.empty(0, dtype=str)

    # Read, never created: a read must not write the profile row.
    default_cost = (
        PortfolioProfile.objects.filter(id=1).values_list("default_transaction_cost_bps", flat=True).first()
    )
    net, source = net_returns(
        gross_pct=floats(gross),
        stored_net_pct=floats(stored_net),
        cost_bps=floats(cost),
        slippage_bps=floats(slip),
        default_cost_bps=DEFAULT_COST_BPS if default_cost is None else float(default_cost),
        default_slippage_bps=float(settings.CALIBRATION_SLIPPAGE_BPS),
    )
    return EvaluationArrays(
        dates=local_dates(parse_utc_seconds(days), NEW_YORK),
        scores=floats(score),
        gross_pct=floats(gross),
        net_pct=net,
        net_source=source,
        hits=floats(hit),
        confidence=floats(calibrated),
        raw_confidence=floats(raw),
        recommendation=labels(call),
        regime=labels(regime),
        data_quality=floats(quality),
    )


def signal_evaluation(filters: EvaluationFilters, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """The evaluation of one horizon under the filters, with the filters and as-of date echoed."""
    as_of = as_of or market_today()
    result = evaluate(
        evaluation_arrays(filters, as_of=as_of),
        horizon_days=filters.horizon_days,
        n_bins=settings.CALIBRATION_BIN_COUNT,
    )
    return {**result, "as_of_date": as_of.isoformat(), "filters": filters.as_dict()}
