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
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Q
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
from analysis.providers.public import companyfacts_scan, fetch_ahead, fred, memo, sec, sec_facts, yahoo
from analysis.providers.public.fetch_ahead import Planned
from analysis.providers.public.snapshot import Entry, beta_against
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
from datasources.models import CachedResponse

T = TypeVar("T")
NEWS_TTL = dt.timedelta(minutes=30)
NEWS_KEPT_DAYS = 30
BAR_FINAL_AT = dt.time(16, 30)
PARSED_KEPT = 64  # parsed bodies kept in this process (a fact table is ~2,000 facts)
_parsed_values: OrderedDict[tuple[str, str], tuple[dt.datetime, int, Any]] = OrderedDict()
_parsed_lock = threading.Lock()


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
        return Packed(response.content)  # compressed by whoever needs it first (`fetch_ahead._run`)
    raise SourceUnavailable(f"{SERVICES[planned.source]['label']} answered HTTP {response.status}")


def _body(planned: Planned, on_fetched: Callable[[bytes], None] | None = None) -> CachedBody:
    """The body for `planned`, from the cache, from a GET the prefetch already sent, or fetched now."""
    ahead = fetch_ahead.current()

    def get() -> Packed:
        sent = ahead.sent(planned.source, planned.key) if ahead is not None else None
        return sent.result() if sent is not None else fetch(planned)

    body = cached_body(
        planned.source, planned.key, get, ttl=planned.ttl, ticker=planned.ticker, on_fetched=on_fetched
    )
    memo.record(planned.source, planned.key, body.fetched_at)
    return body


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


# --- SEC ----------------------------------------------------------------------------


def _parsed(planned: Planned, parse: Callable[[bytes], T]) -> tuple[T, dt.datetime]:
    """(parse(body), fetched_at) for `planned`'s body, parsed once per fetched version of it.

    While the cache holds the same version (same fetch time and size, unexpired; one query, no
    body read) the parsed value is reused: a watchlist reads SEC's ticker map once, not per ticker,
    and a replay decodes a 4 MB companyfacts once, not per `as_of`. A parse that raises is not kept.
    """
    slot = (planned.source, planned.key)
    with _parsed_lock:
        held = _parsed_values.get(slot)
    if held is not None:
        fresh = CachedResponse.objects.filter(source=planned.source, key=planned.key).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
        if fresh.filter(fetched_at=held[0], size_bytes=held[1]).exists():
            memo.record(planned.source, planned.key, held[0])
            return held[2], held[0]
    # A fetched body is parsed before it is stored, while its compression finishes (`cache.Packed`);
    # what the parse raised is raised once the body is stored, as when parsing came after.
    outcome: list[tuple[bool, Any]] = []

    def parse_fetched(content: bytes) -> None:
        try:
            outcome.append((True, parse(content)))
        except Exception as exc:  # raised again below, once the body is stored
            outcome.append((False, exc))

    body = _body(planned, parse_fetched)
    ok, value = outcome[0] if outcome else (True, parse(body.content))
    if not ok:
        raise value
    with _parsed_lock:
        _parsed_values[slot] = (body.fetched_at, len(body.content), value)
        _parsed_values.move_to_end(slot)
        while len(_parsed_values) > PARSED_KEPT:
            _parsed_values.popitem(last=False)
    return value, body.fetched_at


def _sec_object(what: str) -> Callable[[bytes], dict | None]:
    """A parser of an SEC JSON body: the object, or None for SEC's XML 404 (no such filer)."""

    def parse(content: bytes) -> dict | None:
        try:
            return sec.load_json(content, what)
        except sec.NoSuchFiler:
            return None

    return parse


def _ticker_map(content: bytes) -> dict[str, int] | None:
    mapping = _sec_object("ticker map")(content)
    return sec.parse_ticker_map(mapping) if mapping else None


def _fact_table(content: bytes) -> sec_facts.FactTable | MarketDataError | None:
    """Only the concepts the fundamentals read, parsed once; a malformed fact is kept as its error,
    which fails the fundamentals alone (earnings and 8-K events still read the submissions)."""
    if sec.is_no_such_filer(content):
        return None
    # Only the concepts read, when the body is in SEC's layout (`companyfacts_scan`), else all of it.
    facts = companyfacts_scan.read_concepts(content, sec_facts.CONCEPT_KEYS)
    if facts is None:
        facts = _sec_object("companyfacts")(content)
    if facts is None:
        return None
    try:
        return sec_facts.fact_table(facts)
    except MarketDataError as exc:
        return exc


def sec_on() -> bool:
    """Whether any kind reads SEC (fundamentals, earnings, or news with its 8-K events)."""
    sources = load_config().sources
    return sources["fundamentals"] == "sec" or sources["earnings"] == "sec" or sources["news"] == "yahoo"


_submissions = _sec_object("submissions")


def ticker_map_request() -> Planned:
    url = sec.ticker_map_url(load_config().base_urls["SEC_WWW_URL"])
    return Planned("sec", "tickers", url, None, default_ttl())


def filer_requests(cik: int, ticker: str) -> list[Planned]:
    """The per-company SEC GETs: companyfacts (when fundamentals read SEC) first, it is the larger."""
    config = load_config()
    data, ttl = config.base_urls["SEC_DATA_URL"], default_ttl()
    submissions_url = sec.submissions_url(data, cik)
    planned = [Planned("sec", f"submissions:{cik}", submissions_url, None, ttl, ticker)]
    if config.sources["fundamentals"] == "sec":
        facts_url = sec.companyfacts_url(data, cik)
        planned.insert(0, Planned("sec", f"companyfacts:{cik}", facts_url, None, ttl, ticker))
    return planned


def remembered_ticker_map() -> tuple[tuple[dt.datetime, int], dict[str, int] | None] | None:
    """(stamp, mapping) of SEC's ticker map as this process last parsed it: the mapping holds
    while the cache holds a body with that stamp (fetched_at, size), which `prefetch` checks in
    the query it makes anyway."""
    with _parsed_lock:
        held = _parsed_values.get(("sec", "tickers"))
    return ((held[0], held[1]), held[2]) if held is not None else None


def cik_of(mapping: dict[str, int], ticker: str) -> int | None:
    return mapping.get(ticker.upper().replace(".", "-"))


def sec_cik(ticker: str) -> tuple[int | None, dt.datetime]:
    """(CIK of `ticker` from SEC's ticker map, the map's fetch time). Raises SourceUnavailable,
    MarketDataError (a malformed map)."""
    planned = ticker_map_request()
    mapping, mapped_at = _parsed(planned, _ticker_map)
    return cik_of(mapping or {}, ticker), mapped_at


Facts = sec_facts.FactTable | MarketDataError | SourceUnavailable | None


def sec_filer(ticker: str) -> tuple[Facts, dict | None, dt.datetime | None, str]:
    """(companyfacts' fact table, or why there is none; submissions; oldest fetch time; reason
    when SEC has no such filer).

    companyfacts that cannot be fetched or read come back as their error, which fails the
    fundamentals alone. Raises SourceUnavailable (the ticker map or the submissions) and
    MarketDataError (a malformed map or submissions body).
    """
    cik, mapped_at = sec_cik(ticker)
    if cik is None:
        return None, None, mapped_at, f"SEC has no filer for {ticker}"
    facts: Facts = None
    submissions: dict | None = None
    fetched: list[dt.datetime] = []
    # What has arrived first is read first: companyfacts, the larger, is often still on its way.
    for planned in fetch_ahead.arrived_first(filer_requests(cik, ticker)):
        if planned.key.startswith("companyfacts:"):
            try:
                facts, at = _parsed(planned, _fact_table)
            except SourceUnavailable as exc:
                facts = exc
                continue
        else:
            submissions, at = _parsed(planned, _submissions)
        fetched.append(at)
    return facts, submissions, min(fetched) if fetched else None, ""


def load_sec(
    ticker: str, *, as_of: dt.datetime, prices: Entry, index: Entry | None
) -> tuple[Entry, Entry, dict | None]:
    """(fundamentals, earnings, submissions body) for `ticker` as known at `as_of`."""
    config = load_config()
    fundamentals_on = config.sources["fundamentals"] == "sec"
    earnings_on = config.sources["earnings"] == "sec"
    if not sec_on():
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
    facts: Facts,
    submissions: dict | None,
    fetched_at: dt.datetime | None,
    reason: str,
    prices: Entry,
    index: Entry | None,
    earnings: Entry,
) -> Entry:
    if facts is None:
        return Entry(reason=reason or f"SEC has no XBRL facts for {ticker}", source="sec")
    if isinstance(facts, SourceUnavailable):
        return Entry(reason=facts.reason, source="sec", unavailable=True)
    if isinstance(facts, MarketDataError):
        return Entry(reason=str(facts), source="sec")
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


def search_request(ticker: str, *, as_of: dt.datetime) -> Planned | None:
    """The Yahoo search GET behind `load_news` (None when news is off)."""
    config = load_config()
    if config.sources["news"] != "yahoo":
        return None
    current = is_current(as_of)
    key = f"search:{ticker}:{'current' if current else last_closed_session_day(as_of)}"
    url, params = yahoo.search_url(config.base_urls["YAHOO_QUERY_URL"], ticker)
    return Planned("yahoo", key, url, params, NEWS_TTL if current else None, ticker)


def load_news(ticker: str, *, as_of: dt.datetime, submissions: dict | None) -> Entry:
    """Yahoo search news kept by publication time, plus SEC 8-K events, published by `as_of`."""
    planned = search_request(ticker, as_of=as_of)
    if planned is None:
        return off("NEWS_SOURCE")
    reason, fetched_at, down = "", None, False
    try:
        body = _body(planned)
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
