"""What every ticker of one run shares: the index series and the macro snapshots at one `as_of`.

A watchlist run analyses many tickers as of one moment. Each analysis asks the provider for
the same index series (for the regime) and the same macro snapshot; over a remote source
that is two calls per ticker for one answer. `load_market_context` asks once, and
`with_market_context` wraps the provider so those questions, asked about exactly that moment,
are answered from what was loaded. Any other question, and the same one about any other
moment, goes to the provider: the context can never answer for a later date than it was
loaded at, so point-in-time holds.

A failure while loading is not cached: the analysis that asks again meets the provider's own
error, exactly as it would without a context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.agents.macro import PREVIOUS_LOOKBACK
from analysis.market_data import MacroSnapshot, MarketDataError, MarketDataProvider, PriceSeries
from analysis.providers.symbols import INDEX_TICKER


@dataclass(frozen=True)
class MarketContext:
    """The index's daily bars from `index_start` and the macro snapshot, both as of `as_of`.

    `index` or `macro_loaded` is absent when the provider failed on it; `macro` may be None
    when the provider has no macro data (an answer, kept). `previous_macro` is the snapshot a
    month earlier, which the macro agent compares against.
    """

    as_of: dt.datetime
    index_start: dt.date
    index: PriceSeries | None
    macro: MacroSnapshot | None
    macro_loaded: bool
    previous_macro: MacroSnapshot | None = None
    previous_macro_loaded: bool = False


def load_market_context(
    provider: MarketDataProvider, *, as_of: dt.datetime, index_start: dt.date
) -> MarketContext:
    try:
        index = provider.prices(INDEX_TICKER, start=index_start, as_of=as_of)
    except MarketDataError:
        index = None
    try:
        macro, macro_loaded = provider.macro(as_of=as_of), True
    except MarketDataError:
        macro, macro_loaded = None, False
    try:
        previous, previous_loaded = provider.macro(as_of=as_of - PREVIOUS_LOOKBACK), True
    except MarketDataError:
        previous, previous_loaded = None, False
    return MarketContext(
        as_of=as_of,
        index_start=index_start,
        index=index,
        macro=macro,
        macro_loaded=macro_loaded,
        previous_macro=previous,
        previous_macro_loaded=previous_loaded,
    )


class ContextProvider:
    """`provider`, answering the index and macro questions about `context.as_of` from `context`."""

    def __init__(self, provider: MarketDataProvider, context: MarketContext) -> None:
        self._provider = provider
        self._context = context
        self.name = provider.name
        self.is_demo = provider.is_demo

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        index = self._context.index
        if ticker.upper() == INDEX_TICKER and index is not None and as_of == self._context.as_of:
            if start == self._context.index_start:
                return index
            if start > self._context.index_start:
                keep = index.dates >= np.datetime64(start, "D")
                return PriceSeries(
                    ticker=index.ticker,
                    dates=index.dates[keep],
                    open=index.open[keep],
                    high=index.high[keep],
                    low=index.low[keep],
                    close=index.close[keep],
                    volume=index.volume[keep],
                    source=index.source,
                    is_demo=index.is_demo,
                    adjusted=index.adjusted,
                )
        return self._provider.prices(ticker, start=start, as_of=as_of)

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        if self._context.macro_loaded and as_of == self._context.as_of:
            return self._context.macro
        if self._context.previous_macro_loaded and as_of == self._context.as_of - PREVIOUS_LOOKBACK:
            return self._context.previous_macro
        return self._provider.macro(as_of=as_of)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never during copy or unpickling, before __init__ has run
            raise AttributeError(name)
        # fundamentals, news, options, earnings_dates: per ticker, nothing to share.
        return getattr(self._provider, name)

    def __repr__(self) -> str:
        return f"ContextProvider({self._provider!r}, as_of={self._context.as_of.isoformat()})"


def with_market_context(provider: MarketDataProvider, context: MarketContext | None) -> MarketDataProvider:
    return provider if context is None else ContextProvider(provider, context)
