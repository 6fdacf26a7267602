"""A ticker with no SEC filer (an ETF such as SPY) simply has no fundamentals."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest

from analysis.providers.public.provider import prefetch
from tests.public_provider.conftest import AS_OF_MOMENT, load

pytestmark = pytest.mark.django_db


def test_it_reports_no_filer_for_an_etf(recordings: Any, frozen_clock: Any, monkeypatch: Any) -> None:
    original = recordings.__class__.__call__

    def with_spy(self: Any, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v8/finance/chart/SPY":
            # NVDA's recorded chart stands in for an index chart: the test is about SEC, not prices.
            self.seen[request.url.host] += 1
            chart = json.loads(load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json"))
            chart["chart"]["result"][0]["meta"]["symbol"] = "SPY"
            return httpx.Response(200, json=chart)
        return original(self, request)

    monkeypatch.setattr(recordings.__class__, "__call__", with_spy)
    snapshot = prefetch(["SPY"], AS_OF_MOMENT)
    assert len(snapshot.prices("SPY", start=dt.date(2021, 1, 1), as_of=AS_OF_MOMENT)) > 60
    with pytest.raises(Exception, match="No data: SEC has no filer for SPY"):
        snapshot.fundamentals("SPY", as_of=AS_OF_MOMENT)
    # The ticker map answered; no companyfacts were asked for.
    assert recordings.seen["sec-data.test"] == 0
