"""The replay server of `providers.py`: the recordings over local HTTP, after a fixed delay.

A threaded `http.server` in a forked process of its own, so its work (writing 4 MB bodies) does
not take the analysing process's interpreter lock, as a remote service would not. It answers
every source from the recordings in `tests/fixtures/online` (composed as
`tests/public_provider/conftest.py` says; with `../shared/fixtures/online` present, NVIDIA's
full 4 MB companyfacts instead of the excerpt, as SEC serves it), every ticker with the NVDA
recordings under its own symbol and CIK, gzip-encoded as the services send them
(`tests.public_provider.replay_http.encoded`), and counts the most requests it had in flight.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
SHARED_FACTS = (
    HERE.parent.parent / "shared" / "fixtures" / "online" / "sec" / "companyfacts-CIK0001045810.json"
)


def _bodies(tickers: list[str]) -> dict[str, Any]:
    """The recordings the replay server answers with, composed here (before the server forks)."""
    from tests.public_provider import conftest as rec

    # Compact, as SEC serves it.
    excerpt = json.dumps(rec.companyfacts(), separators=(",", ":")).encode()
    facts = SHARED_FACTS.read_bytes() if SHARED_FACTS.exists() else excerpt
    ciks = {ticker: 1_000_000 + i for i, ticker in enumerate(["NVDA", "SPY", *tickers])}
    return {
        "facts": facts,
        "submissions": json.dumps(rec.submissions(rec.companyfacts())).encode(),
        "chart": json.loads(rec.load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json")),
        "search": json.dumps(rec.search()).encode(),
        "ticker_map": json.dumps(
            {str(i): {"cik_str": cik, "ticker": t, "title": t} for i, (t, cik) in enumerate(ciks.items())}
        ).encode(),
        "fredgraph": {
            s: rec.fredgraph(s).encode() for s in ("FEDFUNDS", "CPIAUCSL", "GDP", "DGS10", "DGS2", "UNRATE")
        },
    }


def _serve(bodies: dict[str, Any], delay_s: float, port_out: Any) -> None:
    """The replay server's process: answers after `delay_s`; `/_stats` and `/_reset` for the bench."""
    from tests.public_provider.replay_http import GZIP_LEVEL, encoded

    lock = threading.Lock()
    stats: dict[str, Any] = {}
    # The large fixed bodies compressed once, as a CDN holds them.
    gzipped = {b: gzip.compress(b, GZIP_LEVEL) for b in (bodies["facts"], bodies["submissions"])}

    def reset() -> None:
        stats.update(requests={}, in_flight=0, max_in_flight=0)

    reset()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            body = encoded(self, body, gzipped)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path in ("/_stats", "/_reset"):
                with lock:
                    if parts.path == "/_reset":
                        reset()
                    body = json.dumps(stats).encode()
                return self._answer(200, body)
            source, _, path = parts.path.lstrip("/").partition("/")
            service = source.split("-")[0]
            path = "/" + path
            with lock:
                stats["requests"][service] = stats["requests"].get(service, 0) + 1
                stats["in_flight"] += 1
                stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
            try:
                time.sleep(delay_s)
                status, body = 404, b"not recorded"
                if source == "yahoo" and path.startswith("/v8/finance/chart/"):
                    copy = json.loads(json.dumps(bodies["chart"]))
                    copy["chart"]["result"][0]["meta"]["symbol"] = path.rsplit("/", 1)[-1]
                    status, body = 200, json.dumps(copy).encode()
                elif source == "yahoo" and path == "/v1/finance/search":
                    status, body = 200, bodies["search"]
                elif source == "sec-www" and path == "/files/company_tickers.json":
                    status, body = 200, bodies["ticker_map"]
                elif source == "sec-data" and path.startswith("/api/xbrl/companyfacts/"):
                    status, body = 200, bodies["facts"]
                elif source == "sec-data" and path.startswith("/submissions/"):
                    status, body = 200, bodies["submissions"]
                elif source == "fred" and path == "/graph/fredgraph.csv":
                    series = parse_qs(parts.query)["id"][0]
                    if series in bodies["fredgraph"]:
                        status, body = 200, bodies["fredgraph"][series]
                self._answer(status, body)
            finally:
                with lock:
                    stats["in_flight"] -= 1

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.send(server.server_address[1])
    server.serve_forever()


class ReplayServer:
    """The recordings over HTTP in a process of its own, so its work (writing 4 MB bodies) does
    not share the analysing process's interpreter lock, as a remote service would not."""

    def __init__(self, delay_s: float, tickers: list[str]) -> None:
        context = multiprocessing.get_context("fork")  # the bodies come across without pickling
        receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(_bodies(tickers), delay_s, send), daemon=True)
        self.process.start()
        self.base = f"http://127.0.0.1:{receive.recv()}"

    def stats(self, *, reset: bool = False) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base}/{'_reset' if reset else '_stats'}") as response:  # noqa: S310
            return json.loads(response.read())

    def close(self) -> None:
        self.process.terminate()
        self.process.join(timeout=10)
