"""The csv provider adjusts prices as they were known at `as_of`, not as of the file's download.

The file below was downloaded after a 4:1 split (effective 2025-03-17) and a $0.52 dividend
(ex 2025-03-18, on a $26 close: the vendor's factor 1 − 0.52/26 = 0.98). Its `adj_close` is
therefore close × 1/4 × 0.98 = close × 0.245 up to the split, close × 0.98 on 03-17 and the
close itself on 03-18. Each expectation is worked from those two events by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from analysis.market_data import NEW_YORK
from analysis.providers.csv import CsvProvider

FILE = """date,open,high,low,close,adj_close,volume
2025-03-12,98,101,97,100,24.5,1000
2025-03-13,100,102,99,101,24.745,1000
2025-03-14,101,105,100,104,25.48,1000
2025-03-17,26,26.5,25.5,26,25.48,4000
2025-03-18,25.6,26,25.5,25.74,25.74,4000
"""
START = dt.date(2025, 3, 1)


def _after_close(day: int) -> dt.datetime:
    return dt.datetime(2025, 3, day, 17, 30, tzinfo=NEW_YORK)


@pytest.fixture
def provider(tmp_path: Path) -> CsvProvider:
    (tmp_path / "SPLT.csv").write_text(FILE)
    return CsvProvider(tmp_path)


def test_it_shows_the_closes_as_traded_before_a_later_split_and_dividend(provider: CsvProvider) -> None:
    series = provider.prices("SPLT", start=START, as_of=_after_close(14))
    assert series.adjusted
    # Neither event had happened on 03-14: the closes are those traded, not 100 × 0.245 = 24.5.
    np.testing.assert_allclose(series.close, [100.0, 101.0, 104.0], rtol=1e-12)
    np.testing.assert_allclose(series.high, [101.0, 102.0, 105.0], rtol=1e-12)
    np.testing.assert_allclose(series.low, [97.0, 99.0, 100.0], rtol=1e-12)
    assert float(series.close[-1]) == 104.0  # the level at as_of is the traded close exactly
    np.testing.assert_array_equal(series.volume, [1000, 1000, 1000])


def test_it_adjusts_for_the_split_once_it_has_happened_but_not_for_the_later_dividend(
    provider: CsvProvider,
) -> None:
    series = provider.prices("SPLT", start=START, as_of=_after_close(17))
    # 03-17: the 4:1 split is known, the dividend (ex 03-18) is not: earlier closes / 4.
    np.testing.assert_allclose(series.close, [25.0, 25.25, 26.0, 26.0], rtol=1e-12)
    np.testing.assert_allclose(series.open, [24.5, 25.0, 25.25, 26.0], rtol=1e-12)
    np.testing.assert_array_equal(series.volume, [1000, 1000, 1000, 4000])  # volume as traded


def test_it_adjusts_for_both_events_once_both_have_happened(provider: CsvProvider) -> None:
    series = provider.prices("SPLT", start=START, as_of=_after_close(18))
    # Both known: the file's own adjusted close, 100 × 0.245 = 24.5 and so on.
    np.testing.assert_allclose(series.close, [24.5, 24.745, 25.48, 25.48, 25.74], rtol=1e-12)


def test_it_rebases_to_the_last_bar_known_even_when_start_is_later(provider: CsvProvider) -> None:
    # The window asked for starts after the first bars; the rebase is still to 03-14, not its start.
    series = provider.prices("SPLT", start=dt.date(2025, 3, 13), as_of=_after_close(14))
    np.testing.assert_allclose(series.close, [101.0, 104.0], rtol=1e-12)
    before_the_bars = provider.prices("SPLT", start=dt.date(2025, 3, 15), as_of=_after_close(14))
    assert len(before_the_bars) == 0
