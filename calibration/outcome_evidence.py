"""Reads: the realised outcomes a new analysis learns its expected returns from.

Point-in-time: an outcome counts only when it is complete and its price was realised on or
before the analysis's session day, so nothing a later close revealed is read. Only analyses
that stored a signal strength count (those made before it existed are not re-banded from a
score that meant something else). The maths is ``analysis.expected_returns``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.conf import settings

from analysis.expected_returns import BandEvidence, summarise_bands
from calibration.models import HORIZONS, AnalysisOutcome, OutcomeStatus
from portfolio.models import PortfolioProfile

#: The earlier system's default transaction cost (the profile's column default), basis points.
DEFAULT_COST_BPS = 10.0


def default_cost_bps() -> float:
    """The desk's transaction cost (read, never created), basis points."""
    cost = (
        PortfolioProfile.objects.filter(id=1).values_list("default_transaction_cost_bps", flat=True).first()
    )
    return DEFAULT_COST_BPS if cost is None else float(cost)


def return_evidence(*, as_of_date: dt.date) -> dict[int, list[BandEvidence]]:
    """Per horizon, the signal-strength bands of the outcomes realised by ``as_of_date``.

    Cost per outcome: its stored transaction cost and slippage (basis points), each missing
    one replaced by the desk's default and the configured slippage; percent = bps / 100.
    """
    rows = list(
        AnalysisOutcome.objects.filter(
            status=OutcomeStatus.COMPLETE,
            realized_date__lte=as_of_date,
            realized_return_pct__isnull=False,
            analysis__analysis_payload__signal_strength__isnull=False,
        )
        .order_by()
        .values_list(
            "horizon_days",
            "analysis__analysis_payload__signal_strength",
            "realized_return_pct",
            "transaction_cost_bps",
            "slippage_bps",
        )
    )
    cost_default, slip_default = default_cost_bps(), float(settings.CALIBRATION_SLIPPAGE_BPS)
    out: dict[int, list[BandEvidence]] = {}
    for horizon in HORIZONS:
        mine = [row for row in rows if row[0] == horizon]
        strength = np.array([_number(row[1]) for row in mine], dtype=float)
        gross = np.array([row[2] for row in mine], dtype=float)
        cost = np.array(
            [
                ((cost_default if row[3] is None else row[3]) + (slip_default if row[4] is None else row[4]))
                / 100.0
                for row in mine
            ],
            dtype=float,
        )
        out[horizon] = summarise_bands(strength=strength, gross_pct=gross, cost_pct=cost)
    return out


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
