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
from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

from core.api_errors import INTERNAL_ERROR_DETAIL
from core.domain_errors import DomainError

logger = logging.getLogger(__name__)


def sse_event(event: str, data: Any) -> str:
    """One event as the earlier clients read it: a bare `event:` line, one `data:` line, a blank line."""
    return f"event: {event}\ndata: " + json.dumps(data, separators=(",", ":"), default=str) + "\n\n"


def event_stream_response(events: AsyncIterator[str]) -> StreamingHttpResponse:
    """The HTTP answer of every event stream: the events as they come, never cached or buffered."""
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # Tells a proxy in front (nginx) to pass each event on at once.
    response["X-Accel-Buffering"] = "no"
    return response


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


# The earlier stream's percentage when each agent starts (its order follows start order, so
# the percentages are not monotonic); ours, monotonic over the run, is `percent`.
AGENT_START_PERCENT = {
    "news": 20,
    "fundamentals": 40,
    "market": 50,
    "macro": 55,
    "options": 57,
    "technical": 60,
    "sentiment": 70,
}
# Our engine's steps → the earlier stage names and percentages.
STEP_STAGES = {
    "data": ("gathering_data", 10),
    "synthesizing": ("synthesizing", 80),
    "synthesis": ("synthesizing", 80),
    "saving": ("saving", 95),
}


def agent_stage(agent: str) -> str:
    return "analyzing_sentiment" if agent == "sentiment" else f"running_{agent}"


def progress_event(
    *,
    ticker: str,
    step: str,
    agent: str | None = None,
    percent: int,
    message: str | None,
    status: str = "started",
) -> dict[str, Any]:
    """A `progress` payload: the earlier `stage`/`progress` plus our step, agent, status and percent."""
    if agent and step in ("agent_start", "agent_done"):
        stage, progress = agent_stage(agent), AGENT_START_PERCENT.get(agent, percent)
    else:
        stage, progress = STEP_STAGES.get(step, (step, percent))
    return {
        "stage": stage,
        "ticker": ticker,
        "progress": progress,
        "message": message,
        "timestamp": timezone.now().isoformat(),
        "step": step,
        "agent": agent or None,
        "status": status,
        "percent": percent,
    }


def started_event(ticker: str) -> dict[str, Any]:
    return progress_event(ticker=ticker, step="starting", percent=0, message="Analysis started")


async def analysis_events(
    *, ticker: str, run: Callable[[Callable[..., None]], Any], serialize: Callable[[Any], dict[str, Any]]
) -> AsyncIterator[str]:
    """`run(on_progress)` performs the analysis; `serialize(result)` shapes it.

    Progress stages as the earlier stream named them: `starting`, `gathering_data`,
    `running_<agent>` (`analyzing_sentiment`), `synthesizing`, `saving`, `complete`; a failure
    is a `progress` with stage `error`, then an `error` event `{error, ticker}` (the HTTP
    status stays 200).
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue()

    def progress(step: str, agent: str, percent: int, message: str) -> None:
        status = "started"
        if step == "agent_done":
            status = "failed" if message.endswith("failed") else "finished"
        elif step == "synthesis":
            status = "finished"
        data = progress_event(
            ticker=ticker, step=step, agent=agent, percent=percent, message=message, status=status
        )
        loop.call_soon_threadsafe(queue.put_nowait, ("progress", data))

    def failure(detail: str) -> list[tuple[str, dict[str, Any]]]:
        event = progress_event(ticker=ticker, step="error", percent=0, message=detail, status="failed")
        return [
            ("progress", {**event, "progress": 0}),
            ("error", {"error": detail, "detail": detail, "ticker": ticker}),
        ]

    async def work() -> None:
        try:
            result = await in_worker_thread(run)(progress)
            payload = await in_worker_thread(serialize)(result)
            done = progress_event(ticker=ticker, step="complete", percent=100, message="Analysis complete")
            await queue.put(
                ("progress", {**done, "stage": "complete", "progress": 100, "status": "finished"})
            )
            await queue.put(("result", payload))
        except DomainError as exc:
            for item in failure(str(exc.detail)):
                await queue.put(item)
        except Exception:
            logger.exception("Streamed analysis of %s failed", ticker)
            for item in failure(INTERNAL_ERROR_DETAIL):
                await queue.put(item)
        finally:
            await queue.put(None)

    task = asyncio.create_task(work())
    try:
        yield sse_event("progress", started_event(ticker))
        while (item := await queue.get()) is not None:
            yield sse_event(item[0], item[1])
    finally:
        if not task.done():
            logger.info("Client left the %s stream; the running analysis completes and is stored", ticker)
