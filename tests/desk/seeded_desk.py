"""A seeded desk for the brief: a flip, EV and confidence moves, a new call, a fired alert, a
holding at risk, regime changes and a degraded calibration, around a given moment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from analysis.market_data import NEW_YORK
from analysis.models import Analysis
from desk.window import default_since_day, since_moment
from tests.factories import (
    AlertNotificationFactory,
    AlertRuleFactory,
    AnalysisFactory,
    AnalysisOutcomeFactory,
    PortfolioHoldingFactory,
    WatchlistFactory,
    WatchlistTickerFactory,
)


@dataclass
class SeededDesk:
    since: dt.datetime
    flip: Analysis
    alert_message: str


def call(
    ticker: str,
    at: dt.datetime,
    recommendation: str,
    *,
    ev: float,
    confidence: float,
    regime: str = "risk_on",
    action: str | None = None,
    sample_size: int = 40,
    **extra: Any,
) -> Analysis:
    """A current v2 call on the demo provider, run at `at` as of `at`."""
    return AnalysisFactory(
        ticker=ticker,
        timestamp=at,
        as_of=at,
        run_kind="interactive",
        recommendation=recommendation,
        analysis_schema_version="v2",
        ev_score_7d=ev,
        confidence_score=confidence - 0.05,
        confidence_calibrated=confidence,
        regime_label=regime,
        data_quality_score=80.0,
        data_source="demo",
        signal_contract_v2={"confidence": {"calibrated": confidence, "sample_size": sample_size}},
        analysis_payload={"portfolio_action_v2": {"action": action}} if action else {},
        **extra,
    )


def _outcomes(
    *, horizon: int, day: dt.date, hits: int, misses: int, confidence: float, start: dt.datetime
) -> None:
    for index in range(hits + misses):
        # Each outcome on its own replay analysis: replays are never a current call.
        analysis = AnalysisFactory(
            ticker="OUTC",
            timestamp=start - dt.timedelta(minutes=index + 1),
            as_of=start - dt.timedelta(days=40),
            run_kind="replay",
        )
        AnalysisOutcomeFactory(
            analysis=analysis,
            horizon_days=horizon,
            target_date=day,
            realized_date=day,
            status="complete",
            direction_correct=index < hits,
            confidence=confidence,
        )


def seed_desk(now: dt.datetime) -> SeededDesk:
    since = since_moment(default_since_day(now))
    before = since - dt.timedelta(hours=1)
    after = now - dt.timedelta(minutes=5)

    large_caps = WatchlistFactory(name="Large caps")
    for ticker in ("AAPL", "MSFT", "NVDA"):
        WatchlistTickerFactory(watchlist=large_caps, ticker=ticker)
    WatchlistTickerFactory(watchlist=WatchlistFactory(name="Income"), ticker="HD")

    # HD: held, flips BUY -> SELL, and its regime turns risk_off with the market's.
    call("HD", before, "BUY", ev=4.0, confidence=0.60)
    flip = call("HD", after, "SELL", ev=-2.0, confidence=0.58, regime="risk_off")
    PortfolioHoldingFactory(ticker="HD", shares=50, market_value=17_500.0)
    # AAPL: same call, EV and confidence moved.
    call("AAPL", before, "BUY", ev=1.0, confidence=0.55)
    call("AAPL", after, "BUY", ev=3.5, confidence=0.62)
    # MSFT: barely moved, so not news; a later replay says SELL and must be ignored.
    call("MSFT", before, "BUY", ev=2.0, confidence=0.60)
    call("MSFT", after, "BUY", ev=2.2, confidence=0.61)
    AnalysisFactory(
        ticker="MSFT",
        timestamp=now - dt.timedelta(minutes=1),
        as_of=after,
        run_kind="replay",
        recommendation="SELL",
    )
    # NVDA: its first call.
    call("NVDA", after, "BUY", ev=6.0, confidence=0.66)
    # JPM: held, still a BUY, but the optimizer says trim.
    call("JPM", after, "BUY", ev=0.5, confidence=0.52, action="trim")
    PortfolioHoldingFactory(ticker="JPM", shares=10, market_value=2_400.0)
    # The index turns risk_off.
    call("SPY", before, "HOLD", ev=0.2, confidence=0.50)
    call("SPY", after, "HOLD", ev=-0.4, confidence=0.50, regime="risk_off")

    rule = AlertRuleFactory(ticker="HD", rule_type="recommendation_change", threshold=None)
    message = "HD recommendation changed from BUY to SELL"
    AlertNotificationFactory(alert_rule=rule, analysis=flip, ticker="HD", message=message, created_at=after)
    AlertNotificationFactory(
        alert_rule=rule, analysis=flip, ticker="HD", message="An acknowledged one", acknowledged=True
    )

    # 7-day calibration: 60 % right in the prior 90 days, 45 % in the last 30, at 0.60 confidence.
    today = now.astimezone(NEW_YORK).date()
    _outcomes(horizon=7, day=today - dt.timedelta(days=60), hits=24, misses=16, confidence=0.6, start=now)
    _outcomes(
        horizon=7,
        day=today - dt.timedelta(days=5),
        hits=18,
        misses=22,
        confidence=0.6,
        start=now - dt.timedelta(hours=2),
    )
    return SeededDesk(since=since, flip=flip, alert_message=message)
