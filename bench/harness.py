"""What the benchmarks share: a throw-away environment, symbols, statistics, a uvicorn server.

Imported by the scripts in this folder once they have put the repository root on `sys.path`.
Nothing here judges a figure; the scripts print them.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def configure_environment(var_dir: Path, **extra: str) -> Path:
    """Point Django at `var_dir` before it is imported; overrides any developer `.env` value."""
    database = var_dir / "bench.db"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "pmresearch.settings",
            "PMRESEARCH_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{database}",
            "MARKET_DATA_PROVIDER": "demo",
            "REDIS_URL": "",
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",  # run_analysis logs one INFO line per run
            # The benchmarks run the engine as a rolled-out deployment does: contract on.
            "SIGNAL_CONTRACT_V2_ENABLED": "true",
            **extra,
        }
    )
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return database


def bench_tickers(count: int, *, seed: int, exclude: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """`count` distinct, valid, deterministic 3-4 letter symbols (never the index fund)."""
    generator = random.Random(seed)  # noqa: S311 - reproducible names, not secrets
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    seen: set[str] = {"SPY", *exclude}
    symbols: list[str] = []
    while len(symbols) < count:
        symbol = "".join(generator.choices(letters, k=generator.choice((3, 4))))
        if symbol not in seen:
            seen.add(symbol)
            symbols.append(symbol)
    return symbols


def summary(samples_ms: list[float]) -> dict[str, float | int]:
    """n, median, p95 (linear interpolation between order statistics), min and max, in ms."""
    ordered = sorted(samples_ms)
    p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94] if len(ordered) > 1 else ordered[0]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "min_ms": round(ordered[0], 3),
        "max_ms": round(ordered[-1], 3),
    }


def timed_ms(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000.0, result


def migrate() -> float:
    from django.core.management import call_command

    elapsed, _ = timed_ms(lambda: call_command("migrate", interactive=False, verbosity=0))
    return elapsed


def create_pm_token(username: str = "bench-pm") -> str:
    from django.contrib.auth import get_user_model
    from knox.models import AuthToken

    from accounts.roles import Role
    from accounts.services import grant_role

    user = get_user_model().objects.create_user(username=username, password=None)
    grant_role(user=user, role=Role.PM)
    _, key = AuthToken.objects.create(user=user)
    return key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_server(
    var_dir: Path, *, env: dict[str, str] | None = None, log_name: str = "uvicorn.log"
) -> Iterator[str]:
    """uvicorn (as in production) over the benchmark database; stopped however the block ends."""
    port = free_port()
    log_path = var_dir / log_name
    command = [
        sys.executable, "-m", "uvicorn", "pmresearch.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            try:
                wait_until_up(f"{base_url}/health", process)
            except RuntimeError as exc:
                raise SystemExit(f"{exc}\n--- uvicorn output ---\n{tail(log_path)}") from exc
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - local http
                return
        except urllib.error.HTTPError:
            return  # it answers, even if degraded
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on {url} within {timeout:.0f} s")


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def machine() -> dict[str, Any]:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
    }
