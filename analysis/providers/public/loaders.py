"""Each kind of data from its configured source, through the cache, as an `Entry`.

Runs in the server or Celery process (it reads and writes the cache tables); the engine sees
only the `SnapshotProvider` built from these entries. Cache keys and lifetimes:

- Yahoo chart, past `as_of`: `chart:T:start:<as_of day>`, kept for good (its sessions are closed,
  and every split after `as_of` up to the fetch is listed and undone);
- Yahoo chart, current `as_of`: `chart:T:start:current`, until 16:30 New York (next bar final);
- SEC ticker map, companyfacts, submissions: `tickers`, `companyfacts:CIK`, `submissions:CIK`,
  `MARKET_DATA_CACHE_TTL_HOURS` (24 h);
- FRED with a key: `alfred:SERIES:<known day>`, for good once that day is past, else the TTL;
  without a key (current `as_of` only): `fredgraph:SERIES`, the TTL;
- Yahoo search news: `search:T:current` for 30 minutes (`search:T:<as_of day>` for good), each
  article kept by its publication time.

SEC's loaders are in `sec_loaders`. A source that cannot answer gives an Entry with the reason
("SEC unreachable: timed out after 3 tries"), never an exception to the caller; an unknown price
ticker is marked `unknown_ticker`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from analysis.market_data import (
    NEW_YORK,
    MarketDataError,
    NewsItem,
    UnknownTicker,
    last_closed_session_day,
)
from analysis.providers.csv import CsvProvider
from analysis.providers.public import fetch_ahead, fred, memo, sec, yahoo
from analysis.providers.public.fetch_ahead import Planned
from analysis.providers.public.snapshot import Entry
from datasources.cache import (
    CachedBody,
    Packed,
    RowItem,
    cached_body,
    cached_rows,
    default_ttl,
    store_rows,
)
from datasources.config import SERVICES, load_config
from datasources.http import SourceUnavailable, get_client

NEWS_TTL = dt.timedelta(minutes=30)
NEWS_KEPT_DAYS = 30
BAR_FINAL_AT = dt.time(16, 30)


def now() -> dt.datetime:
    """The present moment (one place, so a test can compose a scenario at a recorded date)."""
    return timezone.now()


def off(setting: str) -> Entry:
    return Entry(reason=f"no data from the configured source ({setting}=none)", source="none")


def is_current(as_of: dt.datetime) -> bool:
    return last_closed_session_day(as_of) >= last_closed_session_day(now())


def _until_bar_final() -> dt.timedelta:
    local = now().astimezone(NEW_YORK)
    final = dt.datetime.combine(local.date(), BAR_FINAL_AT, tzinfo=NEW_YORK)
    if local >= final:
        final += dt.timedelta(days=1)
    return final - local


def fetch(planned: Planned, on_slot: Callable[[], None] | None = None) -> Packed:
    """GET one planned body through the process's client; a 404 is a body too (unknown ticker or filer).

    Touches no database, so a prefetch may run it in its fetching threads (`fetch_ahead`, which
    passes `on_slot`: see `SourceClient.get`), which then compress what the cache will keep
    (`Packed`) while the calling thread parses the body.
    """
    response = get_client().get(planned.source, planned.url, params=planned.params, on_slot=on_slot)
    if response.ok or response.status == 404:
        # Kept as the server gzipped it, else compressed by whoever needs it first (`fetch_ahead._run`).
        return Packed(response.content, response.gzipped)
    raise SourceUnavailable(f"{SERVICES[planned.source]['label']} answered HTTP {response.status}")


def _body(planned: Planned, on_fetched: Callable[[bytes], None] | None = None) -> CachedBody:
    """The body for `planned`, from the cache, from a GET the prefetch already sent, or fetched now."""
    ahead = fetch_ahead.current()
    kept = ahead.kept(planned) if ahead is not None else None
    if kept is not None:
        memo.record(planned.source, planned.key, kept.fetched_at)
        return kept

    def get() -> Packed:
        sent = ahead.sent(planned.source, planned.key) if ahead is not None else None
        return sent.result() if sent is not None else fetch(planned)

    body = cached_body(
        planned.source, planned.key, get, ttl=planned.ttl, ticker=planned.ticker, on_fetched=on_fetched
    )
    if ahead is not None and not body.from_cache:
        ahead.release(planned.source, planned.key)  # the cache holds it now
    memo.record(planned.source, planned.key, body.fetched_at)
    return body


def keep(planned: Planned) -> None:
    """Store the body of `planned` now, so that its loader reads it later in one cache read.

    A prefetch keeps each FRED series as it arrives, while the series of the next round are on
    their way; its loader then reads the body from the prefetch's memory. A failed GET is left
    for the loader, which meets the same failure and reports it.
    """
    ahead = fetch_ahead.current()
    with contextlib.suppress(SourceUnavailable):
        body = _body(planned)
        if ahead is not None:
            ahead.keep(planned, body)


# --- prices -------------------------------------------------------------------------


def chart_request(ticker: str, *, as_of: dt.datetime, start: dt.date) -> Planned | None:
    """The Yahoo chart GET behind `load_prices` (None when prices come from csv files)."""
    config = load_config()
    if config.sources["prices"] != "yahoo":
        return None
    current = is_current(as_of)
    key = f"chart:{ticker}:{start.isoformat()}:{'current' if current else last_closed_session_day(as_of)}"
    # Through today, so that every split after the bars is listed and can be undone.
    today = now().astimezone(NEW_YORK).date()
    url, params = yahoo.chart_url(config.base_urls["YAHOO_QUERY_URL"], ticker, start, today)
    return Planned("yahoo", key, url, params, _until_bar_final() if current else None, ticker)


def load_prices(ticker: str, *, as_of: dt.datetime, start: dt.date) -> Entry:
    planned = chart_request(ticker, as_of=as_of, start=start)
    if planned is None:
        try:
            series = CsvProvider(str(settings.MARKET_DATA_CSV_DIR)).prices(ticker, start=start, as_of=as_of)
        except UnknownTicker:
            return Entry(
                reason=f"The csv price source has no file for {ticker}.", source="csv", unknown_ticker=True
            )
        except MarketDataError as exc:
            return Entry(reason=str(exc), source="csv")
        return Entry(series, source="csv", point_in_time=True)
    try:
        body = _body(planned)
        series = yahoo.parse_chart(body.content, ticker, as_of=as_of)
    except SourceUnavailable as exc:
        return Entry(reason=exc.reason, source="yahoo", unavailable=True)
    except UnknownTicker as exc:
        return Entry(reason=str(exc), source="yahoo", unknown_ticker=True)
    except MarketDataError as exc:
        return Entry(reason=str(exc), source="yahoo")
    return Entry(series, source="yahoo", fetched_at=body.fetched_at)


# --- news ---------------------------------------------------------------------------


def _item_payload(item: NewsItem) -> dict[str, Any]:
    return {
        "title": item.title,
        "source": item.source,
        "url": item.url,
        "summary": item.summary,
        "sentiment": item.sentiment,
        "category": item.category,
    }


def _item(ticker: str, row: RowItem) -> NewsItem:
    p = row.payload
    return NewsItem(
        ticker=ticker,
        published_at=row.published_at,
        title=p["title"],
        source=p["source"],
        url=p["url"],
        summary=p["summary"],
        sentiment=float(p["sentiment"]),
        category=p["category"],
        is_demo=False,
    )


def search_request(ticker: str, *, as_of: dt.datetime) -> Planned | None:
    """The Yahoo search GET behind `load_news` (None when news is off)."""
    config = load_config()
    if config.sources["news"] != "yahoo":
        return None
    current = is_current(as_of)
    key = f"search:{ticker}:{'current' if current else last_closed_session_day(as_of)}"
    url, params = yahoo.search_url(config.base_urls["YAHOO_QUERY_URL"], ticker)
    return Planned("yahoo", key, url, params, NEWS_TTL if current else None, ticker)


@dataclass(frozen=True)
class NewsFetch:
    """What the Yahoo search GET of `fetch_news` left: why it gave nothing, or its body's key
    and fetch time (the memo of the news entry depends on that body)."""

    reason: str = ""
    down: bool = False
    key: str = ""
    fetched_at: dt.datetime | None = None


def fetch_news(ticker: str, *, as_of: dt.datetime) -> NewsFetch | None:
    """Fetch Yahoo's search news and keep every item by its publication time; None when news is off.

    A prefetch runs it as soon as the body arrives, while SEC's bodies, which the news also
    reads (8-K events), are still on their way.
    """
    planned = search_request(ticker, as_of=as_of)
    if planned is None:
        return None
    try:
        body = _body(planned)
        # Every item the source shows now is kept by its publication time; `as_of` filters later.
        items = yahoo.parse_search_news(body.content, ticker, as_of=max(now(), as_of))
        store_rows(
            "yahoo", ticker, (RowItem(i.url or i.title, i.published_at, _item_payload(i)) for i in items)
        )
    except SourceUnavailable as exc:
        return NewsFetch(reason=exc.reason, down=True)
    except MarketDataError as exc:
        return NewsFetch(reason=str(exc))
    return NewsFetch(key=planned.key, fetched_at=body.fetched_at)


def load_news(
    ticker: str, *, as_of: dt.datetime, submissions: dict | None, fetched: NewsFetch | None = None
) -> Entry:
    """Yahoo search news kept by publication time, plus SEC 8-K events, published by `as_of`.

    `fetched`: what `fetch_news` already did for this analysis, else it is done here.
    """
    if fetched is None:
        fetched = fetch_news(ticker, as_of=as_of)
        if fetched is None:
            return off("NEWS_SOURCE")
    elif fetched.key:
        memo.record("yahoo", fetched.key, fetched.fetched_at)
    since = as_of - dt.timedelta(days=NEWS_KEPT_DAYS)
    articles = [_item(ticker, row) for row in cached_rows("yahoo", ticker, until=as_of, since=since)]
    if submissions is not None:
        try:
            events = sec.filing_events(submissions, ticker, as_of=as_of)
            articles.extend(e for e in events if e.published_at > since)
        except MarketDataError:
            pass  # the filings' own reader reports malformed bodies on the fundamentals side
    if fetched.reason and not articles:
        return Entry(reason=fetched.reason, source="yahoo", unavailable=fetched.down)
    articles.sort(key=lambda a: a.published_at, reverse=True)
    source = "yahoo+sec" if submissions is not None else "yahoo"
    return Entry(articles, source=source, fetched_at=fetched.fetched_at)


# --- macro --------------------------------------------------------------------------


def macro_requests(as_of: dt.datetime) -> list[tuple[str, Planned]]:
    """(series id, GET) of each FRED series `load_macro` reads at `as_of`; none when macro is off
    or a past `as_of` has no key (it then asks nothing)."""
    config = load_config()
    base, key = config.base_urls["FRED_URL"], config.fred_api_key
    if config.sources["macro"] != "fred" or (not key and not is_current(as_of)):
        return []
    planned = []
    if key:
        day = fred.known_day(as_of)
        ttl = None if day < fred.known_day(now()) else default_ttl()
        for series_id in fred.FETCH_SERIES:
            url, params = fred.observations_url(base, series_id, api_key=key, as_of=as_of)
            planned.append((series_id, Planned("fred", f"alfred:{series_id}:{day}", url, params, ttl)))
    else:
        for series_id in fred.FETCH_SERIES_WITHOUT_KEY:
            url, params = fred.fredgraph_url(base, series_id)
            planned.append((series_id, Planned("fred", f"fredgraph:{series_id}", url, params, default_ttl())))
    return planned


def load_macro(*, as_of: dt.datetime) -> Entry:
    config = load_config()
    if config.sources["macro"] != "fred":
        return off("MACRO_SOURCE")
    if not config.fred_api_key and not is_current(as_of):
        # Without vintages only today's values exist; a past as_of must not see them.
        return Entry(reason=fred.NEEDS_KEY.removeprefix("no data: "), source="fred")
    series: dict[str, fred.FredSeries] = {}
    fetched: list[dt.datetime] = []
    try:
        for series_id, planned in macro_requests(as_of):
            body = _body(planned)
            if config.fred_api_key:
                series[series_id] = fred.parse_observations(body.content, series_id, as_of=as_of)
            else:
                series[series_id] = fred.parse_fredgraph_csv(body.content, series_id)
            fetched.append(body.fetched_at)
        snapshot = fred.macro_snapshot(series, as_of=as_of, now=now())
    except SourceUnavailable as exc:
        return Entry(reason=exc.reason, source="fred", unavailable=True)
    except fred.NeedsFredKey:
        return Entry(reason=fred.NEEDS_KEY.removeprefix("no data: "), source="fred")
    except (MarketDataError, json.JSONDecodeError) as exc:
        return Entry(reason=str(exc), source="fred")
    return Entry(
        snapshot,
        source="fred",
        fetched_at=min(fetched) if fetched else None,
        point_in_time=all(s.point_in_time for s in series.values()),
    )
