"""What the market data provider says about a holding: its latest close and its fundamentals.

`portfolio.services` values a holding from the latest close and fills in a sector or beta the
PM left out from the fundamentals; a provider that has nothing (or is not configured) yields
None, never an error.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from analysis.market_data import MarketDataError
from analysis.providers import get_provider
from portfolio.validation import MAX_BETA, SECTOR_MAX_CHARS

# How far back the latest close may be; its session date is always reported with it.
PRICE_LOOKBACK_DAYS = 370


@dataclass(frozen=True)
class LatestClose:
    price: float
    session: dt.date
    provider: str
    is_demo: bool = False  # from the synthetic demo market: every value priced from it says so


def latest_close(ticker: str, *, now: dt.datetime | None = None) -> LatestClose | None:
    """The provider's latest daily close at `now` (point-in-time), or None when it has none."""
    now = now or timezone.now()
    try:
        provider = get_provider()
        series = provider.prices(ticker, start=now.date() - timedelta(days=PRICE_LOOKBACK_DAYS), as_of=now)
    except (MarketDataError, ImproperlyConfigured):
        return None
    if len(series) == 0:
        return None
    price = float(series.close[-1])
    if not math.isfinite(price) or price <= 0 or series.last_date is None:
        return None
    return LatestClose(
        price=price, session=series.last_date, provider=provider.name, is_demo=bool(series.is_demo)
    )


def provider_fundamentals(ticker: str, *, now: dt.datetime | None = None) -> tuple[str | None, float | None]:
    """(sector, beta) from the provider's fundamentals; a beta outside 0..5 is not used."""
    now = now or timezone.now()
    try:
        fundamentals = get_provider().fundamentals(ticker, as_of=now)
    except (MarketDataError, ImproperlyConfigured):
        return None, None
    if fundamentals is None:
        return None, None
    sector = (fundamentals.sector or "").strip()[:SECTOR_MAX_CHARS] or None
    beta = fundamentals.beta
    if beta is None or not math.isfinite(beta) or not 0.0 <= beta <= MAX_BETA:
        beta = None
    return sector, (round(float(beta), 4) if beta is not None else None)


def provider_name() -> str:
    try:
        return get_provider().name
    except ImproperlyConfigured:
        return "configured"
