"""Timeouts are retried, then reported with a message safe to show."""

from __future__ import annotations

import http.server
import threading
import time

import httpx
import pytest

from datasources.http import SourceClient, SourceUnavailable
from tests.datasources.conftest import replies


def test_it_says_the_source_timed_out_after_its_tries(make_client) -> None:
    handler, seen = replies(*[httpx.ReadTimeout("read timed out") for _ in range(3)])
    with pytest.raises(SourceUnavailable) as caught:
        make_client(handler, tries=3).get(
            "sec", "https://data.sec.gov/api/xbrl/companyfacts/CIK0000320193.json"
        )
    assert caught.value.reason == "SEC unreachable: timed out after 3 tries"
    assert len(seen) == 3


def test_it_applies_the_source_timeout_to_a_slow_server(clock, state) -> None:
    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(1.0)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        from dataclasses import replace

        from datasources.config import load_config

        config = replace(load_config(), tries=1, timeouts={"sec": 5.0, "yahoo": 0.2, "fred": 5.0})
        client = SourceClient(config=config, clock=clock, state=state)
        started = time.monotonic()
        with pytest.raises(SourceUnavailable, match="Yahoo unreachable: timed out after 1 try"):
            client.get("yahoo", f"http://127.0.0.1:{server.server_port}/slow")
        assert time.monotonic() - started < 0.9
    finally:
        server.shutdown()
        server.server_close()
