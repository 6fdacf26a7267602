"""429 and 503 wait what the server's Retry-After asks before trying again."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from datasources.http import SourceUnavailable
from tests.datasources.conftest import replies


def test_it_waits_the_seconds_of_retry_after_then_succeeds(make_client, clock) -> None:
    handler, seen = replies(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=b"ok")
    )
    response = make_client(handler).get("yahoo", "https://query1.finance.yahoo.com/v8/finance/chart/AAPL")
    assert response.status == 200 and response.content == b"ok"
    assert len(seen) == 2
    # The server's 7 s, not the 0.5 s exponential backoff.
    assert 7 in clock.sleeps and 0.5 not in clock.sleeps


def test_it_reads_an_http_date_retry_after(make_client, clock) -> None:
    when = email.utils.formatdate(clock.now() + 12, usegmt=True)
    handler, _seen = replies(httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200))
    assert make_client(handler).get("sec", "https://data.sec.gov/x").status == 200
    assert any(11 <= s <= 12 for s in clock.sleeps)


def test_it_gives_up_at_once_when_retry_after_is_too_long(make_client, clock) -> None:
    handler, seen = replies(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(SourceUnavailable) as caught:
        make_client(handler, max_retry_after_seconds=30.0).get("yahoo", "https://query1.finance.yahoo.com/x")
    assert caught.value.reason.startswith("Yahoo unreachable: HTTP 429")
    assert len(seen) == 1 and clock.sleeps == []
