"""The per-source rate limit holds across processes: two workers share SEC's 10 requests a second
(at most 10 in any one second, a sliding window)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os

import httpx
import pytest
import redis

from datasources.config import load_config
from datasources.http import SourceClient, budget
from datasources.state import RedisState, SqliteState, next_slot
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


def _assert_windowed(times: list[float], rate: float) -> None:
    # No one-second window holds more than `rate` requests.
    times = sorted(times)
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
    _assert_windowed(times, rate=10.0)
    # 30 requests, at most 10 in any second: three rounds of 10, at 0, 1 and 2 s of (fake) time,
    # whichever process sent them.
    assert sorted(times) == pytest.approx([5_000.0] * 10 + [5_001.0] * 10 + [5_002.0] * 10)


def test_it_holds_one_process_to_the_setting(make_client, clock) -> None:
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now())
        return httpx.Response(200)

    client = make_client(handler, rate_limits={"sec": 10.0, "yahoo": 2.0, "fred": 2.0})
    for _ in range(6):
        client.get("yahoo", "https://query1.finance.yahoo.com/x")
    _assert_windowed(sent, rate=2.0)
    assert [t - sent[0] for t in sent] == pytest.approx([0.0, 0.0, 1.0, 1.0, 2.0, 2.0])


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
    slots = [state.reserve("sec", 5, 1.0, 100.0) for state in (first, second) * 6]
    later = first.reserve("sec", 5, 1.0, 103.5)
    first.clear()
    assert slots == pytest.approx([100.0] * 5 + [101.0] * 5 + [102.0] * 2)
    assert later == pytest.approx(103.5)


def test_sqlite_and_redis_reserve_alike(tmp_path) -> None:
    url = _redis_url()
    if url is None:
        pytest.skip("Redis is not reachable")
    shared = RedisState(url, prefix="pmresearch:test-ratelimit-alike:")
    shared.clear()
    local = SqliteState(str(tmp_path / "state.sqlite3"))
    asked = [(3, 1.0, 10.0), (3, 1.0, 10.2), (3, 1.0, 10.2), (3, 1.0, 10.3), (3, 1.0, 11.05), (3, 1.0, 14.0)]
    got = [(local.reserve("x", *a), shared.reserve("x", *a)) for a in asked]
    shared.clear()
    assert [a for a, _ in got] == pytest.approx([b for _, b in got])


def test_next_slot_on_a_worked_example() -> None:
    # Capacity 3 a second. Held: 10.0, 10.2, 10.2. At 10.3 the window (9.3, 10.3] is full, so the
    # next moment is 10.0 + 1 = 11.0; at 11.05 the held 10.2, 10.2, 11.0 fill (10.05, 11.05], so
    # 10.2 + 1 = 11.2; at 14.0 everything held has left the window: 14.0 at once.
    held: list[float] = [10.0, 10.2, 10.2]
    slot, held = next_slot(held, 3, 1.0, 10.3)
    assert (slot, held) == (pytest.approx(11.0), pytest.approx([10.2, 10.2, 11.0]))
    slot, held = next_slot(held, 3, 1.0, 11.05)
    assert (slot, held) == (pytest.approx(11.2), pytest.approx([10.2, 11.0, 11.2]))
    slot, held = next_slot(held, 3, 1.0, 14.0)
    assert (slot, held) == (14.0, [14.0])


def test_a_rate_below_one_a_second_is_one_request_per_interval() -> None:
    assert budget(10.0) == (10, 1.0)
    assert budget(2.5) == (2, 1.0)
    assert budget(0.5) == (1, 2.0)


def test_a_rate_counted_over_a_longer_window_allows_its_whole_window_at_once() -> None:
    # FRED publishes 120 a minute: 2 a second over 60 s is 120 in any 60 s, not 2 in any one.
    assert budget(2.0, 60.0) == (120, 60.0)
    assert budget(2.5, 2.0) == (5, 2.0)
    assert budget(0.5, 1.0) == (1, 2.0)  # under one a window: one per 1 / rate seconds
    assert budget(0.01, 60.0) == (1, 100.0)


def test_freds_default_lets_a_cold_analysis_send_its_series_together(tmp_path) -> None:
    # With FRED_API_KEY a cold analysis asks ALFRED for 6 series at 2 moments: 12 requests.
    # Counted over FRED's minute they go out at once; the 121st of the minute waits for the
    # first to leave the window. Before the window setting (2 in any one second) the 12th went
    # out 5 s after the first.
    clock = FakeClock(start=7_000.0)
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now())
        return httpx.Response(200)

    config = load_config()
    assert (config.rate_limits["fred"], config.rate_windows["fred"]) == (2.0, 60.0)
    state = SqliteState(tmp_path / "state.sqlite3")
    client = SourceClient(config=config, transport=httpx.MockTransport(handler), clock=clock, state=state)
    for _ in range(12):
        client.get("fred", "https://api.stlouisfed.org/fred/series/observations")
    assert sent == [7_000.0] * 12
    for _ in range(108):
        client.get("fred", "https://api.stlouisfed.org/fred/series/observations")
    client.get("fred", "https://api.stlouisfed.org/fred/series/observations")
    assert sent[-2:] == [7_000.0, pytest.approx(7_060.0)]


def test_a_child_forked_while_a_thread_holds_the_turn_still_reserves(tmp_path) -> None:
    # The in-process turn is per process: a Celery child forked while one of the parent's
    # threads was mid-reservation must not inherit that turn taken (it would wait forever).
    state = SqliteState(tmp_path / "state.sqlite3")
    turn = state._turn()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=lambda: queue.put(state.reserve("sec", 10, 1.0, 100.0)))
    with turn:
        child.start()
        slot = queue.get(timeout=10)
    child.join(timeout=10)
    assert slot == 100.0 and child.exitcode == 0


def test_a_state_file_of_the_earlier_layout_is_upgraded_in_place(tmp_path) -> None:
    # Version 1 kept a window's slots as text and wrote outcomes without `last_at`; opening it
    # now drops those counters and reserves as before.
    import sqlite3

    path = tmp_path / "state.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE windows (bucket TEXT PRIMARY KEY, slots TEXT NOT NULL);"
        "CREATE TABLE minutes (source TEXT, minute INTEGER, n INTEGER, PRIMARY KEY (source, minute));"
        "CREATE TABLE outcomes (source TEXT PRIMARY KEY, last_success REAL, last_failure REAL, reason TEXT);"
        "INSERT INTO outcomes VALUES ('sec', 1.0, 2.0, 'old');"
    )
    old.close()
    state = SqliteState(path)
    state.record("sec", 6_000.0, ok=False, reason="timed out")
    state.record("sec", 6_010.0, ok=True)
    assert state.status("sec", 6_020.0) == {
        "last_success": 6_010.0,
        "last_failure": 6_000.0,
        "last_failure_reason": "timed out",
        "requests_last_hour": 2,
    }
    assert [state.reserve("sec", 2, 1.0, 50.0) for _ in range(3)] == [50.0, 50.0, 51.0]
    assert SqliteState(path).status("sec", 6_020.0)["requests_last_hour"] == 2  # not dropped twice


def test_threads_of_one_process_share_its_connection_and_keep_the_window(tmp_path) -> None:
    # Eight threads reserve and count at once through the process's one connection: none fails,
    # none is lost, and no second holds more than the capacity.
    from concurrent.futures import ThreadPoolExecutor

    state = SqliteState(tmp_path / "state.sqlite3")

    def burst(_: int) -> list[float]:
        slots = []
        for _ in range(10):
            slots.append(state.reserve("sec", 10, 1.0, 300.0))
            state.record("sec", 300.0, ok=True)
        return slots

    with ThreadPoolExecutor(8) as pool:
        slots = [slot for batch in pool.map(burst, range(8)) for slot in batch]
    assert sorted(slots) == [300.0 + second for second in range(8) for _ in range(10)]
    assert state.status("sec", 300.0)["requests_last_hour"] == 80
    assert len(state._connections) == 1
