"""The `public` provider: analysis latency cold (every body fetched) against warm (the cache).

Run from the repository root:

    .venv/bin/python bench/providers.py [--delay-ms 80] [--tickers 20] [--repeat 5] [--json]

A local replay server (threaded `http.server`) answers every source's requests from the
recordings in `tests/fixtures/online` (composed as `tests/public_provider/conftest.py` says;
with `../shared/fixtures/online` present, NVIDIA's full 4 MB companyfacts instead of the
excerpt, as SEC serves it) after a fixed delay per request. Every ticker is answered with the
NVDA recordings under its own symbol and CIK. The sources' clock is frozen just after the
2021-07-16 close (a current run, as the recordings allow). It runs `run_analysis` in this
process over a throw-away SQLite database and prints:

- one analysis: latency and requests, cold and warm, against the demo provider's latency;
- a 20-ticker watchlist's prefetch under the SEC rate limit (10 requests per second by
  default): wall time, requests, the parallelism, and the bound requests × delay ÷ parallelism
  (or the SEC rate limit's floor, whichever is longer).

It prints figures and asserts none.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.harness import bench_tickers, configure_environment, machine, migrate  # noqa: E402

SHARED_FACTS = (
    HERE.parent.parent / "shared" / "fixtures" / "online" / "sec" / "companyfacts-CIK0001045810.json"
)


def replay_server(delay_s: float, tickers: list[str]) -> tuple[ThreadingHTTPServer, dict[str, int]]:
    """The recordings over HTTP on a free port, each answer after `delay_s`; counts requests by source."""
    from tests.public_provider import conftest as rec

    facts = json.loads(SHARED_FACTS.read_bytes()) if SHARED_FACTS.exists() else rec.companyfacts()
    facts_body = json.dumps(facts).encode()
    submissions_body = json.dumps(rec.submissions(rec.companyfacts())).encode()
    chart = json.loads(rec.load("yahoo/chart-NVDA-2021-02-01-to-2021-08-31.json"))
    ciks = {ticker: 1_000_000 + i for i, ticker in enumerate(["NVDA", "SPY", *tickers])}
    ticker_map = json.dumps(
        {str(i): {"cik_str": cik, "ticker": t, "title": t} for i, (t, cik) in enumerate(ciks.items())}
    ).encode()
    counts: dict[str, int] = {"sec": 0, "yahoo": 0, "fred": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            source, _, path = parts.path.lstrip("/").partition("/")
            path = "/" + path
            with lock:
                counts[source.split("-")[0]] = counts.get(source.split("-")[0], 0) + 1
            time.sleep(delay_s)
            status, body = 404, b"not recorded"
            if source == "yahoo" and path.startswith("/v8/finance/chart/"):
                symbol = path.rsplit("/", 1)[-1]
                copy = json.loads(json.dumps(chart))
                copy["chart"]["result"][0]["meta"]["symbol"] = symbol
                status, body = 200, json.dumps(copy).encode()
            elif source == "yahoo" and path == "/v1/finance/search":
                status, body = 200, json.dumps(rec.search()).encode()
            elif source == "sec-www" and path == "/files/company_tickers.json":
                status, body = 200, ticker_map
            elif source == "sec-data" and path.startswith("/api/xbrl/companyfacts/"):
                status, body = 200, facts_body
            elif source == "sec-data" and path.startswith("/submissions/"):
                status, body = 200, submissions_body
            elif source == "fred" and path == "/graph/fredgraph.csv":
                status, body = 200, rec.fredgraph(parse_qs(parts.query)["id"][0]).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, counts


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    from analysis.providers.public import loaders
    from analysis.services import prepare_run, run_analysis
    from datasources.cache import clear
    from datasources.http import get_client, reset_client
    from tests.public_provider.conftest import AS_OF_MOMENT, FROZEN_NOW

    loaders.now = lambda: FROZEN_NOW  # the recordings' date: a current run (see the docstring)
    tickers = bench_tickers(args.tickers, seed=20261202, exclude={"NVDA", "SPY"})
    server, counts = replay_server(args.delay_ms / 1000, tickers)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SEC_DATA_URL, settings.SEC_WWW_URL = f"{base}/sec-data", f"{base}/sec-www"
    settings.YAHOO_QUERY_URL, settings.FRED_URL = f"{base}/yahoo", f"{base}/fred"
    settings.YAHOO_RATE_LIMIT_PER_SECOND = settings.FRED_RATE_LIMIT_PER_SECOND = 1000.0
    figures: dict[str, Any] = {
        "delay_ms": args.delay_ms,
        "sec_rate_limit_per_s": settings.SEC_RATE_LIMIT_PER_SECOND,
    }

    def timed(ticker: str) -> float:
        started = time.perf_counter()
        run_analysis(ticker=ticker, as_of=AS_OF_MOMENT)
        return time.perf_counter() - started

    settings.MARKET_DATA_PROVIDER = "demo"
    timed("NVDA")
    figures["demo_ms"] = _median_ms([timed("NVDA") for _ in range(args.repeat)])

    settings.MARKET_DATA_PROVIDER = "public"
    reset_client()
    cold, warm, cold_requests, warm_requests = [], [], [], []
    for _ in range(args.repeat):
        clear()
        before = sum(get_client().requests_sent.values())
        cold.append(timed("NVDA"))
        cold_requests.append(sum(get_client().requests_sent.values()) - before)
        before = sum(get_client().requests_sent.values())
        warm.append(timed("NVDA"))
        warm_requests.append(sum(get_client().requests_sent.values()) - before)
    figures["public_cold_ms"] = _median_ms(cold)
    figures["public_warm_ms"] = _median_ms(warm)
    figures["requests_cold"] = max(cold_requests)
    figures["requests_warm"] = max(warm_requests)
    # One analysis loads in one thread: its requests are sequential.
    figures["cold_bound_ms"] = round(figures["requests_cold"] * args.delay_ms, 1)

    clear()
    reset_client()
    for key in counts:
        counts[key] = 0
    parallel = settings.WATCHLIST_CONCURRENCY
    started = time.perf_counter()
    context = prepare_run(as_of=AS_OF_MOMENT, tickers=tickers)
    prefetch_s = time.perf_counter() - started
    sent = dict(get_client().requests_sent)
    started = time.perf_counter()
    for ticker in tickers:
        run_analysis(ticker=ticker, as_of=AS_OF_MOMENT, context=context)
    analyses_s = time.perf_counter() - started
    total = sum(sent.values())
    sec_floor = sent.get("sec", 0) / settings.SEC_RATE_LIMIT_PER_SECOND
    figures["watchlist"] = {
        "tickers": len(tickers),
        "parallelism": parallel,
        "requests": sent,
        "prefetch_ms": round(prefetch_s * 1000, 1),
        "bound_ms": round(max(total * args.delay_ms / parallel, sec_floor * 1000), 1),
        "sec_rate_floor_ms": round(sec_floor * 1000, 1),
        "analyses_after_prefetch_ms": round(analyses_s * 1000, 1),
    }
    server.shutdown()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=80.0)
    parser.add_argument("--tickers", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="pmresearch-bench-providers-"))
    try:
        configure_environment(
            var_dir,
            MARKET_DATA_PROVIDER="public",
            SEC_USER_AGENT="pmresearch bench bench@example.com",
            MARKET_DATA_BACKOFF_SECONDS="0",
            WATCHLIST_ENGINE_PROCESSES="0",
        )
        import django

        django.setup()
        migrate()
        figures = {"machine": machine(), **run(args)}
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    w, f = figures["watchlist"], figures
    print(f"replay delay {f['delay_ms']:g} ms per request; SEC limit {f['sec_rate_limit_per_s']:g}/s")
    print(f"demo, one analysis:          {f['demo_ms']:8.1f} ms")
    print(
        f"public cold (cache empty):   {f['public_cold_ms']:8.1f} ms  {f['requests_cold']} requests"
        f" (bound {f['cold_bound_ms']:g} ms = requests x delay / parallelism 1)"
    )
    print(
        f"public warm (same day):      {f['public_warm_ms']:8.1f} ms  {f['requests_warm']} requests"
        f" ({f['public_warm_ms'] - f['demo_ms']:+.1f} ms against demo)"
    )
    print(
        f"watchlist of {w['tickers']}, prefetch:  {w['prefetch_ms']:8.1f} ms  {sum(w['requests'].values())}"
        f" requests {w['requests']}, parallelism {w['parallelism']}, bound {w['bound_ms']:g} ms"
        f" (SEC rate floor {w['sec_rate_floor_ms']:g} ms)"
    )
    print(f"then {w['tickers']} analyses from memory: {w['analyses_after_prefetch_ms']:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
