"""The demo market is a fixed synthetic history: the same numbers on every call, run and machine."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from analysis.market_data import NEW_YORK, PriceSeries
from analysis.providers.demo import DemoProvider

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.datetime(2025, 6, 13, 18, 0, tzinfo=NEW_YORK)
START = dt.date(2022, 6, 13)


def _same_bars(a: PriceSeries, b: PriceSeries) -> None:
    for field in ("dates", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)


def _digest(series: PriceSeries) -> str:
    arrays = (
        series.dates.astype(np.int64),
        series.open,
        series.high,
        series.low,
        series.close,
        series.volume,
    )
    return hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()


def test_it_repeats_a_call_exactly() -> None:
    provider = DemoProvider()
    _same_bars(
        provider.prices("AAPL", start=START, as_of=AS_OF), provider.prices("AAPL", start=START, as_of=AS_OF)
    )


def test_it_gives_separate_instances_the_same_data() -> None:
    _same_bars(
        DemoProvider().prices("NVDA", start=START, as_of=AS_OF),
        DemoProvider().prices("NVDA", start=START, as_of=AS_OF),
    )
    assert DemoProvider().news("NVDA", as_of=AS_OF) == DemoProvider().news("NVDA", as_of=AS_OF)
    assert DemoProvider().options("NVDA", as_of=AS_OF) == DemoProvider().options("NVDA", as_of=AS_OF)
    assert DemoProvider().fundamentals("NVDA", as_of=AS_OF) == DemoProvider().fundamentals(
        "NVDA", as_of=AS_OF
    )
    assert DemoProvider().macro(as_of=AS_OF) == DemoProvider().macro(as_of=AS_OF)


def test_it_gives_another_process_the_same_data() -> None:
    # Python salts str hashes per process; seeds must come from a stable hash instead.
    script = (
        "import datetime as dt, hashlib, numpy as np\n"
        "from analysis.market_data import NEW_YORK\n"
        "from analysis.providers.demo import DemoProvider\n"
        "s = DemoProvider().prices('BRK.B', start=dt.date(2022, 6, 13),"
        " as_of=dt.datetime(2025, 6, 13, 18, tzinfo=NEW_YORK))\n"
        "arrays = (s.dates.astype(np.int64), s.open, s.high, s.low, s.close, s.volume)\n"
        "print(hashlib.sha256(b''.join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == _digest(DemoProvider().prices("BRK.B", start=START, as_of=AS_OF))


def test_it_keeps_earlier_bars_when_as_of_moves_on() -> None:
    # A later as_of (here in a later calendar year, so the history is generated further) must
    # not rewrite what an earlier analysis saw.
    provider = DemoProvider()
    earlier = provider.prices("KO", start=START, as_of=AS_OF)
    later = provider.prices("KO", start=START, as_of=dt.datetime(2027, 3, 1, 17, 0, tzinfo=NEW_YORK))
    assert len(later) > len(earlier)
    for field in ("dates", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(
            getattr(earlier, field), getattr(later, field)[: len(earlier)], err_msg=field
        )


def test_it_does_not_depend_on_the_start_asked() -> None:
    provider = DemoProvider()
    long = provider.prices("JPM", start=dt.date(2015, 1, 1), as_of=AS_OF)
    short = provider.prices("JPM", start=START, as_of=AS_OF)
    offset = len(long) - len(short)
    assert long.dates[offset] == short.dates[0]
    np.testing.assert_array_equal(long.close[offset:], short.close)


def test_it_keeps_earlier_news_when_as_of_moves_on() -> None:
    provider = DemoProvider()
    seen_then = provider.news("MSFT", as_of=AS_OF, lookback_days=3)
    seen_later = provider.news(
        "MSFT", as_of=dt.datetime(2026, 1, 5, 12, 0, tzinfo=NEW_YORK), lookback_days=400
    )
    assert seen_then
    assert all(item in seen_later for item in seen_then)


def test_it_normalises_the_ticker_spelling() -> None:
    provider = DemoProvider()
    _same_bars(
        provider.prices("brk-b", start=START, as_of=AS_OF), provider.prices("BRK.B", start=START, as_of=AS_OF)
    )
