"""Across an ex-dividend date the outcome is the total return, not the price change alone.

Worked by hand: the analysis on Friday 2025-03-14 saw a close of 100 (its baseline). Monday
03-17 goes ex a $2 dividend and closes at 99. The vendor adjusts every earlier close by
1 − 2/100 = 0.98, which is the dividend paid back into the stock at the ex-date's opening
price of 100 − 2 = 98: 1 + 2/98 shares worth 99 each, 101.0204…, a total return of
99/98 − 1 = +1.0204 %. The price change alone, 99/100 − 1 = −1 %, would score this BUY wrong.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.market_data import NEW_YORK
from analysis.providers.csv import CsvProvider
from calibration.outcomes import evaluate_due_outcomes
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

pytestmark = pytest.mark.django_db

FILE = """date,open,high,low,close,adj_close,volume
2025-03-13,99,101,98,99.5,97.51,1000
2025-03-14,99,101,99,100,98,1000
2025-03-17,98,99.5,97.5,99,99,1000
"""


def test_it_scores_the_total_return_across_the_ex_date(tmp_path: Path) -> None:
    (tmp_path / "DIV.csv").write_text(FILE)
    analysis = AnalysisFactory(
        ticker="DIV", as_of=dt.datetime(2025, 3, 14, 17, 30, tzinfo=NEW_YORK), recommendation="BUY"
    )
    # The baseline run_analysis stores for this file: the close as known on 03-14.
    outcome = AnalysisOutcomeFactory(
        analysis=analysis, horizon_days=1, target_date=dt.date(2025, 3, 15), baseline_price=100.0
    )

    summary = evaluate_due_outcomes(
        as_of=dt.datetime(2025, 3, 17, 18, 0, tzinfo=NEW_YORK), provider=CsvProvider(tmp_path)
    )

    assert summary.evaluated == 1
    outcome.refresh_from_db()
    assert outcome.realized_return_pct == pytest.approx((99 / 98 - 1) * 100)  # +1.0204 %
    assert outcome.realized_return_pct == pytest.approx(1.0204, abs=1e-4)
    assert outcome.outcome_up is True and outcome.direction_correct is True
    assert outcome.realized_price == pytest.approx(100 * 99 / 98)  # 101.0204 per share held then
