"""`csv`: daily bars from a directory of `<TICKER>.csv` files a user brings.

Each file has the header `date,open,high,low,close,adj_close,volume` (any column order;
`adj_close` may be absent, or empty on every row). With an adjusted close, open/high/low/close
are scaled by adj_close/close row by row, so returns include dividends and splits, and the
series says `adjusted=True`; volume stays as traded. Files are parsed once per
(path, mtime, size); the arrays handed out are read-only views of that cache.

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
    adjusted: bool


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
    if adjusted:
        factor = table[:, 5] / close
        open_, high, low, close = open_ * factor, high * factor, low * factor, close * factor
    for array in (dates, open_, high, low, close, volume):
        array.flags.writeable = False
    return _Bars(dates, open_, high, low, close, volume, adjusted)


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
        stop = max(first, int(np.searchsorted(bars.dates, last, side="right")))
        return PriceSeries(
            ticker=symbol,
            dates=bars.dates[first:stop],
            open=bars.open[first:stop],
            high=bars.high[first:stop],
            low=bars.low[first:stop],
            close=bars.close[first:stop],
            volume=bars.volume[first:stop],
            source=self.name,
            is_demo=False,
            adjusted=bars.adjusted,
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
