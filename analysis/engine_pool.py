"""Engine runs in worker processes, for runs that analyse many tickers at once.

The engine is CPU-bound Python: threads in one process share one core under the GIL, so a
watchlist run on threads alone cannot use the machine's other cores. A run hands each ticker's
`EngineRequest` to a pool of worker processes; each worker builds the configured provider once
(from the provider spec, plain data) and returns the `EngineResult`. Everything around the
engine (flags, database reads and writes, alerts) stays in the calling process, so a worker
never touches the database.

Workers are spawned, not forked (the server's threads make fork unsafe), lazily on the first
run, and live as long as the process. A worker that dies breaks the pool: that run's waiting
analyses fail with an error, and the next run starts a new pool.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from analysis.engine import EngineRequest, EngineResult, run_engine
from analysis.market_context import MarketContext, with_market_context
from analysis.market_data import MarketDataProvider
from analysis.providers import ProviderSpec, is_custom_provider, provider_for

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_exit_hook = False


class EngineWorkersFailed(RuntimeError):
    """A worker process died (killed, out of memory); the analysis it held did not finish."""


def _start_worker() -> None:
    # Ctrl+C reaches every process in the terminal's group: the server decides when its
    # workers stop (pool shutdown, or the watch below), so a worker ignores it rather than
    # dying mid-task with a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker whose server died (killed, crashed) would otherwise wait for work forever:
    # it holds its own end of the task queue, so it never sees the queue close.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(parent_sentinel: int) -> None:
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(0)


def _warm() -> None:
    """Nothing: submitted once per worker so their start-up happens before the first ticker."""


def _run_in_worker(
    request: EngineRequest,
    spec: ProviderSpec,
    context: MarketContext | None,
    provider: MarketDataProvider | None = None,
) -> EngineResult:
    if provider is not None:
        # Data prefetched by the calling process (plain data): nothing to build or fetch here.
        return run_engine(request, provider=with_market_context(provider, context))
    if is_custom_provider(spec):
        # A provider class of the deployment's own may use Django (settings, models); the
        # built-in ones do not, and a worker spared django.setup() starts in a third the time.
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
    return run_engine(request, provider=with_market_context(provider_for(spec), context))


def worker_pool(size: int) -> ProcessPoolExecutor:
    """The process's pool of `size` workers, started (and warmed) on first use."""
    global _pool, _pool_size, _exit_hook
    with _lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=False)  # work it holds still finishes
            _pool = ProcessPoolExecutor(
                max_workers=size, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker
            )
            _pool_size = size
            try:
                for future in [_pool.submit(_warm) for _ in range(size)]:
                    future.result()
            except BrokenProcessPool as exc:
                _pool.shutdown(wait=False, cancel_futures=True)
                _pool = None
                raise EngineWorkersFailed("The engine worker processes could not start") from exc
            if not _exit_hook:
                # Stops the workers and drops the pool's queues before the interpreter's end,
                # so their semaphores are released rather than reported as leaked.
                atexit.register(shutdown)
                _exit_hook = True
            logger.info("Started %d engine worker processes", size)
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def run_engine_in_worker(
    request: EngineRequest,
    *,
    spec: ProviderSpec,
    context: MarketContext | None,
    size: int,
    provider: MarketDataProvider | None = None,
) -> EngineResult:
    """`run_engine(request)` in a worker process; blocks the calling thread until it is done."""
    pool = worker_pool(size)
    try:
        future: Future[EngineResult] = pool.submit(_run_in_worker, request, spec, context, provider)
        return future.result()
    except BrokenProcessPool as exc:
        logger.error(
            "An engine worker process died while analysing %s; the pool is restarted", request.ticker
        )
        _discard(pool)
        raise EngineWorkersFailed(f"The engine worker analysing {request.ticker} stopped") from exc


def shutdown() -> None:
    """Stop the workers (tests, and a clean exit)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
