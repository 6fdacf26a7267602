"""The per-source rate limit holds across processes: two workers share SEC's 10 requests a second."""

from __future__ import annotations

import dataclasses
import itertools
import multiprocessing
import os

import httpx
import pytest
import redis

from datasources.config import load_config
from datasources.http import SourceClient
from datasources.state import RedisState, SqliteState
from tests.datasources.conftest import FakeClock

REQUESTS_PER_PROCESS = 15


def _burst(state_path: str, config: object, queue: multiprocessing.Queue) -> None:
    # Each process has its own fake clock, starting at the same instant: only the shared state
    # can keep their requests apart.
    clock = FakeClock(start=5_000.0)
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now())
        return httpx.Response(200)

    state = SqliteState(state_path)
    client = SourceClient(config=config, transport=httpx.MockTransport(handler), clock=clock, state=state)
    for _ in range(REQUESTS_PER_PROCESS):
        client.get("sec", "https://data.sec.gov/x")
    queue.put(sent)


def _assert_spaced(times: list[float], rate: float) -> None:
    times = sorted(times)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1 / rate - 1e-9
    # No one-second window holds more than `rate` requests.
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) <= rate


def test_it_spaces_two_processes_requests_through_one_budget(tmp_path) -> None:
    config = dataclasses.replace(load_config(), rate_limits={"sec": 10.0, "yahoo": 4.0, "fred": 2.0})
    path = str(tmp_path / "shared.sqlite3")
    SqliteState(path)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [context.Process(target=_burst, args=(path, config, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    times = results[0] + results[1]
    assert len(times) == 2 * REQUESTS_PER_PROCESS
    _assert_spaced(times, rate=10.0)
    # 30 requests at 10 a second span 2.9 s of (fake) time, whichever process sent them.
    assert max(times) - min(times) == pytest.approx(2.9)


def test_it_holds_one_process_to_the_setting(make_client, clock) -> None:
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now())
        return httpx.Response(200)

    client = make_client(handler, rate_limits={"sec": 10.0, "yahoo": 2.0, "fred": 2.0})
    for _ in range(6):
        client.get("yahoo", "https://query1.finance.yahoo.com/x")
    _assert_spaced(sent, rate=2.0)
    assert sent[-1] - sent[0] == pytest.approx(2.5)


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.3).ping()
    except redis.RedisError:
        return None
    return url


def test_it_shares_the_slots_through_redis() -> None:
    url = _redis_url()
    if url is None:
        pytest.skip("Redis is not reachable")
    first, second = (
        RedisState(url, prefix="pmresearch:test-ratelimit:"),
        RedisState(url, prefix="pmresearch:test-ratelimit:"),
    )
    first.clear()
    slots = [state.reserve("sec", 0.1, 100.0) for state in (first, second) * 5]
    first.clear()
    assert slots == pytest.approx([100.0 + 0.1 * i for i in range(10)])
