"""A watchlist's "Analyze all": the analysis service run over its tickers, as a stream of events.

`analyze_watchlist` checks everything a caller can get wrong (an empty list, a `tickers` subset
not on it, the agents, `as_of`) before it returns, so a bad request is a plain `DomainError`
(400) and never a stream. The run then analyses each ticker through `run_analysis`, all of
them as of one moment and sharing one `RunContext`; `watchlists.streams` paces them and frames
the events.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from analysis.agents import resolve_agents
from analysis.models import Analysis, RunKind
from analysis.services import parse_as_of
from analysis.tickers import InvalidTicker, normalise_ticker
from core.domain_errors import DomainError
from core.flags import Flag, is_enabled
from orchestration.analysis import RunContext, prepare_run, run_analysis
from watchlists import selectors
from watchlists.bulk_add import split_paste
from watchlists.models import Watchlist
from watchlists.ranking import rank_opportunities
from watchlists.streams import analysis_item, watchlist_events


@dataclass(frozen=True)
class RunOptions:
    agents: tuple[str, ...]
    as_of: dt.datetime


def parse_run_options(*, agents: str | None, as_of: str | None) -> RunOptions:
    """The `agents` and `as_of` of a watchlist run, validated as for a single-ticker analysis.

    `as_of` is fixed once for the whole run (now, when not given), so every ticker is
    analysed as of the same moment.
    """
    names = agents.split(",") if isinstance(agents, str) else agents
    return RunOptions(agents=resolve_agents(names), as_of=parse_as_of(as_of))


def subset_to_run(tickers: list[str], raw: str | None) -> list[str]:
    """The watchlist's tickers, or those of them named in `tickers` (a run resumed after a reload).

    List order is kept, so a resumed run analyses in the order the full run would have.
    """
    if raw is None or not raw.strip():
        return tickers
    asked = set()
    for token in split_paste(raw):
        try:
            asked.add(normalise_ticker(token))
        except InvalidTicker as exc:
            raise DomainError(f"tickers: {exc}") from exc
    unknown = sorted(asked - set(tickers))
    if unknown:
        raise DomainError(f"tickers: not on this watchlist: {', '.join(unknown)}")
    return [ticker for ticker in tickers if ticker in asked]


@dataclass
class WatchlistRun:
    """What the tickers of one run share. The context is built by the first ticker's thread, not
    when the run is set up: the stream must start at once."""

    tickers: list[str]
    options: RunOptions
    _context: RunContext | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def context(self) -> RunContext:
        with self._lock:
            if self._context is None:
                self._context = prepare_run(
                    as_of=self.options.as_of,
                    share_market=True,
                    engine_processes=settings.WATCHLIST_ENGINE_PROCESSES,
                    tickers=self.tickers,
                )
            return self._context

    def analyse(self, ticker: str) -> Analysis:
        return run_analysis(
            ticker=ticker,
            agents=list(self.options.agents),
            as_of=self.options.as_of,
            run_kind=RunKind.WATCHLIST,
            context=self.context(),
        )

    def rank(self, results: list[Analysis]) -> list[dict[str, Any]] | None:
        """`done`'s opportunities: this run's analyses ranked, or None while ranking is off."""
        if not is_enabled(Flag.WATCHLIST_RANKING):
            return None
        return rank_opportunities(selectors.rows_for_analyses(a.pk for a in results), limit=None)


def analyze_watchlist(
    *, watchlist: Watchlist, only: str | None = None, agents: str | None = None, as_of: str | None = None
) -> AsyncIterator[str]:
    """The events of one run over the watchlist (`only`: a comma-separated subset of its tickers).

    Raises `DomainError` before any event for an empty watchlist, a subset not on it, unknown
    agents or a bad `as_of`. At most WATCHLIST_CONCURRENCY analyses run at once.
    """
    tickers = selectors.tickers_of(watchlist)
    if not tickers:
        raise DomainError("Watchlist has no tickers")
    tickers = subset_to_run(tickers, only)
    run = WatchlistRun(tickers=tickers, options=parse_run_options(agents=agents, as_of=as_of))
    return watchlist_events(
        watchlist_id=watchlist.pk,
        tickers=tickers,
        run=run.analyse,
        serialize=analysis_item,
        concurrency=settings.WATCHLIST_CONCURRENCY,
        rank=run.rank,
    )
