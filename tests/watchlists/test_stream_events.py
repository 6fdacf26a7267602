"""`watchlist_events` in-process, with stub runners: order, errors, the bound, disconnects."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from core.api_errors import INTERNAL_ERROR_DETAIL
from core.domain_errors import DomainError
from watchlists.streams import ITEM_FIELDS, watchlist_events

pytestmark = pytest.mark.asyncio

TICKERS = ["AAPL", "MSFT", "NVDA", "JPM", "XOM"]


def parse(chunk: str) -> tuple[str, dict[str, Any]]:
    """One event, framed as the earlier API framed it: `event:`, one `data:` line, no id."""
    assert chunk.endswith("\n\n")
    lines = chunk.removesuffix("\n\n").split("\n")
    assert len(lines) == 2 and lines[0].startswith("event: ") and lines[1].startswith("data: "), chunk
    return lines[0].removeprefix("event: "), json.loads(lines[1].removeprefix("data: "))


class StubRunner:
    """Counts calls and how many run at once; `delays` per ticker, `fail` per ticker."""

    def __init__(
        self, delays: dict[str, float] | None = None, fail: dict[str, Exception] | None = None, delay=0.0
    ) -> None:
        self.delays = delays or {}
        self.fail = fail or {}
        self.delay = delay
        self.calls: list[str] = []
        self.completed: list[str] = []
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, ticker: str) -> dict[str, Any]:
        with self.lock:
            self.calls.append(ticker)
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            time.sleep(self.delays.get(ticker, self.delay))
            if ticker in self.fail:
                raise self.fail[ticker]
            return {"ticker": ticker, "analysis_id": len(self.calls)}
        finally:
            with self.lock:
                self.active -= 1
                self.completed.append(ticker)


def serialize(result: dict[str, Any]) -> dict[str, Any]:
    return {"success": True, **result}


def stream(
    runner: StubRunner,
    *,
    tickers: list[str] = TICKERS,
    concurrency: int = 4,
    rank: Callable[[list[Any]], Any] | None = None,
) -> AsyncIterator[str]:
    return watchlist_events(
        watchlist_id=7, tickers=tickers, run=runner, serialize=serialize, concurrency=concurrency, rank=rank
    )


async def collect(events: AsyncIterator[str]) -> list[tuple[str, dict[str, Any]]]:
    return [parse(chunk) async for chunk in events]


async def test_one_result_per_ticker_in_completion_order_then_done() -> None:
    delays = {"AAPL": 0.30, "MSFT": 0.05, "NVDA": 0.15, "JPM": 0.0, "XOM": 0.10}
    events = await collect(stream(StubRunner(delays), concurrency=5))
    names = [name for name, _ in events]
    assert names == ["result"] * 5 + ["done"]
    assert [data["ticker"] for _, data in events[:-1]] == ["JPM", "MSFT", "XOM", "NVDA", "AAPL"]
    assert events[0][1]["success"] is True
    done = events[-1][1]
    assert (done["message"], done["ticker_count"], done["completed"]) == ("All analyses complete", 5, 5)
    assert done["watchlist_id"] == 7
    assert (done["total"], done["succeeded"], done["failed"]) == (5, 5, 0)
    assert done["concurrency"] == 5
    assert done["opportunities"] == [] and done["ranked"] is False
    assert done["duration_seconds"] >= 0.3


async def test_a_failing_ticker_is_an_error_event_and_the_rest_go_on() -> None:
    runner = StubRunner(
        fail={"NVDA": DomainError("No market data for NVDA.", status_code=422), "JPM": RuntimeError("secret")}
    )
    events = await collect(stream(runner))
    errors = {data["ticker"]: data for name, data in events if name == "error"}
    assert set(errors) == {"NVDA", "JPM"}
    for ticker, message in (("NVDA", "No market data for NVDA."), ("JPM", INTERNAL_ERROR_DETAIL)):
        # The earlier item with nulls; the message (never raw exception text) as `error` and `detail`.
        error = errors[ticker]
        assert set(error) == {*ITEM_FIELDS, "detail"}
        assert (error["success"], error["error"], error["detail"]) == (False, message, message)
        assert error["analysis_id"] is None and error["recommendation"] is None
        assert isinstance(error["duration_seconds"], float)
    assert sorted(data["ticker"] for name, data in events if name == "result") == ["AAPL", "MSFT", "XOM"]
    done = events[-1][1]
    assert (done["total"], done["succeeded"], done["failed"]) == (5, 3, 2)


async def test_a_failing_serializer_is_an_error_event() -> None:
    def broken(result: Any) -> dict[str, Any]:
        raise ValueError("boom")

    events = [
        parse(chunk)
        async for chunk in watchlist_events(
            watchlist_id=1, tickers=["AAPL"], run=StubRunner(), serialize=broken, concurrency=2
        )
    ]
    assert events[0][0] == "error"
    assert (events[0][1]["ticker"], events[0][1]["detail"]) == ("AAPL", INTERNAL_ERROR_DETAIL)
    assert events[1][1]["failed"] == 1


@pytest.mark.parametrize("concurrency", [1, 2, 3])
async def test_never_more_than_the_concurrency_at_once(concurrency: int) -> None:
    runner = StubRunner(delay=0.05)
    tickers = [f"T{i}" for i in range(9)]
    events = await collect(stream(runner, tickers=tickers, concurrency=concurrency))
    assert runner.peak == concurrency  # reached, never exceeded
    assert sorted(runner.calls) == sorted(tickers)
    assert events[-1][1]["concurrency"] == concurrency


async def test_a_concurrency_below_one_runs_one_at_a_time() -> None:
    runner = StubRunner(delay=0.01)
    events = await collect(stream(runner, concurrency=0))
    assert runner.peak == 1
    assert events[-1][1]["concurrency"] == 1


async def test_the_ranker_gets_the_successful_results() -> None:
    seen: list[Any] = []

    def rank(results: list[Any]) -> list[dict[str, Any]]:
        seen.extend(results)
        return [{"rank": 1, "ticker": "MSFT"}]

    runner = StubRunner(fail={"AAPL": DomainError("nope")})
    events = await collect(stream(runner, rank=rank))
    assert sorted(r["ticker"] for r in seen) == ["JPM", "MSFT", "NVDA", "XOM"]
    assert events[-1][1]["opportunities"] == [{"rank": 1, "ticker": "MSFT"}]


async def test_a_failing_ranker_still_ends_with_done() -> None:
    def rank(results: list[Any]) -> list[dict[str, Any]]:
        raise RuntimeError("ranking broke")

    events = await collect(stream(StubRunner(), rank=rank))
    assert events[-1][0] == "done"
    assert events[-1][1]["opportunities"] == [] and events[-1][1]["ranked"] is False
    assert events[-1][1]["succeeded"] == 5


async def test_a_disconnect_stops_new_work_and_lets_running_analyses_finish() -> None:
    runner = StubRunner(delay=0.1)
    tickers = [f"T{i}" for i in range(12)]
    events = stream(runner, tickers=tickers, concurrency=2)
    consumed = [parse(await anext(events)) for _ in range(2)]
    assert [name for name, _ in consumed] == ["result", "result"]
    await events.aclose()  # what the server does when the client goes away
    await asyncio.sleep(0.5)  # longer than several more rounds would take
    calls = len(runner.calls)
    # Two finished, at most `concurrency` were running when the client left; nothing after.
    assert calls <= len(consumed) + 2
    assert calls < len(tickers)
    await asyncio.sleep(0.3)
    assert len(runner.calls) == calls
    # Those already running were not abandoned half-way: each call completed.
    assert sorted(runner.completed) == sorted(runner.calls)


async def test_cancelling_the_consumer_stops_new_work() -> None:
    runner = StubRunner(delay=0.1)
    tickers = [f"T{i}" for i in range(12)]
    received: list[str] = []

    async def consume() -> None:
        async for chunk in stream(runner, tickers=tickers, concurrency=3):
            received.append(chunk)

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.15)  # the first round finished, the second is running
    task.cancel()  # Django's ASGI handler cancels the response task on http.disconnect
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.5)
    calls = len(runner.calls)
    assert calls <= 6
    await asyncio.sleep(0.3)
    assert len(runner.calls) == calls
    assert sorted(runner.completed) == sorted(runner.calls)


async def test_the_disconnect_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    events = stream(StubRunner(delay=0.05), tickers=[f"T{i}" for i in range(6)], concurrency=2)
    await anext(events)
    with caplog.at_level("INFO", logger="watchlists.streams"):
        await events.aclose()
    assert any("Client left the watchlist 7 stream after 1 of 6 tickers" in r.message for r in caplog.records)
