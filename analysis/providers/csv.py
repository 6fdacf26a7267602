"""`csv`: daily bars from a directory of `<TICKER>.csv` files a user brings.

Each file has the header `date,open,high,low,close,adj_close,volume` (any column order;
`adj_close` may be absent, or empty on every row). `close` is the price as traded; `adj_close`
is the vendor's back-adjusted close as of the download, so its ratio to `close` carries every
split and dividend up to the download, including those after any `as_of` asked about.

Point-in-time adjustment: a series asked for as of `as_of` is rebased to T, the last bar
visible then: each row's open/high/low/close is scaled by r_t / r_T with r = adj_close/close.
Vendors adjust multiplicatively (r_t is the product of the factors of every event after t), so
r_t / r_T holds only the splits and dividends between t and T: the level at T is the close as
traded, earlier levels are adjusted for what had happened by T, and an event after `as_of`
changes nothing. Returns include dividends and splits, the series says `adjusted=True`; volume
stays as traded. Files are parsed once per (path, mtime, size); without an adjusted close the
arrays handed out are read-only views of that cache, with one they are read-only copies.

Prices are all this source knows: fundamentals, macro and options are None, news and
earnings dates empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analysis.market_data import (
    Fundamentals,
    MacroSnapshot,
    MarketDataError,
    NewsItem,
    OptionsSummary,
    PriceSeries,
    UnknownTicker,
    last_closed_session_day,
)
from analysis.providers.symbols import normalize_ticker

PRICE_COLUMNS = ("open", "high", "low", "close", "volume")
REQUIRED_COLUMNS = ("date", *PRICE_COLUMNS)


@dataclass(frozen=True)
class _Bars:
    dates: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    # adj_close / close per row, or None without an adjusted close; prices stay as traded.
    ratio: np.ndarray | None


def _first_bad_row(fields_by_row: list[list[str]], columns: dict[str, int], names: tuple[str, ...]) -> int:
    """Index of the first row with a date or number that does not parse (the slow path, on error)."""
    for index, fields in enumerate(fields_by_row):
        try:
            dt.date.fromisoformat(fields[columns["date"]].strip())
            for name in names:
                float(fields[columns[name]])
        except ValueError:
            return index
    return 0


def _read_rows(path: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header's column positions and the non-blank rows with their line numbers."""
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [column.strip().lower() for column in next(reader, [])]
            rows = [(reader.line_num, fields) for fields in reader if any(field.strip() for field in fields)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise MarketDataError(f"{name}: cannot be read ({error})") from error
    columns = {column: index for index, column in enumerate(header)}
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise MarketDataError(f"{name}, line 1: the header lacks {', '.join(missing)}")
    for number, fields in rows:
        if len(fields) != len(header):
            raise MarketDataError(
                f"{name}, line {number}: expected {len(header)} fields, found {len(fields)}"
            )
    return columns, rows


@functools.lru_cache(maxsize=256)
def _load(path: str, mtime_ns: int, size: int) -> _Bars:
    """Parse one file; the modification time and size are in the key so an edited file is read again."""
    name = os.path.basename(path)
    columns, rows = _read_rows(path)
    numbers = [number for number, _ in rows]
    fields_by_row = [fields for _, fields in rows]
    adjusted = "adj_close" in columns and any(
        fields[columns["adj_close"]].strip() for fields in fields_by_row
    )
    if adjusted:
        blank = next((n for n, fields in rows if not fields[columns["adj_close"]].strip()), None)
        if blank is not None:
            raise MarketDataError(
                f"{name}, line {blank}: adj_close is empty here but not on other rows; "
                "mixing adjusted and raw prices would fake returns"
            )
    names = (*PRICE_COLUMNS, "adj_close") if adjusted else PRICE_COLUMNS
    date_text = [fields[columns["date"]].strip() for fields in fields_by_row]
    # Whole columns are converted at once; only a failure walks the rows again to name the line.
    try:
        dates = np.array(date_text, dtype="datetime64[D]")
        table = np.empty((len(rows), len(names)))
        for k, column in enumerate(names):
            table[:, k] = np.fromiter(
                map(float, [fields[columns[column]] for fields in fields_by_row]), np.float64
            )
    except ValueError:
        bad = _first_bad_row(fields_by_row, columns, names)
        raise MarketDataError(
            f"{name}, line {numbers[bad]}: malformed row (a date or number does not parse)"
        ) from None
    prices = table[:, [0, 1, 2, 3, 5] if adjusted else [0, 1, 2, 3]]
    problems = (
        # numpy reads "2016" as 2016-01-01; a daily file spells out the whole date.
        (
            np.array([len(text) != 10 for text in date_text], dtype=bool) | np.isnat(dates),
            "date is not YYYY-MM-DD",
        ),
        (~np.isfinite(table).all(axis=1), "a value is not a finite number"),
        ((prices <= 0).any(axis=1), "prices must be positive"),
        (table[:, 4] < 0, "volume must not be negative"),
        (table[:, 1] < table[:, 2], "high is below low"),
    )
    for mask, reason in problems:
        if mask.any():
            raise MarketDataError(f"{name}, line {numbers[int(np.argmax(mask))]}: malformed row ({reason})")
    order = np.argsort(dates, kind="stable")
    dates, table = dates[order], table[order]
    repeated = np.flatnonzero(dates[1:] == dates[:-1])
    if repeated.size:
        first, second = sorted((numbers[order[repeated[0]]], numbers[order[repeated[0] + 1]]))
        raise MarketDataError(
            f"{name}, line {second}: duplicate date {dates[repeated[0]]} (first on line {first})"
        )
    open_, high, low, close, volume = (np.ascontiguousarray(table[:, k]) for k in range(5))
    ratio = table[:, 5] / close if adjusted else None
    for array in (dates, open_, high, low, close, volume, ratio):
        if array is not None:
            array.flags.writeable = False
    return _Bars(dates, open_, high, low, close, volume, ratio)


class CsvProvider:
    name = "csv"
    is_demo = False

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _bars(self, symbol: str) -> _Bars:
        path = self.directory / f"{symbol}.csv"
        try:
            status = path.stat()
        except FileNotFoundError:
            # The directory is server configuration; the message reaches clients.
            raise UnknownTicker(f"No price file for {symbol} in the configured CSV directory.") from None
        except OSError as error:
            raise MarketDataError(f"{path.name}: cannot be read ({error.__class__.__name__})") from error
        return _load(str(path), status.st_mtime_ns, status.st_size)

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> PriceSeries:
        if as_of.tzinfo is None:
            raise MarketDataError("as_of must be an aware datetime")
        symbol = normalize_ticker(ticker)
        bars = self._bars(symbol)
        first = int(np.searchsorted(bars.dates, np.datetime64(start, "D"), side="left"))
        last = np.datetime64(last_closed_session_day(as_of), "D")
        visible = int(np.searchsorted(bars.dates, last, side="right"))
        stop = max(first, visible)
        prices = [bars.open[first:stop], bars.high[first:stop], bars.low[first:stop], bars.close[first:stop]]
        if bars.ratio is not None and stop > first:
            # Rebased to the last bar visible at as_of (see the module docstring); at that bar
            # the factor is exactly 1, so its close is the traded one to the last digit.
            factor = bars.ratio[first:stop] / bars.ratio[visible - 1]
            prices = [values * factor for values in prices]
            for values in prices:
                values.flags.writeable = False
        open_, high, low, close = prices
        return PriceSeries(
            ticker=symbol,
            dates=bars.dates[first:stop],
            open=open_,
            high=high,
            low=low,
            close=close,
            volume=bars.volume[first:stop],
            source=self.name,
            is_demo=False,
            adjusted=bars.ratio is not None,
        )

    def fundamentals(self, ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
        return None

    def news(self, ticker: str, *, as_of: dt.datetime, lookback_days: int = 7) -> list[NewsItem]:
        return []

    def macro(self, *, as_of: dt.datetime) -> MacroSnapshot | None:
        return None

    def options(self, ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
        return None

    def earnings_dates(self, ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        return []

    def __repr__(self) -> str:
        return f"CsvProvider({str(self.directory)!r})"
