"""What the public sources said about some tickers at one `as_of`, held in memory for the engine.

The engine runs in worker processes and touches neither network nor database, so the service
fetches first (`provider.prefetch`) and hands the engine a `SnapshotProvider`: plain data
(picklable) answering the `MarketDataProvider` questions about exactly that `as_of`. A
question about another moment, or a ticker not prefetched, is a MarketDataError, never an
answer from another date. A kind that failed or is switched off holds its reason, which the
agent reports as "no data" with that reason.

No Django import here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from analysis.agents.macro import PREVIOUS_LOOKBACK
from analysis.market_data import (
    Fundamentals,
    MacroSnapshot,
    MarketDataError,
    NewsItem,
    OptionsSummary,
    PriceSeries,
    UnknownTicker,
)

NAME = "public"
KIND_OF_AGENT = {
    "market": "prices",
    "technical": "prices",
    "fundamentals": "fundamentals",
    "news": "news",
    "sentiment": "news",
    "macro": "macro",
    "options": "options",
}


@dataclass(frozen=True)
class Entry:
    """One kind's answer for one ticker: `value`, or `reason` when there is none.

    `source` names the service ("yahoo", "sec", "fred", "csv", or "none"); `fetched_at` is when
    the oldest body behind the value was fetched; `point_in_time` says whether the value is as
    it was known at `as_of` (False for today's revision of a series, used for a current as_of).
    """

    value: Any = None
    reason: str = ""
    source: str = "none"
    fetched_at: dt.datetime | None = None
    point_in_time: bool = True
    unknown_ticker: bool = False
    unavailable: bool = False  # the source could not answer (as opposed to having nothing)

    def provenance(self) -> dict[str, Any]:
        return {
            "data_source": self.source,
            "source_fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "point_in_time": self.point_in_time,
        }

    def get(self) -> Any:
        if self.reason:
            if self.unknown_ticker:
                raise UnknownTicker(self.reason)
            raise MarketDataError(f"No data: {self.reason}")
        return self.value


@dataclass
class SnapshotProvider:
    """The prefetched answers at `as_of` (module docstring), `entries[(kind, ticker)]`.

    Macro is under ("macro", "") for `as_of` and ("macro", "previous") for a month earlier.
    """

    as_of: dt.datetime
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    name: str = NAME
    is_demo: bool = False

    def merge(self, other: SnapshotProvider) -> SnapshotProvider:
        if other.as_of != self.as_of:
            raise ValueError("snapshots of different moments cannot be merged")
        return SnapshotProvider(self.as_of, {**self.entries, **other.entries})

    def holds(self, tickers: list[str], as_of: dt.datetime) -> bool:
        return as_of == self.as_of and all(("prices", t.upper()) in self.entries for t in tickers)

    def entry(self, kind: str, ticker: str, as_of: dt.datetime) -> Entry:
        if as_of != self.as_of:
            # Another moment: never answered from this one (point-in-time).
            raise MarketDataError(f"No data: {kind} were loaded as of {self.as_of.isoformat()} only")
        found = self.entries.get((kind, ticker.upper()))
        if found is None:
            raise MarketDataError(f"No data: {kind} for {ticker.upper() or 'the market'} were not loaded")
        return found

    def failures(self) -> list[str]:
        """ "kind TICKER: reason" for every kind whose configured source could not answer."""
        return [
            f"{kind} {ticker or 'market'}: {entry.reason}"
            for (kind, ticker), entry in sorted(self.entries.items())
            if entry.unavailable
        ]

    def provenance(self, agent: str, ticker: str) -> dict[str, Any] | None:
        kind = KIND_OF_AGENT.get(agent)
        found = self.entries.get((kind, "" if kind == "macro" else ticker.upper())) if kind else None
        return found.provenance() if found is not None else None

    # --- MarketDataProvider -----------------------------------------------------------

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        series: PriceSeries = self.entry("prices", ticker, as_of).get()
        keep = series.dates >= np.datetime64(start, "D")
        if keep.all():
            return series
        return replace(
            series,
            dates=series.dates[keep],
            open=series.open[keep],
            high=series.high[keep],
            low=series.low[keep],
            close=series.close[keep],
            volume=series.volume[keep],
        )

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
        return self.entry("fundamentals", ticker, as_of).get()

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        items: list[NewsItem] = self.entry("news", ticker, as_of).get()
        since = as_of - dt.timedelta(days=lookback_days)
        return [item for item in items if since < item.published_at <= as_of]

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        # The macro agent also asks about a month earlier: prefetched under "previous".
        previous = self.entries.get(("macro", "previous"))
        if previous is not None and as_of == self.as_of - PREVIOUS_LOOKBACK:
            return previous.get()
        return self.entry("macro", "", as_of).get()

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
        return self.entry("options", ticker, as_of).get()

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        found = self.entries.get(("earnings", ticker.upper()))
        if found is None or found.reason:
            return []
        past, upcoming = found.value
        return [d for d in [*past, *([upcoming] if upcoming else [])] if start <= d <= end]


def beta_against(prices: PriceSeries, index: PriceSeries, *, sessions: int = 252) -> float | None:
    """Beta of daily close-to-close returns against the index's over their last common `sessions`.

    cov(r, r_index) / var(r_index) over the dates both series share; None with fewer than 20
    common returns or an index without variance.
    """
    common, mine, theirs = np.intersect1d(prices.dates, index.dates, return_indices=True)
    if common.size < 21:
        return None
    a = prices.close[mine][-(sessions + 1) :]
    b = index.close[theirs][-(sessions + 1) :]
    ra, rb = np.diff(a) / a[:-1], np.diff(b) / b[:-1]
    variance = float(np.var(rb, ddof=1))
    if not variance > 0:
        return None
    return round(float(np.cov(ra, rb, ddof=1)[0, 1]) / variance, 4)
