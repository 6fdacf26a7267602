"""`demo`: a deterministic, offline, synthetic US equity market.

Any valid ticker symbol has data; the same ticker and dates give the same numbers on every
run and machine, whenever they are asked. Labelled `is_demo` everywhere, never to be mistaken
for a market. See `demo_market` for the price model.

Price arrays are read-only views of a shared per-ticker cache: copy before changing them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from analysis.market_data import (
    Fundamentals,
    MacroSnapshot,
    MarketDataError,
    NewsItem,
    OptionsSummary,
    PriceSeries,
    last_closed_session_day,
)
from analysis.providers.demo_fundamentals import demo_fundamentals
from analysis.providers.demo_macro import demo_macro
from analysis.providers.demo_market import earnings_calendar, history
from analysis.providers.demo_news import demo_news
from analysis.providers.demo_options import demo_options
from analysis.providers.symbols import normalize_ticker

LAST_YEAR = 2100  # the synthetic market is not generated beyond this year


def _checked(as_of: dt.datetime) -> dt.datetime:
    if as_of.tzinfo is None:
        raise MarketDataError("as_of must be an aware datetime")
    if as_of.year > LAST_YEAR:
        raise MarketDataError(f"The demo market ends in {LAST_YEAR}")
    return as_of


class DemoProvider:
    name = "demo"
    is_demo = True

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        symbol = normalize_ticker(ticker)
        last_day = last_closed_session_day(_checked(as_of))
        bars = history(symbol, last_day.year)
        first = int(np.searchsorted(bars.dates, np.datetime64(start, "D"), side="left"))
        stop = max(first, bars.end_index(last_day))
        return PriceSeries(
            ticker=symbol,
            dates=bars.dates[first:stop],
            open=bars.open[first:stop],
            high=bars.high[first:stop],
            low=bars.low[first:stop],
            close=bars.close[first:stop],
            volume=bars.volume[first:stop],
            source=self.name,
            is_demo=True,
        )

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
        return demo_fundamentals(normalize_ticker(ticker), as_of=_checked(as_of))

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        return demo_news(normalize_ticker(ticker), as_of=_checked(as_of), lookback_days=lookback_days)

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        return demo_macro(as_of=_checked(as_of))

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
        return demo_options(normalize_ticker(ticker), as_of=_checked(as_of))

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        symbol = normalize_ticker(ticker)
        if end < start:
            return []
        if end.year > LAST_YEAR:
            raise MarketDataError(f"The demo market ends in {LAST_YEAR}")
        # A quarter ending in the year before `start` can report inside the range.
        days = earnings_calendar(symbol, start.year - 1, end.year)
        lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
        return days[(days >= lo) & (days <= hi)].astype(dt.date).tolist()

    def __repr__(self) -> str:
        return "DemoProvider()"
