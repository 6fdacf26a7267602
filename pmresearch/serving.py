"""How every HTTP request is served under ASGI: sync code on a fixed pool of long-lived threads.

Django's ASGI handler runs each request's sync middleware and views in a thread-sensitive
context of its own, which asgiref backs with a new one-thread executor: a thread started per
request, and with it a new database connection (connections are per thread), so
`CONN_MAX_AGE` never reuses one and SQLite checkpoints its WAL when each is dropped. Profiled
under uvicorn, that hop was the largest cost of the light routes.

`PooledThreadsASGI` gives each request, for its whole life, one of `ASGI_SYNC_THREADS`
single-thread executors that live as long as the process. All the sync parts of one request
still run on one thread, as Django expects; different requests run side by side on different
threads, each thread keeping its database connection between requests.

Streams: a server-sent event response holds its request's executor while it streams, so a
request that asks for `text/event-stream`, and any request that waits more than
`POOL_WAIT_SECONDS` for a pooled thread, is served exactly as Django serves it by default (a
thread of its own). Streams therefore stay streaming and never starve the plain routes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext

ASGIApp = Any
logger = logging.getLogger(__name__)
#: How long a request waits for a pooled thread before it is served on a thread of its own.
POOL_WAIT_SECONDS = 0.5


class PooledThreadsASGI:
    """Django's ASGI application on pooled threads, with the server's lifespan events.

    `on_shutdown`: sync callables run (each in a thread) when the server stops gracefully.
    uvicorn re-raises SIGTERM after its own shutdown, so `atexit` handlers never run there;
    the lifespan `shutdown` event is the one hook a stopping server always gives.
    """

    def __init__(
        self, application: ASGIApp, *, threads: int, on_shutdown: Sequence[Callable[[], object]] = ()
    ) -> None:
        self.application = application
        self.threads = threads
        self.on_shutdown = tuple(on_shutdown)
        self._free: asyncio.LifoQueue[ThreadPoolExecutor] | None = None

    def _pool(self) -> asyncio.LifoQueue[ThreadPoolExecutor]:
        # Created on the server's event loop, at the first request.
        if self._free is None:
            self._free = asyncio.LifoQueue()
            for index in range(self.threads):
                self._free.put_nowait(
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"request-{index}")
                )
        return self._free

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http" or self.threads < 1 or _wants_stream(scope):
            await self.application(scope, receive, send)
            return
        pool = self._pool()
        try:
            executor = await asyncio.wait_for(pool.get(), timeout=POOL_WAIT_SECONDS)
        except TimeoutError:
            await self.application(scope, receive, send)
            return
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.application(scope, receive, send)
        finally:
            pool.put_nowait(executor)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for hook in self.on_shutdown:
                    try:
                        await asyncio.to_thread(_run_and_close, hook)
                    except Exception:
                        logger.exception("A shutdown hook failed: %r", hook)
                await send({"type": "lifespan.shutdown.complete"})
                return


def _run_and_close(hook: Callable[[], object]) -> None:
    from django.db import connections

    try:
        hook()
    finally:
        connections.close_all()


def _wants_stream(scope: dict[str, Any]) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept" and b"text/event-stream" in value:
            return True
    return False
