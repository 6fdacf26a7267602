"""FRED_API_KEY never appears in a log line, httpx's own included, nor in the URL a caller sees."""

from __future__ import annotations

import logging

import httpx
from django.test import override_settings

KEY = "abcd1234secretkey5678"


@override_settings(FRED_API_KEY=KEY)
def test_it_redacts_the_key_from_every_log_line(make_client, caplog) -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(500 if calls["n"] == 1 else 200)

    client = make_client(handler, fred_api_key=KEY)
    with caplog.at_level(logging.DEBUG):
        response = client.get(
            "fred",
            "https://api.stlouisfed.org/fred/series/observations",
            params={"series_id": "GDP", "api_key": KEY, "file_type": "json"},
        )
    assert response.status == 200
    assert KEY not in response.url_redacted and "api_key=REDACTED" in response.url_redacted
    httpx_lines = [r for r in caplog.records if r.name == "httpx"]
    assert httpx_lines, "httpx logs each request; the test must see those lines"
    for record in caplog.records:
        assert KEY not in record.getMessage()
    assert any("api_key=REDACTED" in r.getMessage() for r in httpx_lines)


@override_settings(FRED_API_KEY=KEY)
def test_it_redacts_the_key_wherever_it_appears(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info("fetched %s", f"https://mirror.example/{KEY}/GDP")
    assert KEY not in caplog.text and "REDACTED" in caplog.text
