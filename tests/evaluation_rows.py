"""A small table of scored calls with known evaluation figures, worked out by hand below.

Three weekly dates × five tickers, 7-day outcomes, net stored as gross − 0.15:

* scores 10..50 by ticker; returns by date ``[1,2,3,4,5]`` (IC 1), ``[5,4,3,2,1]`` (IC −1),
  ``[2,1,3,4,5]`` (Σd² = 2, IC = 1 − 6·2/(5·24) = 0.9), so the mean IC is 0.3;
* quintile 1 (score 10) gross 1, 5, 2 and quintile 5 (score 50) gross 5, 1, 5: spread 1.0;
* calibrated confidence 0.1 on the first date (1 right of 5) and 0.7 on the others (6 of 10):
  Brier 3.35/15, reliability 0.01, resolution 0.0355…, uncertainty 56/225, ECE 0.1.
"""

from __future__ import annotations

import datetime as dt

from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

TICKERS = ("AAA", "BBB", "CCC", "DDD", "EEE")
DATES = (dt.date(2025, 3, 3), dt.date(2025, 3, 10), dt.date(2025, 3, 17))
RETURNS = ((1.0, 2.0, 3.0, 4.0, 5.0), (5.0, 4.0, 3.0, 2.0, 1.0), (2.0, 1.0, 3.0, 4.0, 5.0))
HITS = ((1, 0, 0, 0, 0), (1, 1, 1, 0, 0), (1, 1, 1, 0, 0))
CONFIDENCE = (0.1, 0.7, 0.7)
CALLS = ("SELL", "SELL", "HOLD", "BUY", "BUY")


def seed_evaluation_table(*, run_kind: str = "replay", backdated: bool = True) -> None:
    for d, day in enumerate(DATES):
        # 20:00 UTC is 15:00 or 16:00 in New York: the same market date.
        moment = dt.datetime.combine(day, dt.time(20, 0), tzinfo=dt.UTC)
        for k, ticker in enumerate(TICKERS):
            analysis = AnalysisFactory(
                ticker=ticker,
                timestamp=moment,
                as_of=moment,
                score=10.0 * (k + 1),
                recommendation=CALLS[k],
                confidence_calibrated=CONFIDENCE[d],
                regime_label="risk_on" if d < 2 else "risk_off",
                data_quality_score=80.0 if k < 3 else 60.0,
                run_kind=run_kind,
                backdated=backdated,
            )
            gross = RETURNS[d][k]
            AnalysisOutcomeFactory(
                analysis=analysis,
                horizon_days=7,
                target_date=day + dt.timedelta(days=7),
                realized_date=day + dt.timedelta(days=7),
                realized_price=100.0 + gross,
                realized_return_pct=gross,
                realized_return_net_pct=gross - 0.15,
                transaction_cost_bps=10.0,
                slippage_bps=5.0,
                direction_correct=bool(HITS[d][k]),
                confidence=0.5,
                status="complete",
            )
