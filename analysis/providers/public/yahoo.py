"""Yahoo Finance bodies: the chart API (daily OHLCV, dividends, splits) and search news.

Pure functions over response bodies; fetching and caching live elsewhere.

Chart point-in-time rules (`parse_chart`):

- Only bars of sessions closed by `as_of` (see `analysis.market_data.last_closed_session_day`).
  A bar's timestamp is its session's 09:30 open in `meta.exchangeTimezoneName`; the date is read
  in that zone.
- Yahoo's `open/high/low/close` are divided by every split up to the day of the request, and
  `volume` multiplied. Splits whose ex-date is after `as_of` are undone from `events.splits`, so
  levels are those traded then. Only splits inside the requested window are listed, so the
  request must run through today (`chart_url(..., end=today)`): a split after the window's end
  would stay applied and cannot be seen in the body.
- Dividends: the series is adjusted as the `csv` provider adjusts it, rebased to T (the last bar
  visible at `as_of`): each bar before an ex-date e <= T is scaled by (1 - amount / close before e),
  so T's close is the traded one and returns include dividends. Dividends after `as_of` change
  nothing. Yahoo's own `adjclose` is not used: it holds every dividend up to the request.
  The series says `adjusted=True` (the adjustment uses all the events known at `as_of`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from analysis.market_data import (
    NEW_YORK,
    MarketDataError,
    NewsItem,
    PriceSeries,
    UnknownTicker,
    last_closed_session_day,
)
from analysis.providers.public import lexicon

SOURCE = "yahoo"
CHART_PATH = "/v8/finance/chart/{ticker}"
SEARCH_PATH = "/v1/finance/search"


def _aware(as_of: dt.datetime) -> None:
    if as_of.tzinfo is None:
        raise MarketDataError("as_of must be an aware datetime")


def _load_json(body: bytes | str | dict, what: str) -> dict:
    if isinstance(body, dict):
        return body
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MarketDataError(f"Yahoo {what}: the response is not JSON") from error
    if not isinstance(data, dict):
        raise MarketDataError(f"Yahoo {what}: the response is not a JSON object")
    return data


def _epoch(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC).timestamp())


def chart_url(base: str, ticker: str, start: dt.date, end: dt.date) -> tuple[str, dict[str, str]]:
    """The chart request for daily bars of [start, end] with dividends and splits.

    Returns (url, params); `url` is `base` joined with the path. Pass `end` = today so that every
    split after the bars is listed in the events (see the module docstring).
    """
    path = CHART_PATH.format(ticker=ticker)
    params = {
        "interval": "1d",
        "events": "div|split",
        "includePrePost": "false",
        "period1": str(_epoch(start)),
        # period2 is exclusive: the day after `end`.
        "period2": str(_epoch(end + dt.timedelta(days=1))),
    }
    return base.rstrip("/") + path, params


def search_url(base: str, ticker: str, *, news_count: int = 20) -> tuple[str, dict[str, str]]:
    """The search request that returns news for `ticker` (quotes are not needed)."""
    params = {"q": ticker, "quotesCount": "0", "newsCount": str(news_count), "enableFuzzyQuery": "false"}
    return base.rstrip("/") + SEARCH_PATH, params


def _chart_result(data: dict, ticker: str) -> dict:
    chart = data.get("chart")
    if not isinstance(chart, dict):
        raise MarketDataError(f"Yahoo chart for {ticker}: no 'chart' in the response")
    error = chart.get("error")
    if error:
        code = error.get("code") if isinstance(error, dict) else None
        description = error.get("description") if isinstance(error, dict) else str(error)
        if code == "Not Found":
            raise UnknownTicker(f"Yahoo does not know the ticker {ticker}.")
        raise MarketDataError(f"Yahoo chart for {ticker}: {description or code}")
    results = chart.get("result")
    if not results:
        raise UnknownTicker(f"Yahoo does not know the ticker {ticker}.")
    if not isinstance(results, list) or not isinstance(results[0], dict):
        raise MarketDataError(f"Yahoo chart for {ticker}: malformed 'result'")
    return results[0]


def _zone(meta: dict) -> ZoneInfo:
    name = meta.get("exchangeTimezoneName") or "America/New_York"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return NEW_YORK


def _column(quote: dict, name: str, n: int, ticker: str) -> np.ndarray:
    values = quote.get(name)
    if n == 0 and not values:  # a window with no sessions: Yahoo omits the arrays
        return np.empty(0)
    if not isinstance(values, list) or len(values) != n:
        raise MarketDataError(f"Yahoo chart for {ticker}: '{name}' does not line up with the timestamps")
    try:
        # null (a session with no trade data) becomes NaN and is dropped below.
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise MarketDataError(f"Yahoo chart for {ticker}: '{name}' holds a non-number") from error


def _events(result: dict, kind: str, zone: ZoneInfo, ticker: str) -> list[tuple[dt.date, dict]]:
    """(ex-date, event) pairs of one kind, oldest first."""
    raw = (result.get("events") or {}).get(kind) or {}
    if not isinstance(raw, dict):
        raise MarketDataError(f"Yahoo chart for {ticker}: malformed {kind} events")
    events = []
    for event in raw.values():
        try:
            day = dt.datetime.fromtimestamp(int(event["date"]), zone).date()
        except (KeyError, TypeError, ValueError, OverflowError) as error:
            raise MarketDataError(f"Yahoo chart for {ticker}: a {kind} event has no valid date") from error
        events.append((day, event))
    return sorted(events, key=lambda pair: pair[0])


def _split_ratio(event: dict, ticker: str) -> float:
    try:
        ratio = float(event["numerator"]) / float(event["denominator"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as error:
        raise MarketDataError(f"Yahoo chart for {ticker}: a split event has no valid ratio") from error
    if not np.isfinite(ratio) or ratio <= 0:
        raise MarketDataError(f"Yahoo chart for {ticker}: a split event has no valid ratio")
    return ratio


def parse_chart(body: bytes | str | dict, ticker: str, *, as_of: dt.datetime) -> PriceSeries:
    """Daily bars of sessions closed by `as_of`, as known then (module docstring).

    Raises UnknownTicker when Yahoo has no such symbol, MarketDataError on a malformed body.
    """
    _aware(as_of)
    result = _chart_result(_load_json(body, f"chart for {ticker}"), ticker)
    meta = result.get("meta") or {}
    zone = _zone(meta)
    timestamps = result.get("timestamp") or []
    try:
        quote = result["indicators"]["quote"][0]
    except (KeyError, IndexError, TypeError):
        if not timestamps:
            quote = {}
        else:
            raise MarketDataError(f"Yahoo chart for {ticker}: no quote indicators") from None
    n = len(timestamps)
    try:
        days = [dt.datetime.fromtimestamp(int(t), zone).date() for t in timestamps]
    except (TypeError, ValueError, OverflowError) as error:
        raise MarketDataError(f"Yahoo chart for {ticker}: a timestamp is not a Unix time") from error
    dates = np.array(days, dtype="datetime64[D]")
    columns = {name: _column(quote, name, n, ticker) for name in ("open", "high", "low", "close", "volume")}
    last = np.datetime64(last_closed_session_day(as_of), "D")
    keep = dates <= last
    for values in columns.values():
        keep &= np.isfinite(values)
    dates = dates[keep]
    order = np.argsort(dates, kind="stable")
    dates = dates[order]
    if dates.size > 1 and (dates[1:] == dates[:-1]).any():
        raise MarketDataError(f"Yahoo chart for {ticker}: two bars share a date")
    open_, high, low, close, volume = (
        columns[k][keep][order] for k in ("open", "high", "low", "close", "volume")
    )
    if (np.column_stack([open_, high, low, close]) <= 0).any() or (volume < 0).any():
        raise MarketDataError(f"Yahoo chart for {ticker}: a price is not positive or a volume negative")

    # Splits after as_of: Yahoo divided every earlier bar by them; multiply back.
    future = [_split_ratio(e, ticker) for day, e in _events(result, "splits", zone, ticker) if day > last]
    undo = float(np.prod(future)) if future else 1.0
    open_, high, low, close = (values * undo for values in (open_, high, low, close))
    volume = volume / undo

    # Dividends with ex-date in (first bar, T]: scale the bars before them (csv-provider rebase).
    factor = np.ones(dates.size)
    for day, event in _events(result, "dividends", zone, ticker):
        ex = np.datetime64(day, "D")
        if dates.size == 0 or ex > dates[-1] or ex <= dates[0]:
            continue
        before = int(np.searchsorted(dates, ex, side="left"))  # bars [0, before) precede the ex-date
        try:
            amount = float(event["amount"]) * undo
        except (KeyError, TypeError, ValueError) as error:
            raise MarketDataError(f"Yahoo chart for {ticker}: a dividend event has no amount") from error
        previous_close = close[before - 1]
        if not 0 <= amount < previous_close:
            raise MarketDataError(f"Yahoo chart for {ticker}: a dividend of {amount} on {day} is implausible")
        factor[:before] *= 1.0 - amount / previous_close
    open_, high, low, close = (values * factor for values in (open_, high, low, close))
    arrays = [dates, open_, high, low, close, volume]
    for array in arrays:
        array.flags.writeable = False
    symbol = str(meta.get("symbol") or ticker).upper()
    return PriceSeries(
        ticker=symbol,
        dates=dates,
        open=open_,
        high=high,
        low=low,
        close=close,
        volume=volume,
        source=SOURCE,
        is_demo=False,
        adjusted=True,
    )


# Headline words that name a category; the first category with a match wins.
_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("earnings", ("earnings", "quarterly results", "eps", "revenue", "profit", "quarter")),
    ("guidance", ("guidance", "outlook", "forecast")),
    ("analyst", ("analyst", "upgrade", "downgrade", "price target", "rating")),
    ("legal", ("lawsuit", "sues", "court", "antitrust", "probe", "regulator", "fine", "settlement")),
    ("strategic", ("acquire", "acquisition", "merger", "deal", "partnership", "investment", "buyback")),
    ("product", ("launch", "unveil", "product", "iphone", "chip", "release")),
    ("macro", ("fed", "inflation", "tariff", "rates", "economy", "jobs report")),
)


def categorize(title: str) -> str:
    """One of the NewsItem categories from the headline's words; `other` when none matches."""
    words = f" {lexicon.normalize(title)} "
    for category, needles in _CATEGORIES:
        if any(f" {needle} " in words for needle in needles):
            return category
    return "other"


def parse_search_news(body: bytes | str | dict, ticker: str, *, as_of: dt.datetime) -> list[NewsItem]:
    """News items of a search response published at or before `as_of`, newest first.

    Sentiment is the finance-lexicon score of the title (the search gives no summary text).
    """
    _aware(as_of)
    data = _load_json(body, f"search for {ticker}")
    news = data.get("news", [])
    if not isinstance(news, list):
        raise MarketDataError(f"Yahoo search for {ticker}: 'news' is not a list")
    items: list[NewsItem] = []
    for raw in news:
        item = _news_item(raw, ticker)
        if item is not None and item.published_at <= as_of:
            items.append(item)
    items.sort(key=lambda item: item.published_at, reverse=True)
    return items


def _news_item(raw: Any, ticker: str) -> NewsItem | None:
    if not isinstance(raw, dict):
        raise MarketDataError(f"Yahoo search for {ticker}: a news item is not an object")
    title = raw.get("title")
    published = raw.get("providerPublishTime")
    if not isinstance(title, str) or not title.strip() or published is None:
        return None  # nothing to show or no date to hold it to
    try:
        published_at = dt.datetime.fromtimestamp(int(published), dt.UTC)
    except (TypeError, ValueError, OverflowError) as error:
        raise MarketDataError(f"Yahoo search for {ticker}: a news item has no valid time") from error
    return NewsItem(
        ticker=ticker.upper(),
        published_at=published_at,
        title=title.strip(),
        source=str(raw.get("publisher") or SOURCE),
        url=str(raw.get("link") or ""),
        summary=str(raw.get("summary") or ""),
        sentiment=lexicon.score(title),
        category=categorize(title),
        is_demo=False,
    )
