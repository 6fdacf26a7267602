"""Repeated failures pause a source for a while; a success after the pause closes it again."""

from __future__ import annotations

import httpx
import pytest

from datasources.http import SourceUnavailable


def test_it_opens_after_repeated_failures_and_recovers(make_client, clock) -> None:
    calls = {"n": 0, "healthy": False}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(200 if calls["healthy"] else 500)

    client = make_client(handler, tries=2, breaker_failures=4, breaker_seconds=60.0, backoff_seconds=0.1)
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            client.get("sec", "https://data.sec.gov/x")
    assert calls["n"] == 4
    # Open: no request is sent at all while the pause lasts.
    with pytest.raises(SourceUnavailable, match="SEC unreachable: HTTP 500; paused after repeated failures"):
        client.get("sec", "https://data.sec.gov/x")
    assert calls["n"] == 4
    # Another source is not affected.
    calls["healthy"] = True
    assert client.get("yahoo", "https://query1.finance.yahoo.com/x").status == 200

    clock.sleep(61)
    assert client.get("sec", "https://data.sec.gov/x").status == 200
    calls["healthy"] = False
    # Closed again: a failure is retried as usual rather than refused.
    before = calls["n"]
    with pytest.raises(SourceUnavailable):
        client.get("sec", "https://data.sec.gov/x")
    assert calls["n"] > before


def test_it_reopens_at_once_when_the_trial_request_fails(make_client, clock) -> None:
    client = make_client(lambda r: httpx.Response(503), tries=1, breaker_failures=2, breaker_seconds=30.0)
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            client.get("fred", "https://api.stlouisfed.org/x")
    clock.sleep(31)
    with pytest.raises(SourceUnavailable, match="after 1 try"):
        client.get("fred", "https://api.stlouisfed.org/x")
    with pytest.raises(SourceUnavailable, match="paused"):
        client.get("fred", "https://api.stlouisfed.org/x")
