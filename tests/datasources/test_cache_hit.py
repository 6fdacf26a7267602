"""A second read of data already held makes no request."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from datasources.cache import cached_body

pytestmark = pytest.mark.django_db


def test_it_serves_a_held_body_without_a_request(make_client) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=b'{"cik": 320193}')

    client = make_client(handler)
    url = "https://data.sec.gov/submissions/CIK0000320193.json"

    def fetch() -> bytes:
        return client.get("sec", url).content

    first = cached_body("sec", "submissions/CIK0000320193", fetch, ttl=dt.timedelta(hours=24), ticker="AAPL")
    second = cached_body("sec", "submissions/CIK0000320193", fetch, ttl=dt.timedelta(hours=24), ticker="AAPL")
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.content == first.content == b'{"cik": 320193}'
    assert second.fetched_at == first.fetched_at
    assert len(sent) == 1 and client.requests_sent["sec"] == 1
