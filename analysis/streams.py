"""Server-sent events for one analysis: `progress` per agent, then `result` or `error`.

The analysis runs in a worker thread (sync_to_async, not thread-sensitive, so
several streams run at once); its progress callback hands events to the event
loop. If the client disconnects, the generator is cancelled; the analysis
already running finishes and is stored whole in its one transaction, so nothing
half-written remains.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

from pmresearch.errors import INTERNAL_ERROR_DETAIL, DomainError

logger = logging.getLogger(__name__)


def sse_event(event: str, data: Any, *, event_id: int | None = None) -> str:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, separators=(",", ":"), default=str))
    return "\n".join(lines) + "\n\n"


class EventStreamRenderer(BaseRenderer):
    """Lets DRF answer `Accept: text/event-stream`; an error body becomes an `error` event."""

    media_type = "text/event-stream"
    format = "sse"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> str:
        if isinstance(data, str):
            return data
        return sse_event("error", data)


def in_worker_thread(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run `function` in a pool thread and release that thread's database connection after."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(call, thread_sensitive=False)


def started_event(ticker: str) -> dict[str, Any]:
    return {
        "stage": "started",
        "agent": None,
        "ticker": ticker,
        "progress": 0,
        "message": "Analysis started",
        "timestamp": timezone.now().isoformat(),
    }


async def analysis_events(
    *, ticker: str, run: Callable[[Callable[..., None]], Any], serialize: Callable[[Any], dict[str, Any]]
) -> AsyncIterator[str]:
    """`run(on_progress)` performs the analysis; `serialize(result)` shapes it."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()

    def progress(stage: str, agent: str, percent: int, message: str) -> None:
        data = {
            "stage": stage,
            "agent": agent or None,
            "ticker": ticker,
            "progress": percent,
            "message": message,
            "timestamp": timezone.now().isoformat(),
        }
        loop.call_soon_threadsafe(queue.put_nowait, ("progress", data))

    async def work() -> None:
        try:
            result = await in_worker_thread(run)(progress)
            await queue.put(("result", await in_worker_thread(serialize)(result)))
        except DomainError as exc:
            await queue.put(("error", {"detail": exc.detail, "ticker": ticker}))
        except Exception:
            logger.exception("Streamed analysis of %s failed", ticker)
            await queue.put(("error", {"detail": INTERNAL_ERROR_DETAIL, "ticker": ticker}))
        finally:
            await queue.put(None)

    task = asyncio.create_task(work())
    event_id = 0
    try:
        yield sse_event("progress", started_event(ticker), event_id=event_id)
        while (item := await queue.get()) is not None:
            event_id += 1
            yield sse_event(item[0], item[1], event_id=event_id)
    finally:
        if not task.done():
            logger.info("Client left the %s stream; the running analysis completes and is stored", ticker)
