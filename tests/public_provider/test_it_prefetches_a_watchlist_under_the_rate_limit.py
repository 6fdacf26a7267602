"""A watchlist's prefetch: its tickers' bodies fetched together in threads, under each service's
rate limit, through a local HTTP server replaying the recordings (which, and how: replay_http.py).

`PublicProvider.snapshot(tickers, as_of)` is what a watchlist or replay run calls first
(`prepare_run`). Every ticker is answered with NVIDIA's recordings, so every healthy ticker's
data must come out the same; MU's companyfacts answer HTTP 500.
"""

from __future__ import annotations

import dataclasses
import gzip
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from analysis.providers.public import loaders
from analysis.providers.public.provider import PublicProvider
from datasources.cache import GZIP_MAGIC
from datasources.config import load_config
from datasources.http import SourceClient
from datasources.models import CachedResponse
from datasources.state import SqliteState
from tests.public_provider.conftest import AS_OF_MOMENT
from tests.public_provider.replay_http import ReplayHTTP

pytestmark = pytest.mark.django_db

TICKERS = ["NVDA", "AMD", "INTC", "QCOM", "MU"]
BROKEN = "MU"
SEC_RATE = 6.0  # requests a second
WIDTH = 4  # requests of one service in flight at once (WATCHLIST_CONCURRENCY)
TRIES = 2


@pytest.fixture
def replay(settings: Any, tmp_path: Any, monkeypatch: Any, frozen_clock: Any) -> Iterator[ReplayHTTP]:
    with ReplayHTTP(TICKERS, broken=frozenset({BROKEN})) as server:
        settings.MARKET_DATA_PROVIDER = "public"
        settings.SEC_USER_AGENT = "Test Desk desk@example.com"
        settings.SEC_DATA_URL, settings.SEC_WWW_URL = f"{server.base}/sec-data", f"{server.base}/sec-www"
        settings.YAHOO_QUERY_URL, settings.FRED_URL = f"{server.base}/yahoo", f"{server.base}/fred"
        settings.FRED_API_KEY = ""
        settings.MARKET_DATA_BACKOFF_SECONDS = 0.0
        settings.MARKET_DATA_TRIES = TRIES
        settings.SEC_RATE_LIMIT_PER_SECOND = SEC_RATE
        settings.YAHOO_RATE_LIMIT_PER_SECOND = settings.FRED_RATE_LIMIT_PER_SECOND = 1000.0
        settings.WATCHLIST_CONCURRENCY = WIDTH
        # Real HTTP to the local server (an explicit transport: no proxy from the environment).
        state = SqliteState(tmp_path / "state.sqlite3")
        client = SourceClient(config=load_config(), transport=httpx.HTTPTransport(), state=state)
        monkeypatch.setattr(loaders, "get_client", lambda: client)
        yield server
        client.close()


def test_it_brings_every_tickers_data_and_keeps_the_rest_when_one_source_fails(replay: ReplayHTTP) -> None:
    snapshot = PublicProvider().snapshot(TICKERS, AS_OF_MOMENT)
    replay.collect()

    def entry(kind: str, ticker: str) -> Any:
        return snapshot.entries[(kind, ticker)]

    reference = entry("fundamentals", "NVDA").value
    assert reference.earnings_per_share is not None and reference.revenue_growth is not None
    for ticker in TICKERS:
        prices = entry("prices", ticker)
        assert not prices.reason and prices.value.dates[-1] <= AS_OF_MOMENT.date()
        # The same recordings behind every ticker: the same answers, under the ticker's name.
        assert entry("earnings", ticker).value == entry("earnings", "NVDA").value
        titles = [item.title for item in entry("news", ticker).value]
        assert titles == [item.title for item in entry("news", "NVDA").value] and len(titles) == 2
        if ticker != BROKEN:
            assert dataclasses.replace(entry("fundamentals", ticker).value, ticker="NVDA") == reference
    broken = entry("fundamentals", BROKEN)
    assert broken.reason == f"SEC unreachable: HTTP 500 after {TRIES} tries" and broken.unavailable
    # One ticker map for the whole watchlist, each body asked for once, the failing one once a try.
    asked = Counter(replay.paths("sec"))
    assert asked.pop("/files/company_tickers.json") == 1
    assert asked.pop(f"/api/xbrl/companyfacts/CIK{replay.ciks[BROKEN]:010d}.json") == TRIES
    assert sorted(asked.values()) == [1] * (2 * len(TICKERS) - 1)
    # The server sent the bodies gzip-encoded: the cache keeps them as they came.
    row = CachedResponse.objects.get(source="sec", key=f"companyfacts:{replay.ciks['NVDA']}")
    assert row.compressed and bytes(row.content[:2]) == GZIP_MAGIC
    assert gzip.decompress(row.content) == replay.facts_body(replay.ciks["NVDA"])


def test_it_holds_each_service_to_its_rate_limit_and_width(replay: ReplayHTTP) -> None:
    PublicProvider().snapshot(TICKERS, AS_OF_MOMENT)
    replay.collect()

    sec = replay.times("sec")
    assert len(sec) == 1 + 2 * len(TICKERS) + (TRIES - 1)
    # No second holds more than SEC_RATE arrivals. 100 ms are spared for when a busy machine
    # delays a request between its send and its arrival; a client without the limit would put
    # all 12 in a fraction of that second.
    window = 1.0 - 0.1
    assert max(sum(1 for t in sec if start <= t < start + window) for start in sec) <= SEC_RATE
    # The prefetch ran in threads, never more than WIDTH requests of one service at a time.
    assert 2 <= replay.max_in_flight["yahoo"] <= WIDTH
    assert replay.max_in_flight["sec"] <= WIDTH and replay.max_in_flight["fred"] <= WIDTH
