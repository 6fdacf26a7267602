"""FRED / ALFRED bodies and the macro snapshot built from them.

Point-in-time: with an API key the provider asks ALFRED for the vintage current on the day
`as_of` knew (`realtime_start = realtime_end = known_day(as_of)`), and `parse_observations`
keeps, for each observation date, the row whose real-time period [realtime_start, realtime_end]
contains that day; an all-vintages body (`realtime_start=1776-07-04&realtime_end=9999-12-31`)
gives the same answer. A vintage dated V counts from 17:00 New York on V: FRED stamps a release
with its day, and the latest of the day's releases (H.15 yields) comes out at 16:15.

Without a key only fredgraph CSVs are available; they hold today's revision and no vintage, so
they serve a current `as_of` only (same New York day as `now`). For a past `as_of`,
`macro_snapshot` raises `NeedsFredKey` ("no data: point-in-time macro needs FRED_API_KEY"),
never today's values.

| MacroSnapshot field   | series, first found wins          | reading                                     |
| --------------------- | --------------------------------- | ------------------------------------------- |
| fed_funds_rate        | DFF, FEDFUNDS                     | latest value, percent                       |
| fed_funds_change_6m   | same series                       | latest − value on or before 6 months back   |
| cpi_yoy               | CPILFESL (core), CPIAUCSL         | latest index / index 12 months back − 1, %  |
| gdp_growth            | GDPC1 (real), GDP (nominal)       | (latest / previous quarter)^4 − 1, %        |
| treasury_10y          | DGS10, WGS10YR                    | latest value, percent                       |
| treasury_2y           | DGS2                              | latest value, percent                       |
| unemployment_rate     | UNRATE                            | latest value, percent                       |

`FETCH_SERIES` is what the provider fetches. GDP there is nominal (its growth runs above real
growth by inflation); GDPC1 is used instead when a caller supplies it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from analysis.market_data import NEW_YORK, MacroSnapshot, MarketDataError

SOURCE = "fred"
OBSERVATIONS_PATH = "/fred/series/observations"
FREDGRAPH_PATH = "/graph/fredgraph.csv"
VINTAGE_KNOWN_AT = dt.time(17, 0)
FETCH_SERIES = ("DFF", "CPILFESL", "GDP", "DGS10", "DGS2", "UNRATE")
# No-key fallbacks that fredgraph serves (monthly fed funds and headline CPI).
FETCH_SERIES_WITHOUT_KEY = ("FEDFUNDS", "CPIAUCSL", "GDP", "DGS10", "DGS2", "UNRATE")
FIELDS: dict[str, tuple[str, ...]] = {
    "fed_funds_rate": ("DFF", "FEDFUNDS"),
    "cpi_yoy": ("CPILFESL", "CPIAUCSL"),
    "gdp_growth": ("GDPC1", "GDP"),
    "treasury_10y": ("DGS10", "WGS10YR"),
    "treasury_2y": ("DGS2",),
    "unemployment_rate": ("UNRATE",),
}
# Enough history for a 12-month change and the previous quarter, with slack for late releases.
HISTORY_DAYS = 500
NEEDS_KEY = "no data: point-in-time macro needs FRED_API_KEY"


class NeedsFredKey(MarketDataError):
    """A past `as_of` without an API key: only today's values exist, and they must not be used."""

    def __init__(self) -> None:
        super().__init__(NEEDS_KEY)


@dataclass(frozen=True)
class FredSeries:
    """One series' observations as known on `known_on`, oldest first.

    `point_in_time` is False for fredgraph CSVs (today's revision, no vintage).
    """

    series_id: str
    dates: tuple[dt.date, ...]
    values: tuple[float, ...]
    point_in_time: bool
    known_on: dt.date | None = None


def known_day(as_of: dt.datetime) -> dt.date:
    """The latest vintage day whose releases are out at `as_of` (17:00 New York rule)."""
    if as_of.tzinfo is None:
        raise MarketDataError("as_of must be an aware datetime")
    local = as_of.astimezone(NEW_YORK)
    return local.date() if local.time() >= VINTAGE_KNOWN_AT else local.date() - dt.timedelta(days=1)


def observations_url(
    base: str, series_id: str, *, api_key: str, as_of: dt.datetime
) -> tuple[str, dict[str, str]]:
    """The ALFRED request for the vintage known at `as_of` (the key goes in params: redact it in logs)."""
    day = known_day(as_of)
    params = {
        "series_id": series_id,
        "api_key": api_key,
        "file_type": "json",
        "realtime_start": day.isoformat(),
        "realtime_end": day.isoformat(),
        "observation_start": (day - dt.timedelta(days=HISTORY_DAYS)).isoformat(),
    }
    return base.rstrip("/") + OBSERVATIONS_PATH, params


def fredgraph_url(base: str, series_id: str) -> tuple[str, dict[str, str]]:
    """The keyless CSV of today's values (current `as_of` only)."""
    return base.rstrip("/") + FREDGRAPH_PATH, {"id": series_id}


def _date(text: object, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError as error:
        raise MarketDataError(f"FRED {what}: {text!r} is not a date") from error


def _value(text: str, what: str) -> float | None:
    text = text.strip()
    if text in ("", "."):  # FRED's missing value ("." in JSON, empty in fredgraph CSV)
        return None
    try:
        return float(text)
    except ValueError as error:
        raise MarketDataError(f"FRED {what}: value {text!r} is not a number") from error


def parse_observations(body: bytes | str | dict, series_id: str, *, as_of: dt.datetime) -> FredSeries:
    """Values of `series_id` as known at `as_of` from an observations body (vintage rows).

    For each date the row with the latest `realtime_start` on or before the known day D applies;
    it holds at D when its `realtime_end` reaches D, or reaches the body's own `realtime_end` (the
    end of what was asked, so nothing later is known from this body). Missing values drop out.
    """
    day = known_day(as_of)
    what = f"observations of {series_id}"
    if isinstance(body, dict):
        data = body
    else:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise MarketDataError(f"FRED {what}: the response is not JSON") from error
    if not isinstance(data, dict):
        raise MarketDataError(f"FRED {what}: the response is not a JSON object")
    if "error_message" in data:
        raise MarketDataError(f"FRED {what}: {data['error_message']}")
    rows = data.get("observations")
    if not isinstance(rows, list):
        raise MarketDataError(f"FRED {what}: no 'observations' list")
    body_end = _date(data.get("realtime_end", "9999-12-31"), what)
    current: dict[dt.date, tuple[dt.date, dt.date, str]] = {}
    for row in rows:
        try:
            start, end = _date(row["realtime_start"], what), _date(row["realtime_end"], what)
            date, value = _date(row["date"], what), str(row["value"])
        except (KeyError, TypeError) as error:
            raise MarketDataError(f"FRED {what}: an observation lacks a field") from error
        if start > day:
            continue
        held = current.get(date)
        if held is None or start > held[0]:
            current[date] = (start, end, value)
    dates, values = [], []
    for date in sorted(current):
        start, end, text = current[date]
        number = _value(text, what)
        if number is None or (end < day and end < body_end):
            continue
        dates.append(date)
        values.append(number)
    return FredSeries(series_id, tuple(dates), tuple(values), point_in_time=True, known_on=day)


def parse_fredgraph_csv(text: str | bytes, series_id: str | None = None) -> FredSeries:
    """A fredgraph CSV (`observation_date,<ID>` or the older `DATE,<ID>` header): today's values."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise MarketDataError("FRED CSV: not UTF-8 text") from error
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header or len(header) != 2 or header[0].strip().lower() not in ("observation_date", "date"):
        raise MarketDataError("FRED CSV: the header is not 'observation_date,<SERIES>'")
    column = header[1].strip()
    if series_id is not None and column != series_id:
        raise MarketDataError(f"FRED CSV: holds {column}, not {series_id}")
    dates, values = [], []
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != 2:
            raise MarketDataError(f"FRED CSV {column}, line {number}: expected 2 fields")
        value = _value(row[1], f"CSV {column}, line {number}")
        if value is not None:
            dates.append(_date(row[0].strip(), f"CSV {column}, line {number}"))
            values.append(value)
    order = sorted(range(len(dates)), key=dates.__getitem__)
    return FredSeries(
        column, tuple(dates[i] for i in order), tuple(values[i] for i in order), point_in_time=False
    )


def _on_or_before(series: FredSeries, day: dt.date) -> float | None:
    found = None
    for date, value in zip(series.dates, series.values, strict=True):
        if date > day:
            break
        found = value
    return found


def _months_back(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def macro_snapshot(
    series: dict[str, FredSeries], *, as_of: dt.datetime, now: dt.datetime | None = None
) -> MacroSnapshot:
    """The macro agent's snapshot from series keyed by FRED id (table in the module docstring).

    Raises NeedsFredKey when a series is not point-in-time (fredgraph) and `as_of` is not on the
    New York day of `now`, and MarketDataError naming the series that are missing or too short.
    """
    day = known_day(as_of)
    current = now is not None and as_of.astimezone(NEW_YORK).date() == now.astimezone(NEW_YORK).date()
    if not current and any(not s.point_in_time for s in series.values()):
        raise NeedsFredKey()

    def visible(series_id: str) -> FredSeries | None:
        found = series.get(series_id)
        if found is None:
            return None
        # An observation dated after the day known is not out yet (dates are period starts).
        pairs = [(d, v) for d, v in zip(found.dates, found.values, strict=True) if d <= day]
        if not pairs:
            return None
        return FredSeries(found.series_id, *map(tuple, zip(*pairs, strict=True)), found.point_in_time)

    chosen: dict[str, FredSeries] = {}
    missing = []
    for name, ids in FIELDS.items():
        pick = next((s for s in map(visible, ids) if s is not None), None)
        if pick is None:
            missing.append("/".join(ids))
        else:
            chosen[name] = pick
    if missing:
        raise MarketDataError(f"FRED: no data for {', '.join(missing)} as of {day.isoformat()}")

    def latest(name: str) -> tuple[dt.date, float]:
        return chosen[name].dates[-1], chosen[name].values[-1]

    fed_date, fed = latest("fed_funds_rate")
    fed_before = _on_or_before(chosen["fed_funds_rate"], _months_back(fed_date, 6))
    cpi_date, cpi = latest("cpi_yoy")
    cpi_before = _on_or_before(chosen["cpi_yoy"], _months_back(cpi_date, 12))
    gdp = chosen["gdp_growth"]
    short = [
        label
        for label, ok in (
            (chosen["fed_funds_rate"].series_id + " 6 months back", fed_before is not None),
            (chosen["cpi_yoy"].series_id + " 12 months back", cpi_before is not None and cpi_before > 0),
            (gdp.series_id + " previous quarter", len(gdp.values) >= 2 and gdp.values[-2] > 0),
        )
        if not ok
    ]
    if short:
        raise MarketDataError(f"FRED: history too short ({', '.join(short)})")
    return MacroSnapshot(
        as_of=day,
        source=SOURCE,
        is_demo=False,
        fed_funds_rate=round(fed, 2),
        cpi_yoy=round((cpi / cpi_before - 1.0) * 100.0, 2),
        gdp_growth=round(((gdp.values[-1] / gdp.values[-2]) ** 4 - 1.0) * 100.0, 2),
        treasury_10y=round(latest("treasury_10y")[1], 2),
        treasury_2y=round(latest("treasury_2y")[1], 2),
        unemployment_rate=round(latest("unemployment_rate")[1], 2),
        fed_funds_change_6m=round(fed - fed_before, 2),
    )
