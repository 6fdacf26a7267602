"""How every HTTP request is served under ASGI: in one hop to a long-lived thread, sync throughout.

Django's ASGI handler runs the middleware chain in async mode: each middleware's
`process_request` / `process_response` and then the view hop to a thread and back
(`sync_to_async`), a dozen hops per request, in a thread-sensitive context that asgiref backs
with a new one-thread executor per request (a new thread, so a new database connection, so
`CONN_MAX_AGE` never reused one and SQLite checkpointed its WAL as each closed). Driven in process,
`/health` cost 3.8 ms that way and 0.6 ms served as below (profiled).

`PooledThreadsASGI` reads the request body on the event loop, then runs the whole request on
one of `ASGI_SYNC_THREADS` single-thread executors that live as long as the process: the
`request_started` signal, Django's middleware chain and view in sync mode (the handler a WSGI
server would use, built from the same `MIDDLEWARE`), and for a complete response its `close()`
(the `request_finished` signal). The loop then sends the bytes. One hop per request, each thread
keeping its database connection between requests; different requests run side by side.

One way for every route, with two exceptions served exactly as Django serves them (its async
handler, on a thread of its own per request): a request that asks for `text/event-stream`,
since a server-sent event stream would hold a pooled thread for its whole life, and a
request for a static file, which the static-files middleware (async only) answers. A request
that waits more than `POOL_WAIT_SECONDS` for a pooled thread runs the same way on a thread of
the event loop's own pool, so nothing starves. A streaming response to a plain request (an
event stream asked for without the header) is streamed from the loop as Django's handler
streams it, the pooled thread already free.
`ASGI_SYNC_THREADS=0` serves everything through Django's async handler.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from tempfile import SpooledTemporaryFile
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.test.utils import override_settings
from django.urls import set_script_prefix

ASGIApp = Any
logger = logging.getLogger(__name__)
#: How long a request waits for a pooled thread before it is served on a thread of its own.
POOL_WAIT_SECONDS = 0.5
#: The one middleware that cannot run in sync mode; static files go to Django's async handler.
STATIC_FILES_MIDDLEWARE = "servestatic.middleware.ServeStaticMiddleware"


class SyncChainHandler(ASGIHandler):
    """Django's request handling in sync mode, fed ASGI requests (ASGIHandler's request class,
    body reading, error answers and response sending; BaseHandler's sync `get_response`)."""

    def __init__(self) -> None:
        # The same chain as settings.MIDDLEWARE, less the static-files middleware, built once at
        # start-up (single-threaded), in sync mode.
        chain = [path for path in settings.MIDDLEWARE if path != STATIC_FILES_MIDDLEWARE]
        with override_settings(MIDDLEWARE=chain):
            self.load_middleware(is_async=False)
        static_path = urlsplit(settings.STATIC_URL or "").path
        self.static_prefix = "/" + static_path.strip("/") + "/" if static_path.strip("/") else None

    def serves(self, scope: dict[str, Any]) -> bool:
        """Every request but a static file's (the static-files middleware answers those)."""
        return not (self.static_prefix and scope["path"].startswith(self.static_prefix))

    def respond(self, scope: dict[str, Any], body_file: SpooledTemporaryFile[bytes]) -> HttpResponseBase:
        """The whole request, on the calling (pooled) thread; a complete response is closed."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        response = error_response if request is None else self.get_response(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response


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
        self.sync_chain = SyncChainHandler() if threads > 0 else None

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
        chain = self.sync_chain
        if scope["type"] != "http" or chain is None or _wants_stream(scope) or not chain.serves(scope):
            await self.application(scope, receive, send)
            return
        try:
            body_file = await chain.read_body(receive)
        except RequestAborted:
            return  # the client left before its body arrived, as in Django's handler
        try:
            # The request's context goes with it to the thread, as sync_to_async would carry it.
            respond = functools.partial(contextvars.copy_context().run, chain.respond, scope, body_file)
            response = await self._on_a_pooled_thread(respond)
            if response.streaming:
                async with ThreadSensitiveContext():
                    try:
                        await chain.send_response(response, send)
                    finally:
                        await sync_to_async(response.close)()
            else:
                await chain.send_response(response, send)
        finally:
            body_file.close()

    async def _on_a_pooled_thread(self, call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
        loop = asyncio.get_running_loop()
        pool = self._pool()
        try:
            executor = pool.get_nowait()
        except asyncio.QueueEmpty:
            try:
                executor = await asyncio.wait_for(pool.get(), timeout=POOL_WAIT_SECONDS)
            except TimeoutError:
                return await loop.run_in_executor(None, call)  # the loop's own pool: nothing starves
        try:
            return await loop.run_in_executor(executor, call)
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
