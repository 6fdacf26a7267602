"""A split and a dividend after `as_of` leave an analysis over a csv file unchanged.

The file is downloaded in May 2025, after a 4:1 split (effective 2025-03-24) and a dividend
(ex 2025-04-10), so every `adj_close` before March carries both. An analysis as of Friday
2025-03-14 must see the closes as traded then (the reference price, stop, entry zone and
outcome baselines at their unsplit levels), and store exactly what it stores when run on the
same file cut at 2025-03-14, ids and timings aside. Cutting rows keeps the later events in the
remaining `adj_close` values, so a third run reads the file as the vendor served it on
2025-03-14 (adjusted for the 2024 dividend only): the only comparison a whole-file adjustment
fails. Its adj_close differs from the downloaded one by a factor rounded in the last digit,
so that comparison is to 1e-9 rather than byte for byte. A dividend in 2024, before `as_of`, is
in every file and adjusts the bars before it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analysis.models import Analysis
from core.flags import Flag
from orchestration.analysis import run_analysis
from tests.analysis.test_look_ahead_perturbation import stored

pytestmark = pytest.mark.django_db

AS_OF = dt.datetime(2025, 3, 14, 21, 30, tzinfo=dt.UTC)  # 17:30 New York, after Friday's close
AGENTS = ["news", "market", "fundamentals", "technical", "macro", "options", "sentiment"]
HEADER = "date,open,high,low,close,adj_close,volume"
EARLY_DIVIDEND = (dt.date(2024, 11, 8), 2.0)  # before as_of: known to the analysis
SPLIT = (dt.date(2025, 3, 24), 4.0)  # after as_of
LATE_DIVIDEND = (dt.date(2025, 4, 10), 0.5)  # after as_of, per post-split share


def _weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]


def _bars(ticker: str, *, start: float, seed: int, served_on: dt.date | None = None) -> list[str]:
    """Rows as a vendor serves them: closes as traded, adj_close back-adjusted for every event
    by `served_on` (every event when None)."""
    days = _weekdays(dt.date(2023, 12, 1), dt.date(2025, 5, 9))
    rng = np.random.default_rng(seed)
    close = start * np.exp(np.cumsum(rng.normal(0.0005, 0.014, len(days))))
    on_or_after = np.array([day >= SPLIT[0] for day in days])
    close = np.where(on_or_after, close / SPLIT[1], close)  # traded after the split at a quarter
    close = np.round(close, 2)
    open_ = np.round(np.concatenate([[start], close[:-1]]) * (1 + rng.normal(0, 0.003, len(days))), 2)
    open_[days.index(SPLIT[0])] = round(close[days.index(SPLIT[0]) - 1] / SPLIT[1], 2)
    high = np.round(np.maximum(open_, close) * 1.006, 2)
    low = np.round(np.minimum(open_, close) * 0.994, 2)
    volume = rng.integers(20_000_000, 60_000_000, len(days))
    # Multiplicative back-adjustment: each event scales every earlier close by its factor.
    factor = np.ones(len(days))
    for day, amount in (EARLY_DIVIDEND, LATE_DIVIDEND):
        ex = days.index(day)
        if served_on is None or day <= served_on:
            factor[:ex] *= 1 - amount / close[ex - 1]
    if served_on is None or SPLIT[0] <= served_on:
        factor[: days.index(SPLIT[0])] /= SPLIT[1]
    adj = close * factor
    return [
        f"{d.isoformat()},{o:.2f},{h:.2f},{lo:.2f},{c:.2f},{float(a)!r},{v}"
        for d, o, h, lo, c, a, v in zip(days, open_, high, low, close, adj, volume, strict=True)
    ]


def _directory(root: Path, name: str, *, last_day: dt.date | None, served_on: dt.date | None = None) -> Path:
    directory = root / name
    directory.mkdir()
    for ticker, start, seed in (("AAPL", 640.0, 7), ("SPY", 1800.0, 8)):
        rows = _bars(ticker, start=start, seed=seed, served_on=served_on)
        if last_day is not None:
            rows = [row for row in rows if dt.date.fromisoformat(row[:10]) <= last_day]
        (directory / f"{ticker}.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    return directory


@pytest.fixture(autouse=True)
def every_feature(flag: Any) -> None:
    for name in (Flag.SIGNAL_CONTRACT_V2, Flag.PORTFOLIO_OPTIMIZER_V2, Flag.CALIBRATION_ECONOMICS):
        flag(name.value, True)


def _analyse(settings: Any, directory: Path) -> Analysis:
    settings.MARKET_DATA_PROVIDER = "csv"
    settings.MARKET_DATA_CSV_DIR = str(directory)
    return run_analysis(ticker="AAPL", agents=AGENTS, as_of=AS_OF)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and math.isclose(a, b, rel_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def test_it_stores_the_same_analysis_as_on_the_file_cut_at_as_of(settings: Any, tmp_path: Path) -> None:
    downloaded = _directory(tmp_path, "downloaded", last_day=None)
    cut = _directory(tmp_path, "cut", last_day=AS_OF.date())
    served_then = _directory(tmp_path, "served_then", last_day=AS_OF.date(), served_on=AS_OF.date())
    traded = {row[:10]: float(row.split(",")[4]) for row in _bars("AAPL", start=640.0, seed=7)}

    full = _analyse(settings, downloaded)
    card = full.analysis_payload["decision_card"]
    # The level as known on 03-14 is the traded close, about 4× the file's adj_close that day.
    assert card["reference_price"] == round(traded["2025-03-14"], 4)
    assert card["entry_zone"]["low"] == round(traded["2025-03-14"] * 0.98, 4)
    assert [o.baseline_price for o in full.outcomes.all()] == [traded["2025-03-14"]] * 3
    market, technical = (full.agent_results.get(agent_type=name) for name in ("market", "technical"))
    assert market.success and technical.success
    assert market.data["adjusted_prices"] is True
    seen = stored(full)
    # Each run on its own: the second must not read the first as its previous analysis.
    full.delete()

    cut_run = _analyse(settings, cut)
    again = stored(cut_run)
    for part in seen:
        assert again[part] == seen[part], part
    cut_run.delete()

    then = stored(_analyse(settings, served_then))
    for part in seen:
        assert _same(json.loads(then[part]), json.loads(seen[part])), part
    assert json.loads(seen["analysis"])["recommendation"] in ("BUY", "HOLD", "SELL")
