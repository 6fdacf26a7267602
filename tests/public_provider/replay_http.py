"""The recordings for several tickers over real HTTP, noting when each request arrived.

Recordings used (tests/fixtures/online, as `conftest.py` composes them): every ticker is
answered with NVIDIA's chart (`chart-NVDA-2021-02-01-to-2021-08-31.json`, its `meta.symbol`
set to the ticker), the Yahoo search excerpt, NVIDIA's companyfacts excerpt and the
submissions composed from it, under a CIK of its own in a ticker map written here; FRED with
the fredgraph CSVs. The index SPY has no recording (Yahoo's "Not Found" chart error), as in
`conftest.py`.

Paths carry the service first (`/sec-data/...`, `/sec-www/...`, `/yahoo/...`, `/fred/...`), so
one server stands in for every base URL. Bodies of 1 KB and more go out gzip-encoded to a
client that accepts it, as the services send them. `broken` names tickers whose companyfacts answer HTTP
500 every time. `delay_s` holds each answer back, so requests overlap as they would online.

The server runs in a process of its own (forked, so the composed bodies come along): arrival
times taken there are not held up by the client's threads, which share one interpreter lock
in the test's process. `/_stats` hands the arrivals and the most requests in flight back.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.public_provider import conftest as rec

FIRST_CIK = 2_000_001
GZIP_FROM_BYTES = 1024
GZIP_LEVEL = 6


def encoded(
    handler: BaseHTTPRequestHandler, body: bytes, gzipped: Mapping[bytes, bytes] | None = None
) -> bytes:
    """`body` as SEC, Yahoo and FRED send it: gzip-encoded, its header sent, to a client that
    accepts gzip when it is 1 KB or more; `gzipped` holds bodies compressed ahead."""
    if len(body) < GZIP_FROM_BYTES or "gzip" not in handler.headers.get("Accept-Encoding", ""):
        return body
    handler.send_header("Content-Encoding", "gzip")
    return (gzipped or {}).get(body) or gzip.compress(body, GZIP_LEVEL)


class ReplayHTTP:
    """A threaded HTTP server on a free local port (use as a context manager)."""

    def __init__(self, tickers: list[str], *, broken: frozenset[str] = frozenset(), delay_s: float = 0.03):
        self.ciks = {ticker: FIRST_CIK + i for i, ticker in enumerate(tickers)}
        self.broken = broken
        self.delay_s = delay_s
        self.arrivals: list[tuple[float, str, str]] = []  # (time.monotonic(), service, path)
        self.max_in_flight: Counter[str] = Counter()
        self._in_flight: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._process: Any = None
        facts = rec.companyfacts()
        self._chart = json.loads(rec.load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json"))
        filings = rec.submissions(facts)
        self._facts, self._submissions = {}, {}
        for cik in self.ciks.values():  # compact, as SEC serves it (`companyfacts_scan` reads that)
            self._facts[cik] = json.dumps({**facts, "cik": cik}, separators=(",", ":")).encode()
            self._submissions[cik] = json.dumps({**filings, "cik": str(cik)}).encode()
        rows = {str(i): {"cik_str": c, "ticker": t, "title": t} for i, (t, c) in enumerate(self.ciks.items())}
        self._ticker_map = json.dumps(rows).encode()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ReplayHTTP:
        # The socket is bound and listening already: requests queue until the child serves them.
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=self._server.serve_forever, daemon=True)
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(timeout=10)
        self._server.server_close()

    def collect(self) -> None:
        """Fetch the arrivals and the most requests in flight from the server's process."""
        with urllib.request.urlopen(f"{self.base}/_stats", timeout=10) as response:  # noqa: S310 (local)
            stats = json.loads(response.read())
        self.arrivals = [tuple(a) for a in stats["arrivals"]]  # type: ignore[misc]
        self.max_in_flight = Counter(stats["max_in_flight"])

    def times(self, service: str) -> list[float]:
        return sorted(t for t, s, _ in self.arrivals if s == service)

    def facts_body(self, cik: int) -> bytes:
        """The companyfacts body served for `cik`, decoded."""
        return self._facts[cik]

    def paths(self, service: str) -> list[str]:
        return [p for _, s, p in self.arrivals if s == service]

    def answer(self, source: str, path: str, query: str) -> tuple[int, bytes]:
        by_cik = {f"CIK{cik:010d}.json": cik for cik in self.ciks.values()}
        name = path.rsplit("/", 1)[-1]
        if source == "yahoo" and path.startswith("/v8/finance/chart/"):
            if name not in self.ciks:
                return 404, json.dumps(rec.NOT_FOUND).encode()
            chart = json.loads(json.dumps(self._chart))
            chart["chart"]["result"][0]["meta"]["symbol"] = name
            return 200, json.dumps(chart).encode()
        if source == "yahoo" and path == "/v1/finance/search":
            return 200, json.dumps(rec.search()).encode()
        if source == "sec-www" and path == "/files/company_tickers.json":
            return 200, self._ticker_map
        if source == "sec-data" and path.startswith("/api/xbrl/companyfacts/") and name in by_cik:
            ticker = next(t for t, c in self.ciks.items() if c == by_cik[name])
            return (500, b"internal error") if ticker in self.broken else (200, self._facts[by_cik[name]])
        if source == "sec-data" and path.startswith("/submissions/") and name in by_cik:
            return 200, self._submissions[by_cik[name]]
        if source == "fred" and path == "/graph/fredgraph.csv":
            return 200, rec.fredgraph(parse_qs(query)["id"][0]).encode()
        return 404, rec.load("sec/submissions-404.xml") if source.startswith("sec") else b"not recorded"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                body = encoded(self, body)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path == "/_stats":
                    with replay._lock:
                        stats = {"arrivals": replay.arrivals, "max_in_flight": replay.max_in_flight}
                        return self._send(200, json.dumps(stats).encode())
                source, _, rest = parts.path.lstrip("/").partition("/")
                service = source.split("-")[0]
                with replay._lock:
                    replay.arrivals.append((time.monotonic(), service, "/" + rest))
                    replay._in_flight[service] += 1
                    now_in_flight = replay._in_flight[service]
                    replay.max_in_flight[service] = max(replay.max_in_flight[service], now_in_flight)
                try:
                    time.sleep(replay.delay_s)
                    status, body = replay.answer(source, "/" + rest, parts.query)
                finally:
                    # Before the answer goes out: the client cannot have sent its next request yet.
                    with replay._lock:
                        replay._in_flight[service] -= 1
                self._send(status, body)

        return Handler
