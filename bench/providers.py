"""The `public` provider: analysis latency cold (every body fetched) against warm (the cache).

Run from the repository root:

    .venv/bin/python bench/providers.py [--delay-ms 80] [--tickers 20] [--repeat 5] [--json]

A local replay server (`provider_replay.py`, in a forked process of its own) answers every
source's requests from the recordings, gzip-encoded as SEC, Yahoo and FRED send them (with
`../shared/fixtures/online` present, NVIDIA's full 4 MB companyfacts, sent as 290 KB), after a
fixed delay per request, and counts the most requests it had in flight.
Every ticker is answered with the NVDA recordings under its own symbol and CIK. The sources'
clock is frozen just after the 2021-07-16 close (a current run, as the recordings allow). It
runs `run_analysis` in this process over a throw-away SQLite database and prints:

- one analysis: latency and requests, cold and warm, against the demo provider's latency;
- a 20-ticker watchlist's prefetch under the SEC rate limit (10 requests per second by
  default): wall time and requests, and (run again, untimed) the most memory it holds;
- a ticker analysed first in a deployment that has analysed another one today (SEC's ticker
  map, the index's chart and FRED's series held): latency and requests;
- for each, the goal (`bound`): the longer of requests × delay ÷ parallelism (parallelism =
  `WATCHLIST_CONCURRENCY`) and the floor no client of these lanes can beat (per service: its
  rounds, its rate limit, SEC's ticker map before the per-company bodies).

Cold runs are a rate-limit window apart, as separate analyses would be.

It prints figures and asserts none.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.harness import bench_tickers, configure_environment, machine, migrate  # noqa: E402
from bench.provider_replay import ReplayServer  # noqa: E402


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


Budget = tuple[int, float]  # (capacity, window in seconds), as `datasources.http.budget`


def bound(
    sent: dict[str, int], delay_ms: float, width: int, rates: dict[str, Budget], *, ticker_map: bool
) -> dict[str, Any]:
    """The goal for the requests `sent`, and the floor no client of these lanes can beat, in ms.

    goal = the longest of requests x delay / parallelism (the issue's formula, parallelism =
    `width`, WATCHLIST_CONCURRENCY) and the floor. The floor is each service's own: its requests
    in ceil(n / width) rounds of `delay_ms` (each service has its own lane of `width`, so the
    services' rounds overlap), at most `rate` in any one second (the limiter's sliding window:
    the n-th request goes out floor((n - 1) / capacity) windows after the first, then takes the
    delay), and, when SEC's ticker map is among them (`ticker_map`), the map before the
    per-company bodies. `rates`: each service's (capacity, window), as `datasources.http.budget`.
    """
    asked = {service: n for service, n in sent.items() if n}
    formula = sum(asked.values()) * delay_ms / width
    floors = {
        service: max(
            math.ceil(n / width) * delay_ms,
            (n - 1) // rates[service][0] * rates[service][1] * 1000 + delay_ms,
        )
        for service, n in asked.items()
    }
    if ticker_map and asked.get("sec", 0) > 1:
        floors["sec"] = max(floors["sec"], delay_ms + math.ceil((asked["sec"] - 1) / width) * delay_ms)
    floor = max(floors.values(), default=0.0)
    return {
        "parallelism": width,
        "formula_ms": round(formula, 1),
        "floors_ms": {k: round(v, 1) for k, v in sorted(floors.items())},
        "floor_ms": round(floor, 1),
        "goal_ms": round(max(formula, floor), 1),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings

    from analysis.providers.public import loaders
    from datasources.cache import clear
    from datasources.http import budget, get_client, reset_client
    from orchestration.analysis import prepare_run, run_analysis
    from tests.public_provider.conftest import AS_OF_MOMENT, FROZEN_NOW

    loaders.now = lambda: FROZEN_NOW  # the recordings' date: a current run (see the docstring)
    tickers = bench_tickers(args.tickers, seed=20261202, exclude={"NVDA", "SPY"})
    server = ReplayServer(args.delay_ms / 1000, tickers)
    base = server.base
    settings.SEC_DATA_URL, settings.SEC_WWW_URL = f"{base}/sec-data", f"{base}/sec-www"
    settings.YAHOO_QUERY_URL, settings.FRED_URL = f"{base}/yahoo", f"{base}/fred"
    # Yahoo publishes no limit (4 a second by default here): lifted, so the watchlist shows
    # SEC's, as the issue asks. SEC's and FRED's are their defaults.
    settings.YAHOO_RATE_LIMIT_PER_SECOND = 1000.0
    rates = {
        service: budget(
            float(getattr(settings, f"{service.upper()}_RATE_LIMIT_PER_SECOND")),
            float(getattr(settings, f"{service.upper()}_RATE_LIMIT_WINDOW_SECONDS")),
        )
        for service in ("sec", "yahoo", "fred")
    }
    width = settings.WATCHLIST_CONCURRENCY
    figures: dict[str, Any] = {
        "delay_ms": args.delay_ms,
        "sec_rate_limit_per_s": settings.SEC_RATE_LIMIT_PER_SECOND,
        "fred_rate_limit": f"{rates['fred'][0]} per {rates['fred'][1]:g} s",
        "width_per_service": width,
    }

    def timed(ticker: str) -> float:
        started = time.perf_counter()
        run_analysis(ticker=ticker, as_of=AS_OF_MOMENT)
        return time.perf_counter() - started

    def sent_since(before: dict[str, int]) -> dict[str, int]:
        now = get_client().requests_sent
        return {service: now[service] - before.get(service, 0) for service in rates}

    settings.MARKET_DATA_PROVIDER = "demo"
    timed("NVDA")
    # What start-up and the first analysis loaded, out of the collector's sight, as the ASGI
    # server does after start-up (`pmresearch/asgi.py`): otherwise a full collection walking
    # Django's objects (60-90 ms here) lands inside some of the timed runs.
    gc.freeze()
    figures["demo_ms"] = _median_ms([timed("NVDA") for _ in range(args.repeat)])

    settings.MARKET_DATA_PROVIDER = "public"
    reset_client()
    get_client()  # once per process (its TLS context, the shared state): part of no analysis
    cold, warm, cold_sent, warm_requests, in_flight = [], [], [], [], []
    # SEC's window: FRED's (60 s) holds a cold run's 6 series many times over.
    window = rates["sec"][1]
    for _ in range(args.repeat):
        # Each cold run alone, as one analysis would be: back to back, four runs' SEC requests
        # fell in one second and the rate limit (rightly) held the fourth run's back 100-300 ms.
        time.sleep(window)
        clear()
        server.stats(reset=True)
        before = dict(get_client().requests_sent)
        cold.append(timed("NVDA"))
        cold_sent.append(sent_since(before))
        in_flight.append(server.stats()["max_in_flight"])
        before = dict(get_client().requests_sent)
        warm.append(timed("NVDA"))
        warm_requests.append(sum(sent_since(before).values()))
    # A ticker first analysed in a deployment that has analysed another today: SEC's ticker map,
    # the index's chart and FRED's series are held, so only the ticker's own bodies are fetched.
    first, first_sent = [], []
    for _ in range(args.repeat):
        time.sleep(window)
        clear()
        timed(tickers[0])
        time.sleep(window)
        before = dict(get_client().requests_sent)
        first.append(timed("NVDA"))
        first_sent.append(sent_since(before))
    figures["public_first_ms"] = _median_ms(first)
    figures["requests_first"] = max(first_sent, key=lambda sent: sum(sent.values()))
    figures["first_bound"] = bound(figures["requests_first"], args.delay_ms, width, rates, ticker_map=False)
    figures["public_cold_ms"] = _median_ms(cold)
    figures["public_cold_each_ms"] = [round(c * 1000, 1) for c in cold]
    figures["public_warm_ms"] = _median_ms(warm)
    figures["requests_cold"] = max(cold_sent, key=lambda sent: sum(sent.values()))
    figures["requests_warm"] = max(warm_requests)
    figures["cold_max_in_flight"] = max(in_flight)
    figures["cold_bound"] = bound(figures["requests_cold"], args.delay_ms, width, rates, ticker_map=True)

    time.sleep(window)
    clear()
    server.stats(reset=True)
    before = dict(get_client().requests_sent)
    started = time.perf_counter()
    context = prepare_run(as_of=AS_OF_MOMENT, tickers=tickers)
    prefetch_s = time.perf_counter() - started
    sent = sent_since(before)
    max_in_flight = server.stats()["max_in_flight"]
    started = time.perf_counter()
    for ticker in tickers:
        run_analysis(ticker=ticker, as_of=AS_OF_MOMENT, context=context)
    analyses_s = time.perf_counter() - started
    # Again, for the memory it holds at its peak (traced allocations slow it: untimed).
    time.sleep(window)
    clear()
    tracemalloc.start()
    prepare_run(as_of=AS_OF_MOMENT, tickers=tickers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures["watchlist"] = {
        "peak_traced_mb": round(peak / 2**20, 1),
        "tickers": len(tickers),
        "requests": sent,
        "max_in_flight": max_in_flight,
        "prefetch_ms": round(prefetch_s * 1000, 1),
        "bound": bound(sent, args.delay_ms, width, rates, ticker_map=True),
        "analyses_after_prefetch_ms": round(analyses_s * 1000, 1),
    }
    server.close()
    return figures


def _requests(sent: dict[str, int]) -> str:
    return f"{sum(sent.values())} requests (" + ", ".join(f"{k} {v}" for k, v in sent.items() if v) + ")"


def _bound_text(b: dict[str, Any]) -> str:
    floors = ", ".join(f"{k} {v:g}" for k, v in b["floors_ms"].items())
    return (
        f"goal {b['goal_ms']:g} ms: the longer of requests x delay / parallelism"
        f" ({b['parallelism']}, WATCHLIST_CONCURRENCY) = {b['formula_ms']:g} ms and the floor"
        f" {b['floor_ms']:g} ms (per service, its lanes in parallel with the others': rounds,"
        f" rate limit, SEC's ticker map first: {floors})"
    )


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
    print(
        f"replay delay {f['delay_ms']:g} ms per request; SEC limit {f['sec_rate_limit_per_s']:g}/s;"
        f" FRED limit {f['fred_rate_limit']}"
    )
    print(f"demo, one analysis:             {f['demo_ms']:8.1f} ms")
    print(
        f"public cold (cache empty):      {f['public_cold_ms']:8.1f} ms  {_requests(f['requests_cold'])},"
        f" at most {f['cold_max_in_flight']} in flight at the server; runs {f['public_cold_each_ms']}"
    )
    print(f"    {_bound_text(f['cold_bound'])}")
    print(
        f"public, new ticker, day's shared data held: {f['public_first_ms']:8.1f} ms"
        f"  {_requests(f['requests_first'])}"
    )
    print(f"    {_bound_text(f['first_bound'])}")
    print(
        f"public warm (same day):         {f['public_warm_ms']:8.1f} ms  {f['requests_warm']} requests"
        f" ({f['public_warm_ms'] - f['demo_ms']:+.1f} ms against demo)"
    )
    print(
        f"watchlist of {w['tickers']}, prefetch:     {w['prefetch_ms']:8.1f} ms  {_requests(w['requests'])},"
        f" at most {w['max_in_flight']} in flight at the server"
    )
    print(f"    {_bound_text(w['bound'])}")
    print(f"then {w['tickers']} analyses from memory: {w['analyses_after_prefetch_ms']:8.1f} ms")
    print(f"the prefetch's peak memory (Python allocations, traced): {w['peak_traced_mb']:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
