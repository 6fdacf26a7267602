"""SEC EDGAR bodies: the ticker map, submissions (earnings dates, 8-K events), the current feed.

Pure functions over response bodies; fundamentals from companyfacts are in `sec_facts` and
re-exported here.

Times: `acceptanceDateTime` ends in `Z` but is US Eastern wall time (Apple's 8-K item 2.02
releases read 16:30, its 4:30 p.m. ET release), so it is read as America/New_York. The
companyfacts `filed` field is only a date; see `sec_facts.fact_available_at`.

An unknown CIK is answered with HTTP 404 and an S3 XML `NoSuchKey` body: `load_json` raises
`NoSuchFiler` for it (a ticker without an SEC filer, such as an ETF, simply has no fundamentals).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from analysis.market_data import NEW_YORK, MarketDataError, NewsItem
from analysis.providers.public import lexicon
from analysis.providers.public.sec_facts import (  # noqa: F401  (re-exported)
    CONCEPTS,
    fact_available_at,
    fundamentals_from_companyfacts,
)
from analysis.providers.public.sectors import sector_of_sic  # noqa: F401  (re-exported)
from core import json_columns

SOURCE = "sec"
TICKER_MAP_PATH = "/files/company_tickers.json"  # on SEC_WWW_URL
CURRENT_FEED_PATH = "/cgi-bin/browse-edgar"  # on SEC_WWW_URL
EARNINGS_ITEM = "2.02"
PERIODIC_FORMS = frozenset({"10-Q", "10-K"})
# A 10-Q/10-K this close after an item 2.02 release reports the same quarter.
SAME_REPORT_DAYS = 21
# 8-K items and what they are about (title text; category for the news agent).
ITEMS: dict[str, tuple[str, str]] = {
    "1.01": ("Entry into a Material Definitive Agreement", "strategic"),
    "1.02": ("Termination of a Material Definitive Agreement", "strategic"),
    "1.03": ("Bankruptcy or Receivership", "legal"),
    "2.01": ("Completion of Acquisition or Disposition of Assets", "strategic"),
    "2.02": ("Results of Operations and Financial Condition", "earnings"),
    "2.03": ("Creation of a Direct Financial Obligation", "other"),
    "2.05": ("Costs Associated with Exit or Disposal Activities", "strategic"),
    "2.06": ("Material Impairments", "other"),
    "3.01": ("Notice of Delisting or Failure to Satisfy a Listing Rule", "legal"),
    "4.01": ("Changes in Registrant's Certifying Accountant", "legal"),
    "4.02": ("Non-Reliance on Previously Issued Financial Statements", "legal"),
    "5.02": ("Departure or Appointment of Directors or Officers", "strategic"),
    "5.07": ("Submission of Matters to a Vote of Security Holders", "other"),
    "7.01": ("Regulation FD Disclosure", "other"),
    "8.01": ("Other Events", "other"),
}
_NOT_EVENTS = frozenset({"9.01"})  # exhibits only


class NoSuchFiler(MarketDataError):
    """SEC has no filer under this CIK (its XML 404 body)."""


def companyfacts_url(base: str, cik: int) -> str:
    """On SEC_DATA_URL: `/api/xbrl/companyfacts/CIK##########.json`."""
    return f"{base.rstrip('/')}/api/xbrl/companyfacts/CIK{int(cik):010d}.json"


def submissions_url(base: str, cik: int) -> str:
    """On SEC_DATA_URL: `/submissions/CIK##########.json`."""
    return f"{base.rstrip('/')}/submissions/CIK{int(cik):010d}.json"


def ticker_map_url(base: str) -> str:
    return base.rstrip("/") + TICKER_MAP_PATH


def current_feed_url(base: str, *, form: str = "8-K", count: int = 100) -> tuple[str, dict[str, str]]:
    params = {"action": "getcurrent", "type": form, "owner": "include", "count": str(count), "output": "atom"}
    return base.rstrip("/") + CURRENT_FEED_PATH, params


def is_no_such_filer(body: bytes | str) -> bool:
    """True for SEC's S3-style XML 404 body (`<Error><Code>NoSuchKey</Code>…`)."""
    # Only the head: a companyfacts body is 4 MB, and this runs on every SEC body read.
    text = body[:2048].decode("utf-8", "replace") if isinstance(body, bytes) else body[:2048]
    head = text.lstrip()[:400]
    return head.startswith("<") and "<Code>NoSuchKey</Code>" in head


def load_json(body: bytes | str | dict, what: str) -> dict:
    """A JSON object from an SEC body; NoSuchFiler for the XML 404, MarketDataError otherwise."""
    if isinstance(body, dict):
        return body
    if is_no_such_filer(body):
        raise NoSuchFiler(f"SEC has no filer for {what}")
    try:
        data = json_columns.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MarketDataError(f"SEC {what}: the response is not JSON") from error
    if not isinstance(data, dict):
        raise MarketDataError(f"SEC {what}: the response is not a JSON object")
    return data


def parse_ticker_map(body: bytes | str | dict) -> dict[str, int]:
    """company_tickers.json → {TICKER: CIK}. A current snapshot: it cannot map a past ticker."""
    data = load_json(body, "ticker map")
    mapping: dict[str, int] = {}
    for row in data.values():
        try:
            ticker, cik = str(row["ticker"]).upper(), int(row["cik_str"])
        except (KeyError, TypeError, ValueError) as error:
            raise MarketDataError("SEC ticker map: a row lacks ticker or cik_str") from error
        mapping.setdefault(ticker, cik)  # rows are ranked; the first listing of a ticker wins
    if not mapping:
        raise MarketDataError("SEC ticker map: no rows")
    return mapping


def accepted_at(text: str) -> dt.datetime:
    """`acceptanceDateTime` ("2026-02-24T16:55:58.000Z") as the New York time it really is."""
    try:
        naive = dt.datetime.fromisoformat(text.rstrip("Z").split(".")[0])
    except (AttributeError, ValueError) as error:
        raise MarketDataError(f"SEC submissions: acceptance time {text!r} does not parse") from error
    return naive.replace(tzinfo=NEW_YORK)


@dataclass(frozen=True)
class Filing:
    accession: str
    form: str
    accepted_at: dt.datetime  # aware, New York
    items: tuple[str, ...]
    cik: int | None
    company: str
    url: str


def _rows(table: dict) -> list[dict]:
    """Parallel arrays (`filings.recent` or an older page) → one dict per filing."""
    keys = ("accessionNumber", "form", "acceptanceDateTime")
    if not all(isinstance(table.get(k), list) for k in keys):
        raise MarketDataError("SEC submissions: the filings arrays are missing")
    n = len(table["accessionNumber"])
    if any(len(v) != n for v in table.values() if isinstance(v, list)):
        raise MarketDataError("SEC submissions: the filings arrays differ in length")
    return [{k: v[i] for k, v in table.items() if isinstance(v, list)} for i in range(n)]


def filings(
    sub: dict, *, as_of: dt.datetime, www_base: str = "https://www.sec.gov", pages=()
) -> list[Filing]:
    """Filings of a submissions body (plus older `pages`) accepted at or before `as_of`, oldest first."""
    if as_of.tzinfo is None:
        raise MarketDataError("as_of must be an aware datetime")
    sub = load_json(sub, "submissions")
    try:
        recent = sub["filings"]["recent"]
        cik = int(sub["cik"])
    except (KeyError, TypeError, ValueError) as error:
        raise MarketDataError("SEC submissions: no cik or filings.recent") from error
    rows = _rows(recent)
    for page in pages:
        rows.extend(_rows(load_json(page, "submissions page")))
    found = []
    for row in rows:
        when = accepted_at(row["acceptanceDateTime"])
        if when > as_of:
            continue
        accession = str(row["accessionNumber"])
        document = row.get("primaryDocument") or f"{accession}-index.htm"
        url = f"{www_base.rstrip('/')}/Archives/edgar/data/{cik}/{accession.replace('-', '')}/{document}"
        items = tuple(i.strip() for i in str(row.get("items") or "").split(",") if i.strip())
        found.append(Filing(accession, str(row["form"]), when, items, cik, str(sub.get("name") or ""), url))
    found.sort(key=lambda f: f.accepted_at)
    return found


def _earnings_days(found: list[Filing]) -> list[dt.date]:
    releases = [f.accepted_at.date() for f in found if f.form == "8-K" and EARNINGS_ITEM in f.items]
    periodic = [f.accepted_at.date() for f in found if f.form in PERIODIC_FORMS]
    days = set(releases)
    for day in periodic:
        # The 10-Q/10-K that follows a release is the same report, not a second one.
        if not any(0 <= (day - r).days <= SAME_REPORT_DAYS for r in releases):
            days.add(day)
    return sorted(days)


def earnings_dates_from_submissions(
    sub: dict | bytes | str, *, as_of: dt.datetime, pages=()
) -> tuple[list[dt.date], dt.date | None]:
    """(past report days, next report day estimated) as known at `as_of`.

    Past: New York days of 8-K item 2.02 releases, and of 10-Q/10-K filings not within
    SAME_REPORT_DAYS after a release. Next (an estimate, never announced data): the report a year
    after the fourth-last one (same fiscal quarter, same weekday), or with fewer than four the
    last plus the median gap; stepped on by the median gap until it is after `as_of`.
    """
    past = _earnings_days(filings(load_json(sub, "submissions"), as_of=as_of, pages=pages))
    if len(past) < 2:
        return past, None
    gaps = [(b - a).days for a, b in itertools.pairwise(past)][-8:]
    step = dt.timedelta(days=round(statistics.median(gaps)))
    if step.days < 28:  # not a quarterly cadence (amendments, irregular filer): no estimate
        return past, None
    estimate = past[-4] + dt.timedelta(days=364) if len(past) >= 4 else past[-1] + step
    if estimate <= past[-1]:
        estimate = past[-1] + step
    today = as_of.astimezone(NEW_YORK).date()
    while estimate <= today:
        estimate += step
    return past, estimate


def _event(filing: Filing, ticker: str) -> NewsItem | None:
    items = [i for i in filing.items if i not in _NOT_EVENTS]
    if not items:
        return None
    described = [ITEMS.get(i, (f"Item {i}", "other")) for i in items]
    title = f"{filing.form}: " + "; ".join(
        f"{text} (Item {i})" for i, (text, _) in zip(items, described, strict=True)
    )
    categories = [category for _, category in described]
    category = next((c for c in ("earnings", "legal", "strategic") if c in categories), "other")
    return NewsItem(
        ticker=ticker.upper(),
        published_at=filing.accepted_at,
        title=title,
        source="SEC EDGAR",
        url=filing.url,
        summary=f"{filing.company} filed {filing.form} ({filing.accession}).".strip(),
        sentiment=lexicon.score(title),
        category=category,
        is_demo=False,
    )


def filing_events(
    source: dict | list[Filing], ticker: str, *, as_of: dt.datetime, cik: int | None = None
) -> list[NewsItem]:
    """8-K filings accepted at or before `as_of` as news events, newest first.

    `source` is a submissions body or the entries of `parse_current_feed` (then only `cik`'s).
    """
    if isinstance(source, list):
        found = [f for f in source if f.accepted_at <= as_of and (cik is None or f.cik == cik)]
    else:
        found = filings(source, as_of=as_of)
    events = [_event(f, ticker) for f in found if f.form in ("8-K", "8-K/A")]
    return sorted((e for e in events if e is not None), key=lambda e: e.published_at, reverse=True)


_ATOM = "{http://www.w3.org/2005/Atom}"
_TITLE = re.compile(
    r"^(?P<form>\S+(?: \S+)?) - (?P<company>.*) \((?P<cik>\d{4,10})\) \((?P<role>[^)]*)\)\s*$"
)
_ITEM = re.compile(r"Item (\d+\.\d+)")
_ACCESSION = re.compile(r"accession-number=(\d{10}-\d{2}-\d{6})")


def parse_current_feed(xml: bytes | str) -> list[Filing]:
    """The current-filings Atom feed → filings, newest first (`updated` carries its offset)."""
    if is_no_such_filer(xml):
        raise MarketDataError("SEC current feed: not found")
    try:
        # From SEC or its configured mirror; expat (>= 2.4.1) caps entity expansion.
        root = ET.fromstring(  # noqa: S314
            xml.encode("iso-8859-1", "replace") if isinstance(xml, str) else xml
        )
    except ET.ParseError as error:
        raise MarketDataError(f"SEC current feed: not XML ({error})") from error
    if root.tag != f"{_ATOM}feed":
        raise MarketDataError("SEC current feed: not an Atom feed")
    found = []
    for entry in root.iter(f"{_ATOM}entry"):
        title = (entry.findtext(f"{_ATOM}title") or "").strip()
        match = _TITLE.match(title)
        category = entry.find(f"{_ATOM}category")
        form = category.get("term") if category is not None else (match["form"] if match else "")
        accession = _ACCESSION.search(entry.findtext(f"{_ATOM}id") or "")
        try:
            updated = dt.datetime.fromisoformat((entry.findtext(f"{_ATOM}updated") or "").strip())
        except ValueError as error:
            raise MarketDataError(f"SEC current feed: entry {title!r} has no valid time") from error
        if not match or not accession or updated.tzinfo is None:
            raise MarketDataError(f"SEC current feed: entry {title!r} is malformed")
        link = entry.find(f"{_ATOM}link")
        summary = entry.findtext(f"{_ATOM}summary") or ""
        found.append(
            Filing(
                accession=accession[1],
                form=form or match["form"],
                accepted_at=updated.astimezone(NEW_YORK),
                items=tuple(_ITEM.findall(summary)),
                cik=int(match["cik"]),
                company=match["company"],
                url=link.get("href", "") if link is not None else "",
            )
        )
    return sorted(found, key=lambda f: f.accepted_at, reverse=True)
