"""A 20-ticker watchlist run (SSE, concurrency 4) against 20 sequential POST /api/analyze calls.

Run from the repository root:

    .venv/bin/python bench/watchlist.py [--tickers 20] [--rounds 3] [--delay-ms 50]
                                        [--settings demo,http] [--agents ...] [--json]

Two settings, each against its own uvicorn over a throw-away SQLite database:

- `demo`: the demo provider, CPU-bound (the machine's cores bound what concurrency can give);
- `http`: a recorded copy of the same market served by `bench/replay.py` over local HTTP with a
  fixed delay before every answer (`--delay-ms`), standing in for a remote data vendor. It is
  a replay, not an online source, and labelled so in the output.

In each round the same number of tickers is analysed both ways, each way on tickers new to the
server (so neither profits from the other's caches), in alternating order. Figures are wall
times: the sequential side from the first request to the last response, the watchlist side
from the request to the `done` event. Speed-up = median sequential / median watchlist. It
prints figures and asserts none; it stops only when an analysis fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Run as a script, this folder leads sys.path and its `analysis.py` would shadow the app.
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.harness import (  # noqa: E402 - after the path fix above
    REPO_ROOT,
    bench_tickers,
    configure_environment,
    create_pm_token,
    free_port,
    machine,
    migrate,
    tail,
    uvicorn_server,
    wait_until_up,
)

AS_OF = dt.datetime(2025, 6, 13, 21, 0, tzinfo=dt.UTC)  # after the 2025-06-13 close
AS_OF_DATE = "2025-06-13"
SEED = 20251124
GOAL_SPEEDUP = 2.0  # the upgrade plan's Stage C
SETTINGS = ("demo", "http")


def sse_events(response: Any) -> Iterator[tuple[str, Any]]:
    name, data = "message", []
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].strip())
        elif not line and data:
            yield name, json.loads("\n".join(data))
            name, data = "message", []


class Desk:
    """A PM's client of one server: sequential analyses and watchlist runs."""

    def __init__(self, client: Any, agents: str | None) -> None:
        self.client = client
        self.params = {"as_of": AS_OF_DATE, **({"agents": agents} if agents else {})}

    def fail(self, what: str, response: Any) -> SystemExit:
        return SystemExit(f"{what} answered {response.status_code}: {response.text[:400]}")

    def sequential(self, tickers: list[str]) -> float:
        started = time.perf_counter()
        for ticker in tickers:
            response = self.client.post(f"/api/analyze/{ticker}", params=self.params)
            if response.status_code != 200:
                raise self.fail(f"POST /api/analyze/{ticker}", response)
        return time.perf_counter() - started

    def watchlist(self, name: str, tickers: list[str]) -> tuple[float, dict[str, Any]]:
        created = self.client.post("/api/watchlists", json={"name": name})
        if created.status_code != 200:
            raise self.fail("POST /api/watchlists", created)
        watchlist_id = created.json()["id"]
        for ticker in tickers:
            added = self.client.post(f"/api/watchlists/{watchlist_id}/tickers", json={"ticker": ticker})
            if added.status_code != 200:
                raise self.fail(f"adding {ticker}", added)
        started = time.perf_counter()
        done: dict[str, Any] | None = None
        errors: list[Any] = []
        with self.client.stream(
            "POST", f"/api/watchlists/{watchlist_id}/analyze", params=self.params
        ) as response:
            if response.status_code != 200:
                response.read()
                raise self.fail("the watchlist run", response)
            for event, data in sse_events(response):
                if event == "error":
                    errors.append(data)
                elif event == "done":
                    done = data
        elapsed = time.perf_counter() - started
        if done is None or errors or done["succeeded"] != len(tickers):
            raise SystemExit(f"watchlist run {name}: done={done} errors={errors[:3]}")
        return elapsed, done


@contextmanager
def replay_server(var_dir: Path, tickers: list[str], delay_ms: float) -> Iterator[str]:
    """Record the demo market's answers for `tickers` and serve them with a fixed delay."""
    from analysis.engine import HISTORY_DAYS, INDEX_TICKER
    from analysis.providers import DemoProvider
    from bench.replay import record

    data_path = var_dir / "replay.json"
    start = AS_OF.date() - dt.timedelta(days=HISTORY_DAYS)
    data_path.write_text(
        json.dumps(record(DemoProvider(), tickers, index=INDEX_TICKER, as_of=AS_OF, start=start))
    )
    port = free_port()
    log_path = var_dir / "replay.log"
    command = [
        sys.executable, str(HERE / "replay.py"), "serve",
        "--data", str(data_path), "--port", str(port), "--delay-ms", str(delay_ms),
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            try:
                wait_until_up(f"http://127.0.0.1:{port}/macro", process)
            except RuntimeError as exc:
                raise SystemExit(f"the replay server: {exc}\n{tail(log_path)}") from exc
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def bench_setting(
    setting: str, var_dir: Path, token: str, args: argparse.Namespace, ticker_sets: list[list[str]]
) -> dict[str, Any]:
    import httpx

    warm_up = ticker_sets[0]
    with contextmanager_for(setting, var_dir, [t for s in ticker_sets for t in s], args.delay_ms) as env:
        server_env = {**env, "WATCHLIST_CONCURRENCY": str(args.concurrency)}
        with (
            uvicorn_server(var_dir, env=server_env, log_name=f"uvicorn-{setting}.log") as base_url,
            httpx.Client(
                base_url=base_url, headers={"Authorization": f"Token {token}"}, timeout=300.0
            ) as client,
        ):
            desk = Desk(client, args.agents)
            # Untimed: the server's lazy start-up, the thread pools, the index model, first queries.
            desk.sequential(warm_up[:1])
            desk.watchlist(f"{setting} warm-up", warm_up[1:])
            rounds = []
            for number in range(args.rounds):
                sequential_set = ticker_sets[1 + 2 * number]
                watchlist_set = ticker_sets[2 + 2 * number]
                order = ("sequential", "watchlist") if number % 2 == 0 else ("watchlist", "sequential")
                times: dict[str, float] = {}
                for side in order:
                    if side == "sequential":
                        times[side] = desk.sequential(sequential_set)
                    else:
                        times[side], done = desk.watchlist(f"{setting} round {number + 1}", watchlist_set)
                rounds.append({**times, "speedup": times["sequential"] / times["watchlist"], "done": done})
    sequential = statistics.median(r["sequential"] for r in rounds)
    watchlist = statistics.median(r["watchlist"] for r in rounds)
    return {
        "setting": setting,
        "label": SETTING_LABELS[setting].format(delay_ms=args.delay_ms),
        "tickers": args.tickers,
        "concurrency": args.concurrency,
        "rounds": [
            {
                "sequential_s": round(r["sequential"], 3),
                "watchlist_s": round(r["watchlist"], 3),
                "speedup": round(r["speedup"], 2),
                "opportunities": len(r["done"]["opportunities"] or []),
            }
            for r in rounds
        ],
        "sequential_median_s": round(sequential, 3),
        "watchlist_median_s": round(watchlist, 3),
        "speedup": round(sequential / watchlist, 2),
    }


SETTING_LABELS = {
    "demo": "demo provider (in process, CPU-bound)",
    "http": (
        "HTTP replay of recorded demo data, fixed {delay_ms:g} ms per call "
        "(a local server, not an online source)"
    ),
}


@contextmanager
def contextmanager_for(
    setting: str, var_dir: Path, tickers: list[str], delay_ms: float
) -> Iterator[dict[str, str]]:
    """The server environment of a setting, with whatever it needs running."""
    if setting == "demo":
        yield {"MARKET_DATA_PROVIDER": "demo"}
        return
    with replay_server(var_dir, tickers, delay_ms) as url:
        yield {
            "MARKET_DATA_PROVIDER": "bench.replay:ReplayProvider",
            "MARKET_DATA_PROVIDER_OPTIONS": json.dumps({"base_url": url}),
        }


def print_report(figures: dict[str, Any]) -> None:
    info = figures["machine"]
    print(
        f"pmresearch watchlist benchmark  {info['date']}  Python {info['python']}  "
        f"CPUs {info['cpu_count']} (usable {info['usable_cpus']})  {info['platform']}"
    )
    print(
        f"as_of {AS_OF_DATE}, agents {figures['agents'] or 'all seven'}, contract on, ranking on, "
        f"{figures['tickers']} tickers per side, new to the server each round"
    )
    for result in figures["results"]:
        print()
        print(f"{result['setting']}: {result['label']}")
        print(f"  {'round':<7} {'sequential s':>13} {'watchlist s':>12} {'speed-up':>9}")
        for number, row in enumerate(result["rounds"], start=1):
            sequential, watchlist, speedup = row["sequential_s"], row["watchlist_s"], row["speedup"]
            print(f"  {number:<7} {sequential:>13.3f} {watchlist:>12.3f} {speedup:>8.2f}x")
        verdict = "met" if result["speedup"] >= GOAL_SPEEDUP else "NOT met"
        print(
            f"  median: sequential {result['sequential_median_s']:.3f} s, watchlist (concurrency "
            f"{result['concurrency']}) {result['watchlist_median_s']:.3f} s, "
            f"speed-up {result['speedup']:.2f}x (goal {GOAL_SPEEDUP:g}x: {verdict})"
        )
    print(f"\nwall time of the whole benchmark: {figures['wall_s']:.1f} s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickers", type=int, default=20, help="tickers per side and round (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per setting (default 3)")
    parser.add_argument("--concurrency", type=int, default=4, help="WATCHLIST_CONCURRENCY (default 4)")
    parser.add_argument("--delay-ms", type=float, default=50.0, help="the replay server's delay per call")
    parser.add_argument("--settings", default=",".join(SETTINGS), help="demo, http or both (default)")
    parser.add_argument("--agents", default=None, help="an agents filter for both sides (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    args.settings = [s.strip() for s in args.settings.split(",") if s.strip()]
    unknown = sorted(set(args.settings) - set(SETTINGS))
    if unknown or not args.settings:
        parser.error(f"--settings takes demo and/or http, not {', '.join(unknown) or 'nothing'}")
    if args.tickers < 2 or args.rounds < 1 or args.concurrency < 1:
        parser.error("--tickers must be at least 2, --rounds and --concurrency at least 1")
    if args.delay_ms < 0:
        parser.error("--delay-ms cannot be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="pmresearch-bench-watchlist-"))
    try:
        configure_environment(var_dir, WATCHLIST_RANKING_ENABLED="true", LOG_LEVEL="WARNING")
        import django

        django.setup()
        migrate()
        token = create_pm_token()
        from django.db import connections

        connections.close_all()  # the servers are the only database users from here on
        figures: dict[str, Any] = {"machine": machine(), "agents": args.agents, "tickers": args.tickers}
        # Per setting: one warm-up set, then two sets per round; every set new to its server.
        per_setting = 1 + 2 * args.rounds
        symbols = bench_tickers(per_setting * args.tickers * len(args.settings), seed=SEED)
        figures["results"] = []
        for index, setting in enumerate(args.settings):
            mine = symbols[index * per_setting * args.tickers : (index + 1) * per_setting * args.tickers]
            sets = [mine[i * args.tickers : (i + 1) * args.tickers] for i in range(per_setting)]
            figures["results"].append(bench_setting(setting, var_dir, token, args, sets))
        figures["wall_s"] = round(time.perf_counter() - started, 2)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
