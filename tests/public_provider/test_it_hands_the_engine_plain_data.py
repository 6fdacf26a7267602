"""The prefetched snapshot is plain data: picklable for a worker process, answering only its as_of."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import numpy as np
import pytest

from analysis.market_data import MarketDataError, PriceSeries
from analysis.providers.public.provider import prefetch
from analysis.providers.public.snapshot import beta_against
from tests.public_provider.conftest import AS_OF_MOMENT

pytestmark = pytest.mark.django_db


def test_it_pickles_and_answers_without_a_database(recordings: Any, frozen_clock: Any) -> None:
    # As the worker pool sends it (our own bytes, never untrusted input).
    snapshot = pickle.loads(pickle.dumps(prefetch(["NVDA"], AS_OF_MOMENT)))  # noqa: S301
    requests = recordings.total
    start = AS_OF_MOMENT.date() - dt.timedelta(days=400)
    assert snapshot.prices("NVDA", start=start, as_of=AS_OF_MOMENT).last_date == dt.date(2021, 7, 16)
    assert snapshot.fundamentals("NVDA", as_of=AS_OF_MOMENT).source == "sec"
    assert recordings.total == requests
    with pytest.raises(MarketDataError, match="loaded as of"):
        snapshot.prices("NVDA", start=start, as_of=AS_OF_MOMENT + dt.timedelta(days=1))
    assert snapshot.provenance("market", "NVDA")["data_source"] == "yahoo"


def _series(closes: list[float]) -> PriceSeries:
    n = len(closes)
    dates = np.arange(np.datetime64("2021-01-04"), np.datetime64("2021-01-04") + n)
    c = np.array(closes)
    return PriceSeries("X", dates, c, c, c, c, np.ones(n), source="t", is_demo=False)


def test_it_computes_beta_from_returns() -> None:
    # The index alternates +1 % / -1 %; the stock moves exactly twice as much each day: beta 2.
    index, stock = [100.0], [50.0]
    for i in range(40):
        r = 0.01 if i % 2 == 0 else -0.01
        index.append(index[-1] * (1 + r))
        stock.append(stock[-1] * (1 + 2 * r))
    assert beta_against(_series(stock), _series(index)) == pytest.approx(2.0)
    assert beta_against(_series(stock[:10]), _series(index[:10])) is None  # too few returns
