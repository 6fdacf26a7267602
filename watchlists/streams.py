"""Server-sent events for a watchlist run: `result` or `error` per ticker, then `done`.

Framed as the earlier API framed them: a bare `event:` line and one `data:` line, no ids.

Each ticker's analysis runs in a pool thread (`in_worker_thread`), at most `concurrency` at
once under an `asyncio.Semaphore`: a ticker starts as soon as a slot is free, and events are
yielded in the order analyses finish. The runner is injected (`run(ticker)` → result,
`serialize(result)` → the `result` event's data), so the stream is testable without a server.

When the client disconnects, the generator is cancelled (`CancelledError`, or `GeneratorExit`
from `aclose()`): no further ticker is started, analyses already running finish in their
threads and are stored whole (each `run_analysis` is one transaction), and the stop is logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from analysis.models import Analysis
from analysis.serializers import AnalysisResponseSerializer
from analysis.streams import in_worker_thread, sse_event
from core.api_errors import INTERNAL_ERROR_DETAIL
from core.domain_errors import DomainError

logger = logging.getLogger(__name__)

Runner = Callable[[str], Any]
Serializer = Callable[[Any], dict[str, Any]]
Ranker = Callable[[list[Any]], list[dict[str, Any]] | None]

DONE_MESSAGE = "All analyses complete"
#: The earlier per-ticker item: a `result` carries these keys (beside the analysis response), an
#: `error` carries them with nulls and the error text.
ITEM_FIELDS = (
    "ticker",
    "success",
    "analysis_id",
    "analysis_schema_version",
    "recommendation",
    "score",
    "confidence",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "duration_seconds",
    "error",
)


def analysis_item(analysis: Analysis) -> dict[str, Any]:
    """A `result` event's data: the earlier per-ticker keys beside the analyze response."""
    fresh = Analysis.objects.prefetch_related("agent_results").get(pk=analysis.pk)
    response = AnalysisResponseSerializer(fresh).data
    shape = response.get("analysis") or {}
    item = {key: shape.get(key) for key in ITEM_FIELDS if key in shape}
    return {**response, **item, "success": True, "error": None}


def error_item(ticker: str, message: str, duration_seconds: float) -> dict[str, Any]:
    """An `error` event's data: the earlier item with nulls, the message as `error` and `detail`."""
    item: dict[str, Any] = dict.fromkeys(ITEM_FIELDS)
    item.update(
        ticker=ticker, success=False, duration_seconds=duration_seconds, error=message, detail=message
    )
    return item


async def watchlist_events(
    *,
    watchlist_id: int,
    tickers: Sequence[str],
    run: Runner,
    serialize: Serializer,
    concurrency: int,
    rank: Ranker | None = None,
) -> AsyncIterator[str]:
    """Yield one `result` or `error` event per ticker as each finishes, then one `done` event.

    `run` and `serialize` are blocking (they run in pool threads). A `DomainError` becomes an
    `error` event with its message; any other exception is logged and reported with the
    generic internal-error message (`error_item`). `rank(results)` (blocking, optional) gives
    `done`'s `opportunities` from the successful results; `[]` when absent, off, or failing.
    """
    limit = max(1, int(concurrency))
    tickers = list(tickers)
    started_at = time.monotonic()
    semaphore = asyncio.Semaphore(limit)
    queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
    results: list[Any] = []
    running: set[asyncio.Task[None]] = set()
    started: list[str] = []

    def analyse_blocking(ticker: str) -> tuple[Any, dict[str, Any]]:
        result = run(ticker)
        return result, serialize(result)

    async def analyse(ticker: str) -> None:
        began = time.monotonic()
        try:
            result, data = await in_worker_thread(analyse_blocking)(ticker)
        except DomainError as exc:
            queue.put_nowait(("error", error_item(ticker, exc.detail, time.monotonic() - began)))
        except Exception:
            logger.exception("Watchlist %s: the analysis of %s failed", watchlist_id, ticker)
            queue.put_nowait(("error", error_item(ticker, INTERNAL_ERROR_DETAIL, time.monotonic() - began)))
        else:
            results.append(result)
            queue.put_nowait(("result", data))
        finally:
            semaphore.release()

    async def launch() -> None:
        for ticker in tickers:
            await semaphore.acquire()
            started.append(ticker)
            task = asyncio.create_task(analyse(ticker))
            running.add(task)
            task.add_done_callback(running.discard)

    launcher = asyncio.create_task(launch())
    finished = 0
    failed = 0
    complete = False
    try:
        while finished < len(tickers):
            name, data = await queue.get()
            finished += 1
            failed += name == "error"
            yield sse_event(name, data)
        opportunities = None
        if rank is not None:
            try:
                opportunities = await in_worker_thread(rank)(list(results))
            except Exception:
                logger.exception("Watchlist %s: ranking the run's results failed", watchlist_id)
        complete = True
        yield sse_event(
            "done",
            {
                "message": DONE_MESSAGE,
                "ticker_count": len(tickers),
                "completed": finished,
                "opportunities": opportunities or [],
                "watchlist_id": watchlist_id,
                "total": len(tickers),
                "succeeded": finished - failed,
                "failed": failed,
                "duration_seconds": round(time.monotonic() - started_at, 3),
                "concurrency": limit,
                "ranked": opportunities is not None,
            },
        )
    finally:
        launcher.cancel()
        in_flight = len(running)
        for task in list(running):
            # Stops waiting for the thread; a thread already running finishes and commits.
            task.cancel()
        if not complete:
            logger.info(
                "Client left the watchlist %s stream after %d of %d tickers: %d analyses in flight "
                "finish and are stored, %d not started",
                watchlist_id,
                finished,
                len(tickers),
                in_flight,
                len(tickers) - len(started),
            )
