"""An engine run in a worker process is the run in process; a dead worker or server leaves nothing behind."""

from __future__ import annotations

import copy
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis import engine_pool
from analysis.engine import HISTORY_DAYS, EngineRequest, run_engine
from analysis.engine_pool import EngineWorkersFailed, run_engine_in_worker, worker_pool
from analysis.market_context import load_market_context, with_market_context
from analysis.market_data import MarketDataError, UnknownTicker
from analysis.providers import DemoProvider, provider_spec
from tests.live_server import REPO_ROOT, subprocess_env

AS_OF = dt.datetime(2025, 6, 13, 23, 0, tzinfo=dt.UTC)
SIZE = 2


@pytest.fixture(scope="module", autouse=True)
def pool() -> Iterator[None]:
    """One pool for the module (a spawn costs a second or two); stopped so no worker outlives the tests."""
    worker_pool(SIZE)
    yield
    engine_pool.shutdown()


def _worker_pids() -> list[int]:
    return list(worker_pool(SIZE)._processes)


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie nobody has reaped yet (what init inherits)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return state.split()[1] in ("Z", "X")


def _wait_until_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in pids if not _gone(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _comparable(result: Any) -> dict[str, Any]:
    analysis = copy.deepcopy(result.analysis)
    analysis["diagnostics"].pop("agent_latencies_s")
    return analysis


def _assert_same_run(got: Any, expected: Any) -> None:
    assert _comparable(got) == _comparable(expected)
    assert {n: (o.success, o.direction, o.data) for n, o in got.agent_outputs.items()} == {
        n: (o.success, o.direction, o.data) for n, o in expected.agent_outputs.items()
    }
    assert (got.ticker, got.as_of, got.reference_price, got.last_bar_date) == (
        expected.ticker,
        expected.as_of,
        expected.reference_price,
        expected.last_bar_date,
    )
    assert (got.reasoning_trace, got.sentiment_factors, got.predicted_up_probability) == (
        expected.reasoning_trace,
        expected.sentiment_factors,
        expected.predicted_up_probability,
    )
    assert (got.data_source, got.is_demo) == (expected.data_source, expected.is_demo)


def test_a_worker_run_is_the_run_in_process() -> None:
    request = EngineRequest(ticker="AAPL", as_of=AS_OF, contract_enabled=True)
    in_worker = run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)
    _assert_same_run(in_worker, run_engine(request, provider=DemoProvider()))


def test_a_worker_run_with_a_market_context_is_the_run_in_process() -> None:
    context = load_market_context(
        DemoProvider(), as_of=AS_OF, index_start=AS_OF.date() - dt.timedelta(days=HISTORY_DAYS)
    )
    for ticker in ("MSFT", "SPY"):
        request = EngineRequest(ticker=ticker, as_of=AS_OF, contract_enabled=True)
        in_worker = run_engine_in_worker(request, spec=provider_spec("demo"), context=context, size=SIZE)
        _assert_same_run(in_worker, run_engine(request, provider=DemoProvider()))
        _assert_same_run(
            in_worker, run_engine(request, provider=with_market_context(DemoProvider(), context))
        )


def test_the_workers_are_kept_between_runs() -> None:
    pids = _worker_pids()
    assert len(pids) == SIZE
    request = EngineRequest(ticker="AAPL", as_of=AS_OF, agents=("market", "technical"))
    for _ in range(3):
        run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)
    assert _worker_pids() == pids


def test_a_date_before_the_demo_market_reaches_the_caller_as_market_data_error() -> None:
    request = EngineRequest(ticker="AAPL", as_of=dt.datetime(2009, 6, 1, 21, 0, tzinfo=dt.UTC))
    with pytest.raises(MarketDataError, match=r"^No daily prices for AAPL on or before 2009-06-01\.$"):
        run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)


def test_an_unknown_ticker_reaches_the_caller_as_unknown_ticker() -> None:
    request = EngineRequest(ticker="NOT A TICKER", as_of=AS_OF)
    with pytest.raises(UnknownTicker, match=r"^Not a valid ticker symbol: 'NOT A TICKER'$"):
        run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)


def test_a_market_data_error_leaves_the_pool_working() -> None:
    pids = _worker_pids()
    with pytest.raises(MarketDataError):
        run_engine_in_worker(
            EngineRequest(ticker="NOT A TICKER", as_of=AS_OF),
            spec=provider_spec("demo"),
            context=None,
            size=SIZE,
        )
    request = EngineRequest(ticker="AAPL", as_of=AS_OF, agents=("market",))
    assert run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE).ticker == "AAPL"
    assert _worker_pids() == pids


def test_killed_workers_fail_the_next_run_and_the_one_after_gets_a_new_pool() -> None:
    pids = _worker_pids()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    assert _wait_until_gone(pids) == []
    request = EngineRequest(ticker="AAPL", as_of=AS_OF, agents=("market", "technical"))
    # No worker is left to run it, whenever the pool notices: the run fails, and says which ticker.
    with pytest.raises(EngineWorkersFailed, match="The engine worker analysing AAPL stopped"):
        run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)
    result = run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)
    assert result.ticker == "AAPL"
    fresh = _worker_pids()
    assert len(fresh) == SIZE and not set(fresh) & set(pids)


def test_one_killed_worker_breaks_the_pool_until_the_next_run() -> None:
    # What the out-of-memory killer does: one worker gone. The pool stops the others; waiting for
    # that makes the failing run certain (otherwise a survivor might still finish it).
    pids = _worker_pids()
    os.kill(pids[0], signal.SIGKILL)
    assert _wait_until_gone(pids) == []
    request = EngineRequest(ticker="MSFT", as_of=AS_OF, agents=("market",))
    with pytest.raises(EngineWorkersFailed, match="The engine worker analysing MSFT stopped"):
        run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE)
    assert run_engine_in_worker(request, spec=provider_spec("demo"), context=None, size=SIZE).ticker == "MSFT"
    assert not set(_worker_pids()) & set(pids)


def test_workers_exit_when_their_server_is_killed() -> None:
    # A server killed with SIGKILL runs no clean-up: its workers must notice on their own, or
    # every restart of a crashed server would leave a pool of idle processes behind.
    parent = subprocess.Popen(
        [sys.executable, "-m", "tests.analysis.engine_pool_parent"],
        cwd=REPO_ROOT,
        env=subprocess_env(DJANGO_SETTINGS_MODULE="pmresearch.settings"),
        stdout=subprocess.PIPE,
        text=True,
    )
    pids: list[int] = []
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        pids = [int(pid) for pid in line.split()]
        assert len(pids) == SIZE, f"the parent printed {line!r}"
        assert not any(_gone(pid) for pid in pids)
    finally:
        parent.kill()
        parent.wait(timeout=10)
        parent.stdout.close()  # type: ignore[union-attr]
    orphans = _wait_until_gone(pids)
    for pid in orphans:  # the test fails, but leaves nothing running
        os.kill(pid, signal.SIGKILL)
    assert orphans == []
