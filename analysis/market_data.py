"""What market data providers return, and the interface they share.

Plain dataclasses over numpy arrays; no Django. Every provider call is
point-in-time: given `as_of`, nothing dated after it is ever returned. A daily
bar is dated by its session's close (16:00 America/New_York), so a bar is
visible at `as_of` only once its session has closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

import numpy as np

NEW_YORK = ZoneInfo("America/New_York")
SESSION_CLOSE = dt.time(16, 0)


class MarketDataError(Exception):
    """A provider could not answer; the message is safe to show to a user."""


class UnknownTicker(MarketDataError):
    """The provider has no data at all for this ticker."""


def session_close(day: dt.date) -> dt.datetime:
    """The moment a session's daily bar becomes known (aware, New York time)."""
    return dt.datetime.combine(day, SESSION_CLOSE, tzinfo=NEW_YORK)


def last_closed_session_day(as_of: dt.datetime) -> dt.date:
    """The latest calendar day whose 16:00 New York close is at or before `as_of`.

    Not necessarily a trading day; providers return bars up to this day inclusive.
    """
    local = as_of.astimezone(NEW_YORK)
    return local.date() if local.time() >= SESSION_CLOSE else local.date() - dt.timedelta(days=1)


@dataclass(frozen=True)
class PriceSeries:
    """Daily bars, oldest first. Arrays share one length; `dates` is datetime64[D]."""

    ticker: str
    dates: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    source: str
    is_demo: bool
    adjusted: bool = False

    def __len__(self) -> int:
        return int(self.dates.shape[0])

    @property
    def last_date(self) -> dt.date | None:
        return self.dates[-1].astype(dt.date) if len(self) else None


@dataclass(frozen=True)
class Fundamentals:
    ticker: str
    as_of: dt.date
    source: str
    is_demo: bool
    sector: str | None = None
    market_cap: float | None = None
    beta: float | None = None
    pe_ratio: float | None = None
    forward_pe: float | None = None
    profit_margin: float | None = None  # fraction, 0.25 = 25 %
    operating_margin: float | None = None
    debt_to_equity: float | None = None  # ratio, 0.8 = 80 %
    return_on_equity: float | None = None  # fraction
    dividend_yield: float | None = None  # fraction
    earnings_beat_rate: float | None = None  # share of the last 8 quarters that beat, 0..1
    eps_growth: float | None = None  # year over year, fraction
    revenue_growth: float | None = None  # year over year, fraction
    next_earnings_date: dt.date | None = None
    last_earnings_date: dt.date | None = None
    company_name: str | None = None
    earnings_per_share: float | None = None  # trailing twelve months
    earnings_beats: int | None = None  # of the last `earnings_quarters` reports, how many beat
    earnings_quarters: int | None = None


@dataclass(frozen=True)
class NewsItem:
    ticker: str
    published_at: dt.datetime  # aware
    title: str
    source: str
    url: str
    summary: str
    sentiment: float  # -1..1
    category: str  # earnings, guidance, analyst, product, strategic, legal, macro, other
    is_demo: bool


@dataclass(frozen=True)
class MacroSnapshot:
    as_of: dt.date
    source: str
    is_demo: bool
    fed_funds_rate: float  # percent
    cpi_yoy: float  # percent
    gdp_growth: float  # percent, annualised quarter on quarter
    treasury_10y: float  # percent
    treasury_2y: float  # percent
    unemployment_rate: float  # percent
    fed_funds_change_6m: float  # percentage points over the last six months


@dataclass(frozen=True)
class UnusualOptionActivity:
    kind: str  # "call" | "put"
    strike: float
    expiry: dt.date
    volume: int
    open_interest: int
    implied_volatility: float


@dataclass(frozen=True)
class OptionsSummary:
    ticker: str
    as_of: dt.date
    source: str
    is_demo: bool
    call_volume: int
    put_volume: int
    call_open_interest: int
    put_open_interest: int
    max_pain: float
    highest_iv: float
    unusual: tuple[UnusualOptionActivity, ...] = field(default_factory=tuple)


class MarketDataProvider(Protocol):
    """Every method is point-in-time; `None` or `[]` means "no data", never fake data."""

    name: str
    is_demo: bool

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        """Bars from `start` through the last session closed at `as_of`. Raises UnknownTicker."""
        ...

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None: ...

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        """Articles published in (as_of - lookback_days, as_of], newest first."""
        ...

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None: ...

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None: ...

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        """Known earnings dates in [start, end] (scheduling looks ahead; this is calendar data)."""
        ...
