"""The `public` provider: free online sources per kind of data, point-in-time, through the cache.

`MARKET_DATA_PROVIDER=public` composes the sources chosen by `PRICES_SOURCE` (yahoo | csv),
`FUNDAMENTALS_SOURCE` and `EARNINGS_SOURCE` (sec | none), `MACRO_SOURCE` (fred | none),
`NEWS_SOURCE` (yahoo | none, with SEC's 8-K filings as events) and `OPTIONS_SOURCE` (none).

Fetching happens here, in the server or Celery process: `prefetch(tickers, as_of)` loads every
kind for every ticker (and the index and the macro snapshots the agents compare) through the
cache, sending the requests the cache cannot answer together (bounded per service, see
`fetch_ahead`), and returns a `SnapshotProvider`, plain data that the engine reads in memory,
in process or in a worker. The methods of `MarketDataProvider` on `PublicProvider` itself serve
callers outside the engine (outcome scoring, the portfolio's price lookup, scheduling), through
the same cache, one request after another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from analysis.agents.macro import PREVIOUS_LOOKBACK
from analysis.engine import HISTORY_DAYS
from analysis.market_data import (
    Fundamentals,
    MacroSnapshot,
    MarketDataError,
    NewsItem,
    OptionsSummary,
    PriceSeries,
    session_close,
)
from analysis.providers.public import fetch_ahead, loaders, sec_loaders
from analysis.providers.public.fetch_ahead import Planned
from analysis.providers.public.memo import memoized
from analysis.providers.public.snapshot import NAME, Entry, SnapshotProvider
from analysis.providers.symbols import INDEX_TICKER
from datasources.http import SourceUnavailable


def as_of_moment(as_of: dt.date | dt.datetime) -> dt.datetime:
    """A date → after that day's close in New York (capped at now), as analyses read it."""
    if isinstance(as_of, dt.datetime):
        return as_of
    return min(session_close(as_of) + dt.timedelta(hours=7, minutes=59), loaders.now())


def _usable(value: object) -> bool:
    """Memoise only answers (no failure), and never csv prices, whose files are not in the cache."""
    entries = value if isinstance(value, tuple) else (value,)
    return all(e.source != "csv" and not e.reason for e in entries if isinstance(e, Entry))


def _setup() -> tuple:
    config = loaders.load_config()
    return (
        tuple(sorted(config.sources.items())),
        tuple(sorted(config.base_urls.items())),
        bool(config.fred_api_key),
    )


def _prices(ticker: str, as_of: dt.datetime, start: dt.date) -> tuple[Entry, tuple]:
    key = ("prices", ticker, as_of, start, loaders.is_current(as_of), _setup())
    return memoized(key, lambda: loaders.load_prices(ticker, as_of=as_of, start=start), keep=_usable)


def _macro(as_of: dt.datetime) -> Entry:
    key = ("macro", as_of, loaders.is_current(as_of), _setup())
    return memoized(key, lambda: loaders.load_macro(as_of=as_of), keep=_usable)[0]


def _ticker_entries(
    ticker: str,
    as_of: dt.datetime,
    start: dt.date,
    index: tuple[Entry, tuple],
    prices: tuple[Entry, tuple],
    news_fetched: loaders.NewsFetch | None = None,
) -> dict:
    """Every kind for `ticker`, from its `prices` and what `fetch_news` kept if the prefetch ran it."""
    entry, price_stamps = prices
    if entry.unknown_ticker:
        # Nothing else is worth asking about a symbol the price source does not know.
        return {("prices", ticker): entry}
    setup, current = _setup(), loaders.is_current(as_of)
    (fundamentals, earnings, submissions), sec_stamps = memoized(
        ("sec", ticker, as_of, current, setup, price_stamps, index[1]),
        lambda: sec_loaders.load_sec(ticker, as_of=as_of, prices=entry, index=index[0]),
        keep=_usable,
    )
    news, _ = memoized(
        ("news", ticker, as_of, current, setup, sec_stamps),
        lambda: loaders.load_news(ticker, as_of=as_of, submissions=submissions, fetched=news_fetched),
        keep=_usable,
    )
    return {
        ("prices", ticker): entry,
        ("fundamentals", ticker): fundamentals,
        ("earnings", ticker): earnings,
        ("news", ticker): news,
        ("options", ticker): loaders.off("OPTIONS_SOURCE"),
    }


def _first_requests(
    wanted: list[str], names: list[str], moment: dt.datetime, start: dt.date
) -> list[Planned]:
    """Every GET known before any body is read, the ticker map first (SEC's other GETs wait on it)."""
    planned: list[Planned | None] = [sec_loaders.ticker_map_request()] if sec_loaders.sec_on() else []
    planned += [loaders.chart_request(t, as_of=moment, start=start) for t in [INDEX_TICKER, *names]]
    planned += [loaders.search_request(t, as_of=moment) for t in wanted]
    for when in (moment, moment - PREVIOUS_LOOKBACK):
        planned += [request for _, request in loaders.macro_requests(when)]
    return [p for p in planned if p is not None]


def _filer_requests(tickers: list[str], mapping: dict[str, int] | None = None) -> list[Planned]:
    """SEC's per-company GETs of `tickers`, from `mapping` or else from the ticker map (read
    here, so it waits for it)."""
    planned: list[Planned] = []
    for ticker in tickers:
        if mapping is not None:
            cik = sec_loaders.cik_of(mapping, ticker)
        else:
            try:
                cik, _ = sec_loaders.sec_cik(ticker)
            except (SourceUnavailable, MarketDataError):
                return []  # the loaders report it, ticker by ticker
        if cik is not None:
            planned += sec_loaders.filer_requests(cik, ticker)
    return planned


def prefetch(
    tickers: list[str], as_of: dt.date | dt.datetime, days: int = HISTORY_DAYS, *, parallel: int | None = None
) -> SnapshotProvider:
    """Everything an analysis of `tickers` at `as_of` reads, loaded through the cache (module docstring).

    The GETs the cache cannot answer go out together, at most `parallel` (default
    `WATCHLIST_CONCURRENCY`) in flight per service (`fetch_ahead`); the bodies are read, parsed
    and cached here, in the calling thread.
    """
    moment = as_of_moment(as_of)
    # Never less than the engine's window, so what is warmed is what analyses ask for.
    start = moment.date() - dt.timedelta(days=max(days, HISTORY_DAYS))
    wanted = list(dict.fromkeys(t.upper() for t in tickers))
    names = [t for t in wanted if t != INDEX_TICKER]  # the index's filings and news only when asked
    entries: dict[tuple[str, str], Entry] = {}
    width = max(1, parallel or settings.WATCHLIST_CONCURRENCY)
    with fetch_ahead.sending(width, loaders.fetch) as ahead:
        planned = _first_requests(wanted, names, moment, start)
        sec_on = sec_loaders.sec_on()
        # With the ticker map this process parsed last, SEC's per-company GETs are planned at
        # once and one cache query serves everything (what a warm analysis pays); it is used
        # only if the cache still holds that very map. Otherwise the map is read first.
        remembered = sec_loaders.remembered_ticker_map() if sec_on else None
        filers = _filer_requests(wanted, remembered[1] or {}) if remembered is not None else []
        held = fetch_ahead.holdings(planned + filers)
        map_holds = remembered is not None and held.get(("sec", "tickers")) == remembered[0]
        ahead.send(planned + filers if map_holds else planned, held)
        if sec_on and not map_holds:
            filers = _filer_requests(wanted)
            ahead.send(filers)
        index = _prices(INDEX_TICKER, moment, start)
        entries[("prices", INDEX_TICKER)] = index[0]
        # Yahoo's bodies come in one round, with the index's chart: read them while SEC's and
        # FRED's second rounds are on their way, then the rest in the order it arrives.
        prices = {INDEX_TICKER: index, **{ticker: _prices(ticker, moment, start) for ticker in names}}
        news: dict[str, loaders.NewsFetch | None] = {}
        for ticker in names:
            search = loaders.search_request(ticker, as_of=moment)
            # Only a search this prefetch sent: a warm analysis's news is one memo lookup below.
            sent = search is not None and ahead.started(search.source, search.key)
            if sent and not prices[ticker][0].unknown_ticker:
                news[ticker] = loaders.fetch_news(ticker, as_of=moment)

        def macro(key: str, when: dt.datetime) -> None:
            entries[("macro", key)] = _macro(when)

        def ticker_entries(ticker: str) -> None:
            entries.update(_ticker_entries(ticker, moment, start, index, prices[ticker], news.get(ticker)))

        previous = moment - PREVIOUS_LOOKBACK
        series = {p.key: p for when in (moment, previous) for _, p in loaders.macro_requests(when)}
        tasks: list[tuple[list[Planned], Callable[[], None]]] = [
            ([p], lambda p=p: loaders.keep(p)) for p in series.values() if ahead.started(p.source, p.key)
        ]
        tasks += [
            ([p for _, p in loaders.macro_requests(moment)], lambda: macro("", moment)),
            ([p for _, p in loaders.macro_requests(previous)], lambda: macro("previous", previous)),
        ]
        for ticker in ([INDEX_TICKER] if INDEX_TICKER in wanted else []) + names:
            needs = [p for p in filers if p.ticker == ticker]
            tasks.append((needs, lambda ticker=ticker: ticker_entries(ticker)))
        ahead.in_arrival_order(tasks)
    return SnapshotProvider(as_of=moment, entries=entries)


class PublicProvider:
    """The provider behind `MARKET_DATA_PROVIDER=public` (module docstring)."""

    name = NAME
    is_demo = False
    fetches = True  # the service prefetches a snapshot for the engine

    def snapshot(
        self, tickers: list[str], as_of: dt.datetime, *, parallel: int | None = None
    ) -> SnapshotProvider:
        return prefetch(tickers, as_of, parallel=parallel)

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        return loaders.load_prices(ticker.upper(), as_of=as_of, start=start).get()

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
        return prefetch([ticker], as_of).fundamentals(ticker, as_of=as_of)

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        return prefetch([ticker], as_of).news(ticker, as_of=as_of, lookback_days=lookback_days)

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        return loaders.load_macro(as_of=as_of).get()

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
        return loaders.off("OPTIONS_SOURCE").get()

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        """Past report days and the estimated next one as known now, within [start, end]."""
        now = loaders.now()
        _, earnings, _ = sec_loaders.load_sec(
            ticker.upper(), as_of=now, prices=Entry(reason="not needed"), index=None
        )
        return SnapshotProvider(now, {("earnings", ticker.upper()): earnings}).earnings_dates(
            ticker, start=start, end=end
        )

    def unknown_ticker_reason(self, ticker: str) -> str | None:
        """Why the price source does not know `ticker` ("Yahoo does not know the ticker X."), or None.

        A source that cannot answer right now is not a verdict on the ticker: None.
        """
        now = loaders.now()
        entry = loaders.load_prices(ticker.upper(), as_of=now, start=now.date() - dt.timedelta(days=14))
        return entry.reason if entry.unknown_ticker else None

    def __repr__(self) -> str:
        return "PublicProvider()"
