"""A market whose every value dated after a cutoff can be rewritten, to test for look-ahead.

`PerturbedProvider` serves the demo market, point-in-time like any provider. Built with
`perturb=True`, it rewrites whatever is dated after `cutoff`: bars of sessions that closed
after it (prices × 3, volume × 5), articles published after it (strongly negative headlines),
and the fundamentals, macro and options snapshots asked about a moment after it (figures
turned upside down), and earnings dates after it (moved). An analysis as of `cutoff` that
reads only what was known then cannot tell the two markets apart. It records the moment of
every question it is asked, so a test can also say which question reached past the cutoff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np

from analysis.market_data import (
    Fundamentals,
    MacroSnapshot,
    NewsItem,
    OptionsSummary,
    PriceSeries,
    last_closed_session_day,
)
from analysis.providers.demo import DemoProvider


class PerturbedProvider:
    name = "perturbed"
    is_demo = True

    def __init__(self, cutoff: str, perturb: bool = False) -> None:
        self.cutoff = dt.datetime.fromisoformat(cutoff)
        self.perturb = perturb
        self.asked: list[tuple[str, dt.datetime | dt.date]] = []
        self._demo = DemoProvider()

    def _later(self, as_of: dt.datetime) -> bool:
        return self.perturb and as_of > self.cutoff

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        self.asked.append(("prices", as_of))
        series = self._demo.prices(ticker, start=start, as_of=as_of)
        if not self.perturb:
            return series
        later = series.dates > np.datetime64(last_closed_session_day(self.cutoff), "D")
        scale = np.where(later, 3.0, 1.0)
        return dataclasses.replace(
            series,
            open=series.open * scale,
            high=series.high * scale,
            low=series.low * scale,
            close=series.close * scale,
            volume=(series.volume * np.where(later, 5, 1)).astype(series.volume.dtype),
        )

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        self.asked.append(("news", as_of))
        articles = self._demo.news(ticker, as_of=as_of, lookback_days=lookback_days)
        return [
            dataclasses.replace(
                item,
                title=f"{ticker} collapses as regulators open fraud probe; guidance withdrawn",
                summary="Auditors resigned and the company withdrew its outlook.",
                url=f"{item.url}#perturbed",
                sentiment=-1.0,
                category="legal",
            )
            if self.perturb and item.published_at > self.cutoff
            else item
            for item in articles
        ]

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
        self.asked.append(("fundamentals", as_of))
        f = self._demo.fundamentals(ticker, as_of=as_of)
        if f is None or not self._later(as_of):
            return f
        return dataclasses.replace(
            f,
            market_cap=f.market_cap / 3 if f.market_cap else f.market_cap,
            beta=2.9,
            pe_ratio=(f.pe_ratio or 20.0) * 4,
            forward_pe=(f.forward_pe or 20.0) * 4,
            profit_margin=-0.35,
            operating_margin=-0.4,
            debt_to_equity=6.0,
            return_on_equity=-0.3,
            earnings_beat_rate=0.0,
            earnings_beats=0 if f.earnings_beats is not None else None,
            eps_growth=-0.6,
            revenue_growth=-0.45,
        )

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        self.asked.append(("macro", as_of))
        m = self._demo.macro(as_of=as_of)
        if m is None or not self._later(as_of):
            return m
        return dataclasses.replace(
            m,
            fed_funds_rate=m.fed_funds_rate + 4.0,
            cpi_yoy=m.cpi_yoy + 6.0,
            gdp_growth=m.gdp_growth - 5.0,
            treasury_2y=m.treasury_2y + 5.0,
            unemployment_rate=m.unemployment_rate + 4.0,
            fed_funds_change_6m=m.fed_funds_change_6m + 3.0,
        )

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
        self.asked.append(("options", as_of))
        o = self._demo.options(ticker, as_of=as_of)
        if o is None or not self._later(as_of):
            return o
        return dataclasses.replace(
            o,
            call_volume=o.put_volume * 10,
            put_volume=o.call_volume * 10 + 1,
            call_open_interest=o.put_open_interest,
            put_open_interest=o.call_open_interest * 10 + 1,
            highest_iv=o.highest_iv * 3,
        )

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        self.asked.append(("earnings_dates", end))
        days = self._demo.earnings_dates(ticker, start=start, end=end)
        shift = dt.timedelta(days=3)
        return [d + shift if self.perturb and d > self.cutoff.date() else d for d in days]

    def __repr__(self) -> str:
        return f"PerturbedProvider(cutoff={self.cutoff.isoformat()}, perturb={self.perturb})"
