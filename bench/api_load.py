"""Throughput of the read API under load, as a share of the machine's ceiling.

Run from the repository root:

    .venv/bin/python bench/api_load.py [--seconds S] [--concurrency C] [--workers W]
                                       [--tickers T] [--per-ticker N] [--json]
                                       [--postgres URL --redis URL]

It builds its own database (a temporary SQLite file; with `--postgres postgres://.../db`, a fresh
database on that server, dropped afterwards, and `--redis redis://...` for the broker),
seeds T tickers × N analyses copied and perturbed from real demo-provider analyses, plus
holdings, watchlists and alert rules, and serves it with uvicorn (`--workers W`). A keep-alive
httpx.AsyncClient at concurrency C then loads each route for S seconds, and in the same run a
bare ASGI app (`bench/asgi_hello.py`) under the same uvicorn settings gives the ceiling (read
before and after the routes, the mean used, both printed with the load average). Every
route's rps and p99 are printed beside that ceiling and the earlier system's ratios. It prints
figures and never judges them; it stops only when a route answers anything but 200.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

HERE = Path(__file__).resolve().parent
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
    wait_until_up,
)

SEED = 20261202
TEMPLATE_TICKERS = ("AAPL", "MSFT", "NVDA", "XOM")
#: route label → (path, the earlier system's rps and p99 as ratios to its ceiling of 5,806 rps).
ROUTES: dict[str, tuple[str, float, float]] = {
    "health": ("/health", 0.21, 20),
    "latest": ("/api/analysis/AAPL/latest", 0.019, 178),
    "history/detailed": ("/api/analysis/AAPL/history/detailed", 0.017, 191),
    "watchlists": ("/api/watchlists", 0.20, 17),
    "rollout status": ("/api/rollout/phase7/status?window_hours=72", 0.048, 68),
}
EARLIER_CEILING_RPS = 5806.0
#: Goals on one process: a multiple of the earlier system's ratio to the ceiling.
GOAL_MULTIPLE = {
    "health": 1.0,
    "watchlists": 1.0,
    "latest": 1.5,
    "history/detailed": 1.5,
    "rollout status": 1.5,
}


# --- the database -------------------------------------------------------------------------


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh database beside the one DATABASE_URL names; dropped however the block ends."""
    import psycopg

    parsed = urlparse(base_url)
    name = f"pmresearch_bench_{os.getpid()}"
    admin = psycopg.connect(urlunparse(parsed._replace(path="/postgres")), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def seed(tickers: list[str], per_ticker: int) -> dict[str, int]:
    """Real analyses of a few tickers, then copies of them (ticker swapped, time and score moved)."""
    from django.utils import timezone

    from analysis.models import AgentResult, Analysis
    from calibration.models import AnalysisOutcome
    from orchestration.analysis import run_analysis
    from tests.factories import (
        AlertRuleFactory,
        PortfolioHoldingFactory,
        WatchlistFactory,
        WatchlistTickerFactory,
    )

    templates = []
    for symbol in TEMPLATE_TICKERS:
        stored = run_analysis(ticker=symbol, as_of="2025-06-13")
        templates.append(
            (
                stored,
                list(stored.agent_results.all()),
                list(AnalysisOutcome.objects.filter(analysis=stored)),
            )
        )
    Analysis.objects.all().delete()  # the copies below replace the originals, AAPL included
    now = timezone.now()
    fields = [f.name for f in Analysis._meta.concrete_fields if f.name not in ("id",)]
    for t_index, symbol in enumerate(tickers):
        rows, agents, outcomes = [], [], []
        for n in range(per_ticker):
            template, template_agents, template_outcomes = templates[(t_index + n) % len(templates)]
            values = {name: getattr(template, name) for name in fields}
            for name in ("analysis_payload", "signal_contract_v2", "decision_card", "change_summary"):
                if values[name] is not None:
                    values[name] = json.loads(json.dumps(values[name]).replace(template.ticker, symbol))
            moment = now - dt.timedelta(hours=6 * n + 1)
            # One in ten is a replay as of an earlier session: evidence, never the current call.
            backdated = n % 10 == 9
            values.update(
                ticker=symbol,
                timestamp=moment,
                as_of=moment - dt.timedelta(days=30) if backdated else moment,
                backdated=backdated,
                run_kind="replay" if backdated else "interactive",
                score=round((template.score or 0) + (n % 7) - 3, 2),
            )
            rows.append((Analysis(**values), template_agents, template_outcomes))
        created = Analysis.objects.bulk_create([row for row, _, _ in rows])
        for analysis, (_, template_agents, template_outcomes) in zip(created, rows, strict=True):
            for agent in template_agents:
                agents.append(
                    AgentResult(
                        analysis=analysis,
                        agent_type=agent.agent_type,
                        success=agent.success,
                        data=agent.data,
                        error=agent.error,
                        duration_seconds=agent.duration_seconds,
                    )
                )
            for outcome in template_outcomes:
                copy = {f.attname: getattr(outcome, f.attname) for f in AnalysisOutcome._meta.concrete_fields}
                copy.pop("id")
                copy.update(analysis_id=analysis.id, ticker=symbol)
                outcomes.append(AnalysisOutcome(**copy))
        AgentResult.objects.bulk_create(agents)
        AnalysisOutcome.objects.bulk_create(outcomes)
    for symbol in tickers[:20]:
        PortfolioHoldingFactory(ticker=symbol)
    for index in range(5):
        watchlist = WatchlistFactory(name=f"Desk list {index}")
        for symbol in tickers[index * 10 : index * 10 + 10]:
            WatchlistTickerFactory(watchlist=watchlist, ticker=symbol)
    for symbol in tickers[:25]:
        AlertRuleFactory(ticker=symbol)
    return {
        "analyses": Analysis.objects.count(),
        "agent_results": AgentResult.objects.count(),
        "outcomes": AnalysisOutcome.objects.count(),
    }


# --- the servers ----------------------------------------------------------------------


@contextmanager
def server(var_dir: Path, app: str, *, workers: int, probe: str, log_name: str) -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log", "--workers", str(workers),
    ]  # fmt: skip
    log_path = var_dir / log_name
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command, cwd=REPO_ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_up(base_url + probe, process)
            except RuntimeError as exc:
                raise SystemExit(f"{exc}\n--- uvicorn output ---\n{tail(log_path)}") from exc
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the load -------------------------------------------------------------------------


async def load(url: str, *, seconds: float, concurrency: int, headers: dict[str, str]) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30.0) as client:
        # Warm every connection and the route's caches before the clock starts.
        for response in await asyncio.gather(*(client.get(url) for _ in range(concurrency))):
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")
        deadline = time.perf_counter() + seconds

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000.0)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p99_ms": p99}


def print_report(figures: dict[str, Any]) -> None:
    ceiling = figures["ceiling"]
    print(
        f"\napi_load: {figures['database']}, {figures['workers']} uvicorn worker(s), concurrency "
        f"{figures['concurrency']}, {figures['seconds']:.0f} s per route; seeded {figures['seeded']}"
    )
    readings = ", ".join(f"{reading['rps']:.0f}" for reading in figures.get("ceiling_readings", []))
    print(
        f"ceiling (bare ASGI, mean of the readings before and after the routes: {readings} rps): "
        f"{ceiling['rps']:.0f} rps, p99 {ceiling['p99_ms']:.1f} ms"
    )
    # The earlier run recorded its ceiling's rps, not its p99: a p99 is made machine-neutral as
    # p99 × ceiling rps (how many ceiling requests fit in it); lower is better.
    print("p99 in ceiling units = p99 × ceiling rps (lower is better)\n")
    print(
        "| route | rps | p99 ms | rps/ceiling | earlier | goal | p99 in ceiling units | earlier |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for label, result in figures["routes"].items():
        _, earlier_ratio, earlier_p99 = ROUTES[label]
        ratio = result["rps"] / ceiling["rps"]
        goal = earlier_ratio * GOAL_MULTIPLE[label]
        mark = "met" if ratio >= goal else "not met"
        print(
            f"| {label} | {result['rps']:.0f} | {result['p99_ms']:.1f} | {ratio:.3f} | {earlier_ratio:.3f} | "
            f"{goal:.3f} ({mark}) | {result['p99_ms'] * ceiling['rps'] / 1000:.0f} | "
            f"{earlier_p99 * EARLIER_CEILING_RPS / 1000:.0f} |"
        )
    print(f"\nmachine: {figures['machine']}")
    loads = (figures.get("load_average_before"), figures.get("load_average_after"))
    print(f"load average (1, 5, 15 min) before and after: {loads[0]} / {loads[1]}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="load per route (default 10)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--tickers", type=int, default=50)
    parser.add_argument("--per-ticker", type=int, default=100)
    parser.add_argument("--routes", default=",".join(ROUTES), help="comma-separated labels")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default="",
        help="a PostgreSQL server URL (a fresh database is made on it)",
    )
    parser.add_argument("--redis", metavar="URL", default="", help="a Redis URL, with --postgres")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    labels = [label.strip() for label in args.routes.split(",") if label.strip()]
    unknown = [label for label in labels if label not in ROUTES]
    if unknown:
        raise SystemExit(f"unknown routes {unknown}; choose from {list(ROUTES)}")
    if args.postgres and not (args.postgres.startswith("postgres") and args.redis):
        raise SystemExit("--postgres needs a postgres:// URL and --redis a redis:// URL")
    var_dir = Path(tempfile.mkdtemp(prefix="pmresearch-api-load-"))
    try:
        with contextmanager_for(args.postgres)() as database_url:
            extra = {"DATABASE_URL": database_url, "REDIS_URL": args.redis} if args.postgres else {}
            configure_environment(var_dir, **extra)
            import django

            django.setup()
            migrate()
            tickers = [*bench_tickers(args.tickers - 1, seed=SEED, exclude={"AAPL"}), "AAPL"]
            seeded = seed(tickers, args.per_ticker)
            headers = {"Authorization": f"Token {create_pm_token()}"}
            from django.db import connections

            connections.close_all()
            figures: dict[str, Any] = {
                "database": "PostgreSQL + Redis" if args.postgres else "SQLite (embedded)",
                "workers": args.workers,
                "concurrency": args.concurrency,
                "seconds": args.seconds,
                "seeded": seeded,
                "routes": {},
                "machine": machine(),
            }
            run = lambda url: asyncio.run(  # noqa: E731
                load(url, seconds=args.seconds, concurrency=args.concurrency, headers=headers)
            )
            figures["load_average_before"] = os.getloadavg()
            hello = lambda: server(  # noqa: E731
                var_dir, "bench.asgi_hello:app", workers=args.workers, probe="/", log_name="hello.log"
            )
            with hello() as url:
                before = run(url + "/")
            with server(
                var_dir,
                "pmresearch.asgi:application",
                workers=args.workers,
                probe="/health",
                log_name="app.log",
            ) as url:
                for label in labels:
                    figures["routes"][label] = run(url + ROUTES[label][0])
            # The ceiling again after the routes: on a machine shared with other work, the load
            # moves during a run, and the two readings show by how much.
            with hello() as url:
                after = run(url + "/")
            figures["load_average_after"] = os.getloadavg()
            figures["ceiling_readings"] = [before, after]
            figures["ceiling"] = {
                "rps": (before["rps"] + after["rps"]) / 2,
                "p99_ms": (before["p99_ms"] + after["p99_ms"]) / 2,
            }
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=2, default=str))
    else:
        print_report(figures)
    return 0


def contextmanager_for(postgres: str) -> Any:
    if postgres:
        return lambda: postgres_database(postgres)

    @contextmanager
    def sqlite() -> Iterator[str]:
        yield ""

    return sqlite


if __name__ == "__main__":
    sys.exit(main())
