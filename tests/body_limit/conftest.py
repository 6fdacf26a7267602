"""Rows every write route could touch, and a snapshot of them to show a refused body wrote nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from alerts.models import AlertRule
from calibration.models import Schedule
from portfolio.models import PortfolioHolding, PortfolioProfile
from tests.factories import (
    AlertRuleFactory,
    PortfolioHoldingFactory,
    PortfolioProfileFactory,
    ScheduleFactory,
    WatchlistFactory,
    WatchlistTickerFactory,
)
from watchlists.models import Watchlist, WatchlistTicker

FIVE_MB = 5 * 1024 * 1024

WRITTEN_MODELS = (Watchlist, WatchlistTicker, AlertRule, PortfolioHolding, PortfolioProfile, Schedule)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WRITTEN_MODELS}


@pytest.fixture
def desk(db: Any) -> dict[str, Any]:
    # The 5 MB body must be over the limit the server enforces, or the test proves nothing.
    assert FIVE_MB > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    watchlist = WatchlistFactory(name="Core")
    WatchlistTickerFactory(watchlist=watchlist, ticker="AAPL")
    return {
        "watchlist": watchlist,
        "holding": PortfolioHoldingFactory(ticker="MSFT"),
        "profile": PortfolioProfileFactory(),
        "rule": AlertRuleFactory(ticker="AAPL"),
        "schedule": ScheduleFactory(ticker="NVDA"),
    }
