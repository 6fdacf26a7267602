"""5xx answers are retried with exponential backoff; after the last try the source is unavailable."""

from __future__ import annotations

import httpx
import pytest

from datasources.http import SourceUnavailable
from tests.datasources.conftest import replies


def test_it_retries_5xx_then_returns_the_success(make_client, clock) -> None:
    handler, seen = replies(httpx.Response(500), httpx.Response(502), httpx.Response(200, content=b"{}"))
    response = make_client(handler, tries=3, backoff_seconds=0.5).get("fred", "https://api.stlouisfed.org/x")
    assert response.status == 200 and len(seen) == 3
    assert clock.sleeps == [0.5, 1.0]


def test_it_reports_the_source_unreachable_after_every_try(make_client) -> None:
    handler, seen = replies(*[httpx.Response(503) for _ in range(3)])
    with pytest.raises(SourceUnavailable) as caught:
        make_client(handler, tries=3).get("yahoo", "https://query1.finance.yahoo.com/x")
    assert caught.value.reason == "Yahoo unreachable: HTTP 503 after 3 tries"
    assert len(seen) == 3


def test_it_records_the_last_failure_for_the_data_sources_page(make_client, state, clock) -> None:
    handler, _ = replies(httpx.Response(500), httpx.Response(200))
    make_client(handler).get("sec", "https://data.sec.gov/x")
    status = state.status("sec", clock.now())
    assert status["last_failure_reason"] == "HTTP 500"
    assert status["last_success"] is not None and status["requests_last_hour"] == 2
