"""The evidence a new analysis learns from holds only outcomes realised by its session day."""

from __future__ import annotations

import datetime as dt

import pytest

from calibration.models import OutcomeStatus
from calibration.outcome_evidence import return_evidence
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2019, 6, 3)


def _outcome(strength: float | None, realized: dt.date, gross: float) -> None:
    payload = {} if strength is None else {"signal_strength": strength}
    AnalysisOutcomeFactory(
        analysis=AnalysisFactory(analysis_payload=payload),
        horizon_days=7,
        status=OutcomeStatus.COMPLETE,
        realized_date=realized,
        realized_return_pct=gross,
        transaction_cost_bps=10.0,
        slippage_bps=5.0,
    )


def test_it_reads_only_outcomes_realised_by_the_day():
    _outcome(45.0, DAY, 2.0)
    _outcome(45.0, DAY - dt.timedelta(days=7), 4.0)
    _outcome(45.0, DAY + dt.timedelta(days=1), -50.0)  # realised after: never read
    _outcome(None, DAY, -50.0)  # no stored strength: not banded
    band = next(b for b in return_evidence(as_of_date=DAY)[7] if (b.lower, b.upper) == (31.5, 60.0))
    # (2 + 4)/2 = 3; cost (10 + 5)/100 = 0.15
    assert (band.sample_size, band.mean_gross_pct, band.mean_cost_pct) == (2, 3.0, 0.15)
    assert sum(b.sample_size for b in return_evidence(as_of_date=DAY)[7]) == 2
