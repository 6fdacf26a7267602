"""A split between an analysis and its target date neither creates nor hides a return.

Worked by hand: the analysis on Friday 2025-03-14 saw a close of 100 (its baseline). A 4:1
split takes effect on Monday 03-17, which closes at 26 with a low of 24. One share held at the
analysis is four shares then, worth 4 × 26 = 104: +4 %, not 26/100 − 1 = −74 %; the holding
period's lowest value is 4 × 24 = 96, a 4 % drawdown. Read a week later, after a dividend
on 03-19 that the vendor's adj_close folds into every earlier row, the 03-14 → 03-17 return
is still +4 %: both of its prices come from the one series read at evaluation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from analysis.market_data import NEW_YORK
from analysis.providers.csv import CsvProvider
from calibration.models import AnalysisOutcome, OutcomeStatus
from calibration.outcomes import evaluate_due_outcomes
from rollout.models import FeatureFlag
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

pytestmark = pytest.mark.django_db

ANALYSIS_AS_OF = dt.datetime(2025, 3, 14, 17, 30, tzinfo=NEW_YORK)
# adj_close as downloaded on 03-21: × 1/4 before the split, × 0.99 before the dividend
# (ex 03-19, $0.25 on a $25 close: 1 − 0.25/25 = 0.99).
FILE = """date,open,high,low,close,adj_close,volume
2025-03-13,99,101,98,99,24.5025,1000
2025-03-14,99,101,99,100,24.75,1000
2025-03-17,25.5,26.5,24,26,25.74,4000
2025-03-18,26,26,24.5,25,24.75,4000
2025-03-19,24.8,25,24.5,24.9,24.9,4000
2025-03-20,24.9,25.2,24.8,25.1,25.1,4000
"""


@pytest.fixture(autouse=True)
def economics(db: Any) -> None:
    FeatureFlag.objects.update_or_create(name="CALIBRATION_ECONOMICS_ENABLED", defaults={"override": True})


@pytest.fixture
def provider(tmp_path: Path) -> CsvProvider:
    (tmp_path / "SPLT.csv").write_text(FILE)
    return CsvProvider(tmp_path)


def _one_day_outcome() -> AnalysisOutcome:
    # What run_analysis stores for this file: the baseline is the close as known on 03-14.
    analysis = AnalysisFactory(ticker="SPLT", as_of=ANALYSIS_AS_OF, recommendation="BUY")
    return AnalysisOutcomeFactory(
        analysis=analysis,
        horizon_days=1,
        target_date=dt.date(2025, 3, 15),
        baseline_price=100.0,
        predicted_up_probability=0.6,
        transaction_cost_bps=10.0,
        slippage_bps=5.0,
    )


@pytest.mark.parametrize("evaluated_on", [17, 21], ids=["the-day-of-the-split", "after-a-dividend-too"])
def test_it_measures_the_return_per_share_held_at_the_analysis(
    provider: CsvProvider, evaluated_on: int
) -> None:
    outcome = _one_day_outcome()
    moment = dt.datetime(2025, 3, evaluated_on, 18, 0, tzinfo=NEW_YORK)
    assert evaluate_due_outcomes(as_of=moment, provider=provider).evaluated == 1

    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.COMPLETE
    assert outcome.realized_date == dt.date(2025, 3, 17)
    assert outcome.realized_return_pct == pytest.approx(4.0)
    assert outcome.realized_return_net_pct == pytest.approx(4.0 - 0.15)
    assert outcome.max_drawdown_pct == pytest.approx(4.0)
    assert outcome.direction_correct is True and outcome.outcome_up is True
    # Both columns keep one basis: the baseline as known then, the realised close per share held then.
    assert outcome.baseline_price == 100.0
    assert outcome.realized_price == pytest.approx(104.0)
