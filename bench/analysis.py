"""Latency of one full analysis: the engine, the service, and POST /api/analyze over uvicorn.

Run from the repository root:

    .venv/bin/python bench/analysis.py [--tickers N] [--repeat R] [--json]
                                       [--service-tickers M] [--skip-api] [--profile]

Everything runs on the demo provider (deterministic, offline) against a throw-away
PMRESEARCH_VAR_DIR and SQLite database in a temporary directory, so the developer's
database is never touched. It prints figures and never judges them: no timing is asserted.
Only failures (an agent that did not answer, a non-200 response) stop it.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
# Run as a script, this folder leads sys.path and this file is called `analysis` like the app:
# drop the folder, so that `import analysis` is the app, and put the repository root first.
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from bench.harness import (  # noqa: E402 - after the path fix above
    REPO_ROOT,
    bench_tickers,
    configure_environment,
    create_pm_token,
    machine,
    migrate,
    summary,
    tail,
    timed_ms,
    uvicorn_server,
)

AS_OF = dt.datetime(2025, 6, 13, 21, 0, tzinfo=dt.UTC)  # after the 2025-06-13 close
AS_OF_DATE = "2025-06-13"  # what the API and the service are given (end of that New York day)
ENGINE_GOAL_MS = 50.0
MIN_ENGINE_TICKERS = 50  # what the figures are quoted over; fewer is allowed for a quick look
MIN_SERVICE_TICKERS = 20
SEED = 20250613
# Untimed first runs (process, database, server start-up) use tickers outside the timed sets.
WARM_UP = {"engine": "ZZZZ", "service": "ZZZY", "api": "ZZZX"}


# --- 1. the engine -------------------------------------------------------------------


def engine_call(ticker: str, provider: Any) -> Callable[[], Any]:
    from analysis.engine import EngineRequest, run_engine

    request = EngineRequest(ticker=ticker, as_of=AS_OF, contract_enabled=True)
    return lambda: run_engine(request, provider=provider)


def check_engine_result(result: Any) -> None:
    from analysis.agents import AGENT_NAMES

    failed = {name: out.error for name, out in result.agent_outputs.items() if not out.success}
    if tuple(result.agent_outputs) != AGENT_NAMES or failed:
        raise SystemExit(f"{result.ticker}: not a full analysis (failed agents: {failed})")
    if result.analysis["analysis_schema_version"] != "v2":
        raise SystemExit(f"{result.ticker}: the signal contract was not built")


def bench_engine(tickers: list[str], repeat: int) -> dict[str, Any]:
    """Cold: each ticker's first analysis in this process; warm: the `repeat` analyses after it."""
    from analysis.engine import HISTORY_DAYS, load_prices
    from analysis.providers import DemoProvider

    provider = DemoProvider()
    # One untimed analysis of a ticker outside the set pays the once-per-process costs
    # (the index model, the thread pool's threads, lazy imports), reported on its own.
    first_ms, result = timed_ms(engine_call(WARM_UP["engine"], provider))
    check_engine_result(result)
    cold: list[float] = []
    warm: list[float] = []
    for ticker in tickers:
        call = engine_call(ticker, provider)
        elapsed, result = timed_ms(call)
        check_engine_result(result)
        cold.append(elapsed)
        for _ in range(repeat):
            elapsed, result = timed_ms(call)
            check_engine_result(result)
            warm.append(elapsed)
    return {
        "tickers": len(tickers),
        "history_days": HISTORY_DAYS,
        "daily_bars": len(load_prices(provider, tickers[0], AS_OF)),
        "first_in_process_ms": round(first_ms, 3),
        "cold": summary(cold),
        "warm": summary(warm),
    }


class InlineExecutor:
    """Runs what is submitted at once, in the caller's thread, so that cProfile sees the agents."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def profile_engine(tickers: list[str], top: int = 12) -> dict[str, Any]:
    """The engine with its agents run inline, not in the thread pool: timed, then under cProfile.

    cProfile only sees the thread it runs in, hence inline. `tickers` are already warm.
    """
    from analysis.agents import parallel
    from analysis.providers import DemoProvider

    provider = DemoProvider()
    calls = [engine_call(ticker, provider) for ticker in tickers]
    for call in calls:
        call()  # warm, whoever ran before
    pooled = [timed_ms(call)[0] for call in calls]
    with mock.patch.object(parallel, "_POOL", InlineExecutor()):
        inline = [timed_ms(call)[0] for call in calls]
        profiler = cProfile.Profile()
        runs = 10
        profiler.enable()
        for _ in range(runs):
            calls[0]()
        profiler.disable()
    rows = []
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (filename, line, name), (_, calls_count, tottime, cumtime, _) in raw.items():
        if Path(filename).resolve() == Path(__file__).resolve():
            continue  # this script's own wrappers
        rows.append(
            {
                "function": f"{_short_path(filename)}:{line}({name})",
                "calls_per_run": calls_count / runs,
                "tottime_ms_per_run": round(tottime * 1000 / runs, 3),
                "cumtime_ms_per_run": round(cumtime * 1000 / runs, 3),
            }
        )
    return {
        "ticker": tickers[0],
        "pooled_warm": summary(pooled),
        "inline_warm": summary(inline),
        "by_cumulative": sorted(rows, key=lambda r: -r["cumtime_ms_per_run"])[:top],
        "by_own_time": sorted(rows, key=lambda r: -r["tottime_ms_per_run"])[:top],
    }


def _short_path(filename: str) -> str:
    for root in (str(REPO_ROOT) + os.sep, sys.prefix + os.sep, sys.base_prefix + os.sep):
        if filename.startswith(root):
            return filename[len(root) :]
    return filename


# --- 2. the service ------------------------------------------------------------------


# The steps of run_analysis, as orchestration.analysis names them (create_outcome_rows runs inside
# persist_analysis; position_view runs once before the engine and once in create_outcome_rows).
SERVICE_STEPS = (
    "parse_analysis_request",
    "flag_posture",
    "previous_analysis",
    "position_view",
    "reliability_bin_rows",
    "run_engine",
    "persist_analysis",
    "create_outcome_rows",
    "cache_market_data",
)


@contextmanager
def step_timer(module: Any, names: tuple[str, ...]) -> Iterator[dict[str, float]]:
    """Wrap `module.<name>` for each name, summing its wall time in ms (about 1 µs overhead per call)."""
    totals = dict.fromkeys(names, 0.0)

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[name] += (time.perf_counter() - started) * 1000.0

        return timed

    patches = [mock.patch.object(module, name, wrap(name, getattr(module, name))) for name in names]
    for patch in patches:
        patch.start()
    try:
        yield totals
    finally:
        for patch in reversed(patches):
            patch.stop()


def _shares(totals: dict[str, float], whole_ms: float) -> dict[str, dict[str, float]]:
    return {
        name: {"ms_per_run": round(ms / runs, 3), "share": round(ms / whole_ms, 4)}
        for name, (ms, runs) in totals.items()
    }


def bench_service(tickers: list[str]) -> dict[str, Any]:
    """run_analysis twice per ticker: first (new to the provider and the database), then again.

    Also where the time goes, step by step (the steps' own timers wrap the calls being timed).
    """
    from orchestration import analysis as services

    def run(ticker: str) -> Callable[[], Any]:
        return lambda: services.run_analysis(ticker=ticker, as_of=AS_OF_DATE)

    def check(analysis: Any) -> None:
        results = list(analysis.agent_results.all())
        if len(results) != 7 or not all(r.success for r in results):
            raise SystemExit(f"{analysis.ticker}: the service stored an incomplete analysis")
        if analysis.analysis_schema_version != "v2":
            raise SystemExit(f"{analysis.ticker}: the service ran without the signal contract")

    check(run(WARM_UP["service"])())  # untimed: first queries, first writes
    first: list[float] = []
    again: list[float] = []
    steps = {"first": dict.fromkeys(SERVICE_STEPS, 0.0), "again": dict.fromkeys(SERVICE_STEPS, 0.0)}
    with step_timer(services, SERVICE_STEPS) as totals:
        for ticker in tickers:
            for label, samples in (("first", first), ("again", again)):
                before = dict(totals)
                elapsed, analysis = timed_ms(run(ticker))
                samples.append(elapsed)
                for name in SERVICE_STEPS:
                    steps[label][name] += totals[name] - before[name]
                check(analysis)
    n = len(tickers)
    return {
        "tickers": n,
        "first": summary(first),
        "again": summary(again),
        "steps_first": _shares({k: (v, n) for k, v in steps["first"].items()}, sum(first)),
        "steps_again": _shares({k: (v, n) for k, v in steps["again"].items()}, sum(again)),
    }


# --- 3. end to end: POST /api/analyze over uvicorn -----------------------------------


def bench_api(tickers: list[str], var_dir: Path) -> dict[str, Any]:
    """POST /api/analyze/{ticker}?as_of=... twice per ticker over one kept-alive connection."""
    import httpx
    from django.db import connections

    key = create_pm_token()
    connections.close_all()  # the server is the only one using the database from here on
    first: list[float] = []
    again: list[float] = []
    with (
        uvicorn_server(var_dir) as base_url,
        httpx.Client(base_url=base_url, headers={"Authorization": f"Token {key}"}, timeout=60.0) as client,
    ):

        def post(ticker: str) -> float:
            elapsed, response = timed_ms(lambda: client.post(f"/api/analyze/{ticker}?as_of={AS_OF_DATE}"))
            if response.status_code != 200:
                raise SystemExit(
                    f"POST /api/analyze/{ticker} answered {response.status_code}: {response.text[:500]}\n"
                    f"--- uvicorn output ---\n{tail(var_dir / 'uvicorn.log')}"
                )
            body = response.json()
            agents = body.get("agent_results") or {}
            if (
                body.get("ticker") != ticker
                or len(agents) != 7
                or not all(a["success"] for a in agents.values())
            ):
                raise SystemExit(f"POST /api/analyze/{ticker}: not a full analysis: {response.text[:500]}")
            return elapsed

        first_request_ms = post(WARM_UP["api"])  # untimed in the figures: the server's lazy start-up
        for ticker in tickers:
            first.append(post(ticker))
            again.append(post(ticker))
    return {
        "tickers": len(tickers),
        "first_request_ms": round(first_request_ms, 3),
        "first": summary(first),
        "again": summary(again),
    }


# --- report --------------------------------------------------------------------------


def print_report(figures: dict[str, Any]) -> None:
    info = figures["machine"]
    print(
        f"pmresearch analysis benchmark  {info['date']}  Python {info['python']}  "
        f"CPUs {info['cpu_count']} (usable {info['usable_cpus']})  {info['platform']}"
    )
    engine = figures["engine"]
    print(
        f"as_of {AS_OF.isoformat()}, demo provider, 7 agents, contract on, "
        f"{engine['history_days']} calendar days ({engine['daily_bars']} daily bars) of history; "
        "all times in ms"
    )
    print()
    header = f"{'measure':<44} {'n':>4} {'median':>9} {'p95':>9} {'min':>9} {'max':>9}"
    print(header)
    print("-" * len(header))
    rows = [
        ("engine run_engine, cold (1st of a ticker)", engine["cold"]),
        ("engine run_engine, warm (repeat of a ticker)", engine["warm"]),
    ]
    if "service" in figures:
        rows += [
            ("service run_analysis, new ticker", figures["service"]["first"]),
            ("service run_analysis, same ticker again", figures["service"]["again"]),
        ]
    if "api" in figures:
        rows += [
            ("POST /api/analyze, new ticker", figures["api"]["first"]),
            ("POST /api/analyze, same ticker again", figures["api"]["again"]),
        ]
    if "profile" in figures:
        rows += [
            ("engine warm, agents in the thread pool", figures["profile"]["pooled_warm"]),
            ("engine warm, agents inline (no pool)", figures["profile"]["inline_warm"]),
        ]
    for label, s in rows:
        print(
            f"{label:<44} {s['n']:>4} {s['median_ms']:>9.2f} {s['p95_ms']:>9.2f} "
            f"{s['min_ms']:>9.2f} {s['max_ms']:>9.2f}"
        )
    print()
    notes = [f"first engine run in the process (untimed above): {engine['first_in_process_ms']:.1f}"]
    if "api" in figures:
        notes.append(
            f"first request to a fresh server (untimed above): {figures['api']['first_request_ms']:.1f}"
        )
    if "setup" in figures:
        notes.append(f"migrate on a fresh SQLite database: {figures['setup']['migrate_ms']:.0f}")
    for note in notes:
        print(f"  {note}")
    cold, warm = engine["cold"]["median_ms"], engine["warm"]["median_ms"]
    verdict = "under" if max(cold, warm) < ENGINE_GOAL_MS else "NOT under"
    print(f"  goal, engine median under {ENGINE_GOAL_MS:.0f} ms: cold {cold:.1f}, warm {warm:.1f}: {verdict}")
    service_tickers = figures.get("service", {}).get("tickers", MIN_SERVICE_TICKERS)
    if engine["tickers"] < MIN_ENGINE_TICKERS or service_tickers < MIN_SERVICE_TICKERS:
        print(
            f"  note: fewer tickers than the quoted figures use ({MIN_ENGINE_TICKERS} engine, "
            f"{MIN_SERVICE_TICKERS} service/API)"
        )
    if "service" in figures:
        service = figures["service"]
        print()
        print("run_analysis step by step, mean ms per run (share of the run):")
        print(f"  {'step':<26} {'new ticker':>18} {'same ticker again':>18}")
        for name in SERVICE_STEPS:
            a, b = service["steps_first"][name], service["steps_again"][name]
            print(
                f"  {name:<26} {a['ms_per_run']:>8.2f} ({a['share']:>6.1%}) "
                f"{b['ms_per_run']:>8.2f} ({b['share']:>6.1%})"
            )
    if "profile" in figures:
        profile = figures["profile"]
        print()
        print(f"cProfile of one warm analysis of {profile['ticker']} (agents inline), ms per analysis:")
        print(f"  {'cumulative':>10} {'own':>8} {'calls':>7}  function")
        for row in profile["by_cumulative"]:
            print(
                f"  {row['cumtime_ms_per_run']:>10.2f} {row['tottime_ms_per_run']:>8.2f} "
                f"{row['calls_per_run']:>7.0f}  {row['function']}"
            )
        print("  by own time:")
        for row in profile["by_own_time"][:8]:
            print(
                f"  {row['cumtime_ms_per_run']:>10.2f} {row['tottime_ms_per_run']:>8.2f} "
                f"{row['calls_per_run']:>7.0f}  {row['function']}"
            )
    print(f"\nwall time of the whole benchmark: {figures['wall_s']:.1f} s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tickers", type=int, default=50, help="distinct tickers for the engine benchmark (default 50)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="warm engine analyses per ticker after the cold one (default 3)"
    )
    parser.add_argument(
        "--service-tickers",
        type=int,
        default=30,
        help="tickers for the service and for the API benchmark (default 30, at least 20 for the figures)",
    )
    parser.add_argument("--skip-api", action="store_true", help="do not start uvicorn")
    parser.add_argument("--profile", action="store_true", help="also cProfile warm engine analyses")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    if args.tickers < 1 or args.repeat < 1 or args.service_tickers < 1:
        parser.error("--tickers, --repeat and --service-tickers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="pmresearch-bench-"))
    try:
        configure_environment(var_dir)
        import django

        django.setup()
        # Separate tickers per section, so "new ticker" is new to the provider and the database.
        symbols = bench_tickers(
            args.tickers + 2 * args.service_tickers, seed=SEED, exclude=set(WARM_UP.values())
        )
        engine_set = symbols[: args.tickers]
        service_set = symbols[args.tickers : args.tickers + args.service_tickers]
        api_set = symbols[args.tickers + args.service_tickers :]

        figures: dict[str, Any] = {"machine": machine(), "as_of": AS_OF.isoformat(), "provider": "demo"}
        figures["engine"] = bench_engine(engine_set, args.repeat)
        if args.profile:
            figures["profile"] = profile_engine(engine_set)
        figures["setup"] = {"migrate_ms": round(migrate(), 1)}
        figures["service"] = bench_service(service_set)
        if not args.skip_api:
            figures["api"] = bench_api(api_set, var_dir)
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
