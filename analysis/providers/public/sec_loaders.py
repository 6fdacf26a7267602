"""SEC's fundamentals and earnings for a ticker, through the cache, as `Entry`s.

SEC's ticker map gives the CIK; the filer's companyfacts (read concept by concept,
`companyfacts_scan`) give the fundamentals and its submissions the earnings dates and the 8-K
events the news reads. Each body is parsed once per fetched version of it (`_parsed`). Cache keys
and lifetimes are in `loaders`, whose body reads these go through.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from django.db.models import Q
from django.utils import timezone

from analysis.market_data import MarketDataError, PriceSeries
from analysis.providers.public import companyfacts_scan, fetch_ahead, loaders, memo, sec, sec_facts
from analysis.providers.public.fetch_ahead import Planned
from analysis.providers.public.snapshot import Entry, beta_against
from datasources.cache import default_ttl
from datasources.config import load_config
from datasources.http import SourceUnavailable
from datasources.models import CachedResponse

T = TypeVar("T")
PARSED_KEPT = 64  # parsed bodies kept in this process (a fact table is ~2,000 facts)
_parsed_values: OrderedDict[tuple[str, str], tuple[dt.datetime, int, Any]] = OrderedDict()
_parsed_lock = threading.Lock()


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

    body = loaders._body(planned, parse_fetched)
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
        return loaders.off("FUNDAMENTALS_SOURCE"), loaders.off("EARNINGS_SOURCE"), None
    try:
        facts, submissions, fetched_at, reason = sec_filer(ticker)
    except SourceUnavailable as exc:
        failed = Entry(reason=exc.reason, source="sec", unavailable=True)
        return (
            (failed if fundamentals_on else loaders.off("FUNDAMENTALS_SOURCE")),
            (failed if earnings_on else loaders.off("EARNINGS_SOURCE")),
            None,
        )
    except MarketDataError as exc:
        failed = Entry(reason=str(exc), source="sec")
        return failed, failed, None
    earnings = loaders.off("EARNINGS_SOURCE")
    if earnings_on:
        earnings = Entry(reason=reason or f"SEC has no submissions for {ticker}", source="sec")
        if submissions is not None:
            try:
                dates = sec.earnings_dates_from_submissions(submissions, as_of=as_of)
                earnings = Entry(dates, source="sec", fetched_at=fetched_at)
            except MarketDataError as exc:
                earnings = Entry(reason=str(exc), source="sec")
    fundamentals = loaders.off("FUNDAMENTALS_SOURCE")
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
