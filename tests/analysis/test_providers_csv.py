from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest

from analysis.market_data import NEW_YORK, MarketDataError, UnknownTicker
from analysis.providers.csv import CsvProvider

REPO = Path(__file__).resolve().parents[2]
SHARED_PRICES = REPO.parent / "shared" / "data" / "prices"
AS_OF = dt.datetime(2024, 3, 1, 18, 0, tzinfo=NEW_YORK)
START = dt.date(2024, 1, 1)

ADJUSTED = """date,open,high,low,close,adj_close,volume
2024-02-26,100,110,90,105,52.5,1000
2024-02-27,105,108,101,106,53,1200
2024-02-28,106,107,100,102,102,900
"""


def _write(directory: Path, ticker: str, text: str) -> Path:
    path = directory / f"{ticker}.csv"
    path.write_text(text)
    return path


def test_it_scales_bars_by_the_adjusted_close(tmp_path: Path) -> None:
    _write(tmp_path, "AAA", ADJUSTED)
    series = CsvProvider(tmp_path).prices("AAA", start=START, as_of=AS_OF)
    assert series.adjusted and not series.is_demo and series.source == "csv"
    # First row: adj/close = 0.5, so every price halves and the close equals adj_close.
    np.testing.assert_allclose(series.close, [52.5, 53.0, 102.0])
    np.testing.assert_allclose(series.open[:2], [50.0, 52.5])
    np.testing.assert_allclose(series.high[0], 55.0)
    np.testing.assert_allclose(series.low[0], 45.0)
    np.testing.assert_array_equal(series.volume, [1000, 1200, 900])  # volume as traded


def test_it_reads_a_file_without_adj_close(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "BBB",
        "date,open,high,low,close,volume\n2024-02-26,10,11,9,10.5,100\n2024-02-27,10.5,12,10,11,200\n",
    )
    series = CsvProvider(tmp_path).prices("BBB", start=START, as_of=AS_OF)
    assert not series.adjusted
    np.testing.assert_allclose(series.close, [10.5, 11.0])
    np.testing.assert_array_equal(series.dates, np.array(["2024-02-26", "2024-02-27"], dtype="datetime64[D]"))


def test_it_reads_empty_adj_close_values_as_raw(tmp_path: Path) -> None:
    _write(tmp_path, "SPY", "date,open,high,low,close,adj_close,volume\n2024-02-26,500,505,495,501,,1.5e8\n")
    series = CsvProvider(tmp_path).prices("SPY", start=START, as_of=AS_OF)
    assert not series.adjusted
    np.testing.assert_allclose(series.close, [501.0])


def test_it_rejects_adj_close_on_some_rows_only(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "MIX",
        "date,open,high,low,close,adj_close,volume\n2024-02-26,1,2,1,2,1,5\n2024-02-27,1,2,1,2,,5\n",
    )
    with pytest.raises(MarketDataError, match=r"MIX\.csv, line 3"):
        CsvProvider(tmp_path).prices("MIX", start=START, as_of=AS_OF)


def test_it_reads_a_share_class_file(tmp_path: Path) -> None:
    _write(tmp_path, "BRK.B", ADJUSTED)
    provider = CsvProvider(tmp_path)
    assert len(provider.prices("BRK.B", start=START, as_of=AS_OF)) == 3
    # Other vendors write the class with a dash; it is the same file.
    series = provider.prices("brk-b", start=START, as_of=AS_OF)
    assert series.ticker == "BRK.B" and len(series) == 3


def test_it_raises_unknown_ticker_without_a_file(tmp_path: Path) -> None:
    with pytest.raises(UnknownTicker, match="No price file for XYZ in the configured CSV directory") as error:
        CsvProvider(tmp_path).prices("XYZ", start=START, as_of=AS_OF)
    assert str(tmp_path) not in str(error.value)  # the message reaches clients


def test_it_never_reads_outside_its_directory(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    _write(tmp_path, "SECRET", ADJUSTED)
    with pytest.raises(UnknownTicker):
        CsvProvider(tmp_path / "inner").prices("../SECRET", start=START, as_of=AS_OF)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2024-02-27,105,108,101,abc,53,1200", "does not parse"),
        ("2024-13-27,105,108,101,106,53,1200", "does not parse"),
        ("2024-02,105,108,101,106,53,1200", "YYYY-MM-DD"),
        ("2024-02-27,105,108,101,106,53", "expected 7 fields"),
        ("2024-02-27,105,99,101,106,53,1200", "high is below low"),
        ("2024-02-27,-105,108,101,106,53,1200", "positive"),
        ("2024-02-27,105,108,101,106,53,-5", "volume"),
        ("2024-02-27,105,108,101,nan,53,1200", "finite"),
    ],
)
def test_it_names_the_line_of_a_malformed_row(tmp_path: Path, row: str, reason: str) -> None:
    lines = ADJUSTED.splitlines()
    lines[2] = row
    _write(tmp_path, "BAD", "\n".join(lines) + "\n")
    with pytest.raises(MarketDataError, match=r"BAD\.csv, line 3") as raised:
        CsvProvider(tmp_path).prices("BAD", start=START, as_of=AS_OF)
    assert reason in str(raised.value)


def test_it_rejects_duplicate_dates(tmp_path: Path) -> None:
    _write(tmp_path, "DUP", ADJUSTED + "2024-02-27,105,108,101,106,53,1200\n")
    with pytest.raises(
        MarketDataError, match=r"DUP\.csv, line 5: duplicate date 2024-02-27 \(first on line 3\)"
    ):
        CsvProvider(tmp_path).prices("DUP", start=START, as_of=AS_OF)


def test_it_rejects_a_file_without_the_columns(tmp_path: Path) -> None:
    _write(tmp_path, "HDR", "day,price\n2024-02-26,1\n")
    with pytest.raises(MarketDataError, match="line 1: the header lacks date, open"):
        CsvProvider(tmp_path).prices("HDR", start=START, as_of=AS_OF)


def test_it_sorts_rows_by_date(tmp_path: Path) -> None:
    lines = ADJUSTED.splitlines()
    _write(tmp_path, "SRT", "\n".join([lines[0], lines[3], lines[1], lines[2]]) + "\n")
    series = CsvProvider(tmp_path).prices("SRT", start=START, as_of=AS_OF)
    assert np.all(np.diff(series.dates) > np.timedelta64(0, "D"))
    np.testing.assert_allclose(series.close, [52.5, 53.0, 102.0])


def test_it_slices_point_in_time(tmp_path: Path) -> None:
    _write(tmp_path, "PIT", ADJUSTED)
    provider = CsvProvider(tmp_path)
    before_close = provider.prices(
        "PIT", start=START, as_of=dt.datetime(2024, 2, 27, 15, 59, tzinfo=NEW_YORK)
    )
    after_close = provider.prices("PIT", start=START, as_of=dt.datetime(2024, 2, 27, 16, 1, tzinfo=NEW_YORK))
    assert before_close.last_date == dt.date(2024, 2, 26)
    assert after_close.last_date == dt.date(2024, 2, 27)
    assert len(provider.prices("PIT", start=dt.date(2024, 2, 27), as_of=AS_OF)) == 2
    assert len(provider.prices("PIT", start=dt.date(2024, 3, 1), as_of=AS_OF)) == 0


def test_it_rejects_a_naive_as_of(tmp_path: Path) -> None:
    # A naive datetime would be read in the server's time zone, not New York's.
    _write(tmp_path, "AAA", ADJUSTED)
    with pytest.raises(MarketDataError, match="aware"):
        CsvProvider(tmp_path).prices("AAA", start=START, as_of=dt.datetime(2024, 3, 1, 18))


def test_it_reads_an_edited_file_again(tmp_path: Path) -> None:
    path = _write(tmp_path, "EDT", ADJUSTED)
    provider = CsvProvider(tmp_path)
    assert len(provider.prices("EDT", start=START, as_of=AS_OF)) == 3
    path.write_text(ADJUSTED + "2024-02-29,102,103,99,100,100,800\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert len(provider.prices("EDT", start=START, as_of=AS_OF)) == 4


def test_it_hands_out_read_only_arrays(tmp_path: Path) -> None:
    # The arrays are views of a cache shared by every caller: writing to one must fail loudly.
    _write(tmp_path, "RO", ADJUSTED)
    series = CsvProvider(tmp_path).prices("RO", start=START, as_of=AS_OF)
    with pytest.raises(ValueError, match="read-only"):
        series.close[0] = 1.0


def test_it_has_no_other_data(tmp_path: Path) -> None:
    _write(tmp_path, "AAA", ADJUSTED)
    provider = CsvProvider(tmp_path)
    assert provider.fundamentals("AAA", as_of=AS_OF) is None
    assert provider.news("AAA", as_of=AS_OF) == []
    assert provider.macro(as_of=AS_OF) is None
    assert provider.options("AAA", as_of=AS_OF) is None
    assert provider.earnings_dates("AAA", start=START, end=dt.date(2024, 12, 31)) == []
    assert provider.name == "csv" and provider.is_demo is False


def test_it_reads_the_shared_sample() -> None:
    if not (SHARED_PRICES / "AAPL.csv").is_file():
        pytest.skip(f"no sample prices at {SHARED_PRICES}")
    provider = CsvProvider(SHARED_PRICES)
    series = provider.prices(
        "AAPL", start=dt.date(2016, 1, 1), as_of=dt.datetime(2020, 9, 1, tzinfo=NEW_YORK)
    )
    assert series.adjusted
    assert series.dates[0] == np.datetime64("2016-01-04")
    assert series.last_date == dt.date(2020, 8, 28)
    assert np.all(series.low <= series.high)
    assert len(series) > 1000
