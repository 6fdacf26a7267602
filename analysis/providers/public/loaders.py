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

A source that cannot answer gives an Entry with the reason ("SEC unreachable: timed out after 3
tries"), never an exception to the caller; an unknown price ticker is marked `unknown_ticker`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.utils import timezone

from analysis.market_data import (
    NEW_YORK,
    MarketDataError,
    NewsItem,
    PriceSeries,
    UnknownTicker,
    last_closed_session_day,
)
from analysis.providers.csv import CsvProvider
from analysis.providers.public import fred, memo, sec, yahoo
from analysis.providers.public.snapshot import Entry, beta_against
from datasources.cache import CachedBody, RowItem, cached_body, cached_rows, default_ttl, store_rows
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


def _body(
    source: str, key: str, url: str, *, params: dict | None = None, ttl: dt.timedelta | None, ticker: str = ""
) -> CachedBody:
    """The body for `key`, from the cache or fetched; a 404 is a body too (unknown ticker or filer)."""

    def fetch() -> bytes:
        response = get_client().get(source, url, params=params)
        if response.ok or response.status == 404:
            return response.content
        raise SourceUnavailable(f"{SERVICES[source]['label']} answered HTTP {response.status}")

    body = cached_body(source, key, fetch, ttl=ttl, ticker=ticker)
    memo.record(source, key, body.fetched_at)
    return body


# --- prices -------------------------------------------------------------------------


def load_prices(ticker: str, *, as_of: dt.datetime, start: dt.date) -> Entry:
    config = load_config()
    if config.sources["prices"] == "csv":
        try:
            series = CsvProvider(str(settings.MARKET_DATA_CSV_DIR)).prices(ticker, start=start, as_of=as_of)
        except UnknownTicker:
            return Entry(
                reason=f"The csv price source has no file for {ticker}.", source="csv", unknown_ticker=True
            )
        except MarketDataError as exc:
            return Entry(reason=str(exc), source="csv")
        return Entry(series, source="csv", point_in_time=True)
    current = is_current(as_of)
    key = f"chart:{ticker}:{start.isoformat()}:{'current' if current else last_closed_session_day(as_of)}"
    # Through today, so that every split after the bars is listed and can be undone.
    today = now().astimezone(NEW_YORK).date()
    url, params = yahoo.chart_url(config.base_urls["YAHOO_QUERY_URL"], ticker, start, today)
    try:
        body = _body(
            "yahoo", key, url, params=params, ttl=_until_bar_final() if current else None, ticker=ticker
        )
        series = yahoo.parse_chart(body.content, ticker, as_of=as_of)
    except SourceUnavailable as exc:
        return Entry(reason=exc.reason, source="yahoo", unavailable=True)
    except UnknownTicker as exc:
        return Entry(reason=str(exc), source="yahoo", unknown_ticker=True)
    except MarketDataError as exc:
        return Entry(reason=str(exc), source="yahoo")
    return Entry(series, source="yahoo", fetched_at=body.fetched_at)


# --- SEC ----------------------------------------------------------------------------


def _sec_json(key: str, url: str, what: str, ticker: str = "") -> tuple[dict | None, dt.datetime]:
    """(body, fetched_at); body None when SEC has no such filer (its XML 404)."""
    body = _body("sec", key, url, ttl=default_ttl(), ticker=ticker)
    try:
        return sec.load_json(body.content, what), body.fetched_at
    except sec.NoSuchFiler:
        return None, body.fetched_at


def sec_filer(ticker: str) -> tuple[dict | None, dict | None, dt.datetime | None, str]:
    """(companyfacts, submissions, oldest fetch time, reason when none) for `ticker`.

    Raises SourceUnavailable and MarketDataError (malformed bodies).
    """
    config = load_config()
    www, data = config.base_urls["SEC_WWW_URL"], config.base_urls["SEC_DATA_URL"]
    mapping, mapped_at = _sec_json("tickers", sec.ticker_map_url(www), "ticker map")
    cik = sec.parse_ticker_map(mapping or {}).get(ticker.upper().replace(".", "-")) if mapping else None
    if cik is None:
        return None, None, mapped_at, f"SEC has no filer for {ticker}"
    submissions, sub_at = _sec_json(
        f"submissions:{cik}", sec.submissions_url(data, cik), "submissions", ticker
    )
    facts, facts_at = None, sub_at
    if config.sources["fundamentals"] == "sec":
        facts, facts_at = _sec_json(
            f"companyfacts:{cik}", sec.companyfacts_url(data, cik), "companyfacts", ticker
        )
    return facts, submissions, min(sub_at, facts_at), ""


def load_sec(
    ticker: str, *, as_of: dt.datetime, prices: Entry, index: Entry | None
) -> tuple[Entry, Entry, dict | None]:
    """(fundamentals, earnings, submissions body) for `ticker` as known at `as_of`."""
    config = load_config()
    fundamentals_on = config.sources["fundamentals"] == "sec"
    earnings_on = config.sources["earnings"] == "sec"
    if not (fundamentals_on or earnings_on or config.sources["news"] == "yahoo"):
        return off("FUNDAMENTALS_SOURCE"), off("EARNINGS_SOURCE"), None
    try:
        facts, submissions, fetched_at, reason = sec_filer(ticker)
    except SourceUnavailable as exc:
        failed = Entry(reason=exc.reason, source="sec", unavailable=True)
        return (
            (failed if fundamentals_on else off("FUNDAMENTALS_SOURCE")),
            (failed if earnings_on else off("EARNINGS_SOURCE")),
            None,
        )
    except MarketDataError as exc:
        failed = Entry(reason=str(exc), source="sec")
        return failed, failed, None
    earnings = off("EARNINGS_SOURCE")
    if earnings_on:
        earnings = Entry(reason=reason or f"SEC has no submissions for {ticker}", source="sec")
        if submissions is not None:
            try:
                dates = sec.earnings_dates_from_submissions(submissions, as_of=as_of)
                earnings = Entry(dates, source="sec", fetched_at=fetched_at)
            except MarketDataError as exc:
                earnings = Entry(reason=str(exc), source="sec")
    fundamentals = off("FUNDAMENTALS_SOURCE")
    if fundamentals_on:
        fundamentals = _fundamentals(
            ticker, as_of, facts, submissions, fetched_at, reason, prices, index, earnings
        )
    return fundamentals, earnings, submissions


def _fundamentals(
    ticker: str,
    as_of: dt.datetime,
    facts: dict | None,
    submissions: dict | None,
    fetched_at: dt.datetime | None,
    reason: str,
    prices: Entry,
    index: Entry | None,
    earnings: Entry,
) -> Entry:
    if facts is None:
        return Entry(reason=reason or f"SEC has no XBRL facts for {ticker}", source="sec")
    series: PriceSeries | None = prices.value if not prices.reason else None
    price = float(series.close[-1]) if series is not None and len(series) else None
    try:
        found = sec.fundamentals_from_companyfacts(
            facts,
            as_of=as_of,
            price=price,
            sic=str((submissions or {}).get("sic") or "") or None,
            ticker=ticker,
            earnings=earnings.value if not earnings.reason else None,
        )
    except MarketDataError as exc:
        return Entry(reason=str(exc), source="sec")
    if found is None:
        return Entry(
            reason=f"SEC has no facts for {ticker} filed by {as_of.date().isoformat()}", source="sec"
        )
    if series is not None and index is not None and not index.reason:
        found = replace(found, beta=beta_against(series, index.value))
    return Entry(found, source="sec", fetched_at=fetched_at)


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


def load_news(ticker: str, *, as_of: dt.datetime, submissions: dict | None) -> Entry:
    """Yahoo search news kept by publication time, plus SEC 8-K events, published by `as_of`."""
    config = load_config()
    if config.sources["news"] != "yahoo":
        return off("NEWS_SOURCE")
    current = is_current(as_of)
    key = f"search:{ticker}:{'current' if current else last_closed_session_day(as_of)}"
    url, params = yahoo.search_url(config.base_urls["YAHOO_QUERY_URL"], ticker)
    reason, fetched_at, down = "", None, False
    try:
        body = _body("yahoo", key, url, params=params, ttl=NEWS_TTL if current else None, ticker=ticker)
        fetched_at = body.fetched_at
        # Every item the source shows now is kept by its publication time; `as_of` filters below.
        items = yahoo.parse_search_news(body.content, ticker, as_of=max(now(), as_of))
        store_rows(
            "yahoo", ticker, (RowItem(i.url or i.title, i.published_at, _item_payload(i)) for i in items)
        )
    except SourceUnavailable as exc:
        reason, down = exc.reason, True
    except MarketDataError as exc:
        reason = str(exc)
    since = as_of - dt.timedelta(days=NEWS_KEPT_DAYS)
    articles = [_item(ticker, row) for row in cached_rows("yahoo", ticker, until=as_of, since=since)]
    if submissions is not None:
        try:
            events = sec.filing_events(submissions, ticker, as_of=as_of)
            articles.extend(e for e in events if e.published_at > since)
        except MarketDataError:
            pass  # the filings' own reader reports malformed bodies on the fundamentals side
    if reason and not articles:
        return Entry(reason=reason, source="yahoo", unavailable=down)
    articles.sort(key=lambda a: a.published_at, reverse=True)
    return Entry(articles, source="yahoo+sec" if submissions is not None else "yahoo", fetched_at=fetched_at)


# --- macro --------------------------------------------------------------------------


def load_macro(*, as_of: dt.datetime) -> Entry:
    config = load_config()
    if config.sources["macro"] != "fred":
        return off("MACRO_SOURCE")
    base, key = config.base_urls["FRED_URL"], config.fred_api_key
    if not key and not is_current(as_of):
        # Without vintages only today's values exist; a past as_of must not see them.
        return Entry(reason=fred.NEEDS_KEY.removeprefix("no data: "), source="fred")
    series: dict[str, fred.FredSeries] = {}
    fetched: list[dt.datetime] = []
    try:
        if key:
            day = fred.known_day(as_of)
            closed = day < fred.known_day(now())
            for series_id in fred.FETCH_SERIES:
                url, params = fred.observations_url(base, series_id, api_key=key, as_of=as_of)
                body = _body(
                    "fred",
                    f"alfred:{series_id}:{day}",
                    url,
                    params=params,
                    ttl=None if closed else default_ttl(),
                )
                series[series_id] = fred.parse_observations(body.content, series_id, as_of=as_of)
                fetched.append(body.fetched_at)
        else:
            for series_id in fred.FETCH_SERIES_WITHOUT_KEY:
                url, params = fred.fredgraph_url(base, series_id)
                body = _body("fred", f"fredgraph:{series_id}", url, params=params, ttl=default_ttl())
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
