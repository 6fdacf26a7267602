"""Legacy-read telemetry (Release N+1 of the deprecation schedule).

A client declares that it reads signal contract v2 by sending ``X-Signal-Contract: v2`` (or
``?schema=v2`` where it cannot set a header, e.g. an ``EventSource``). Every successful read
of an analysis-shaped API response is counted per UTC day, route name and client kind in
`ApiReadCounter`; a client that declares nothing is counted as ``legacy_only``. The rollout
status endpoint reports the legacy-only share against the runbook's 10 % threshold.

Counting never touches the database on the request path, and never fails the request it
counts: a read adds one to a per-process buffer (`read_buffer`), which a daemon thread flushes
every `TELEMETRY_FLUSH_SECONDS` (one UPDATE per counter with the batch's total), at interpreter
exit (uvicorn's graceful shutdown) and before the status reads the totals. A write per read had
serialised readers behind SQLite's single writer (measured: `/latest` went from 57 to 92 rps
without it). Counts stay exact across processes: each process adds only what it counted, and
a batch whose write fails goes back into the buffer.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from rollout.models import ApiReadCounter, ClientKind

logger = logging.getLogger(__name__)

CONTRACT_HEADER = "X-Signal-Contract"
CONTRACT_QUERY_PARAM = "schema"
DECLARED_VERSION = "v2"
#: The runbook's N+1 gate: fewer than 10 % of reads rely on legacy keys only.
LEGACY_ONLY_THRESHOLD = 0.10
#: One `legacy_read` log marker per route per process per this many seconds.
LEGACY_LOG_INTERVAL_SECONDS = 3600.0

#: URL name → the method whose response is analysis-shaped. Names not yet routed are harmless.
TRACKED_ROUTES: dict[str, str] = {
    "api-analysis-latest": "GET",
    "api-analysis-history": "GET",
    "api-analysis-history-detailed": "GET",
    "api-analyze": "POST",
    "api-analyze-stream": "GET",
    "api-watchlist-opportunities": "GET",
}


def client_kind(request: HttpRequest) -> ClientKind:
    """``v2_declared`` when the request asks for contract v2 by header or query, else ``legacy_only``."""
    declared = request.headers.get(CONTRACT_HEADER) or request.GET.get(CONTRACT_QUERY_PARAM) or ""
    if declared.strip().lower() == DECLARED_VERSION:
        return ClientKind.V2_DECLARED
    return ClientKind.LEGACY_ONLY


def tracked_route(request: HttpRequest, response: HttpResponseBase) -> str | None:
    """The route name when this request/response pair is a counted read, else None."""
    if not request.path.startswith("/api/") or not 200 <= response.status_code < 300:
        return None
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None else None
    if name is None or TRACKED_ROUTES.get(name) != request.method:
        return None
    return name


def record_read(*, route: str, kind: str, day: dt.date | None = None, count: int = 1) -> None:
    """Add `count` reads to the (day, route, kind) counter.

    An UPDATE first (the common case, no race); when no row exists, an INSERT in a savepoint;
    if a concurrent request inserted the row first, the unique key refuses ours and the
    UPDATE is retried.
    """
    day = day or timezone.now().date()
    rows = ApiReadCounter.objects.filter(day=day, route=route, client_kind=kind)
    if rows.update(count=F("count") + count):
        return
    try:
        with transaction.atomic():
            ApiReadCounter.objects.create(day=day, route=route, client_kind=kind, count=count)
    except IntegrityError:
        rows.update(count=F("count") + count)


class ReadBuffer:
    """Reads counted in this process and not yet written, flushed in batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # Held for a whole flush, so an exit-time flush waits for a timer flush in progress.
        self._flushing = threading.Lock()
        self._pending: dict[tuple[dt.date, str, str], int] = {}
        self._timer: threading.Thread | None = None
        self._stopped = threading.Event()
        #: Off in the test process, whose tests flush explicitly (a thread would write outside
        #: their transactions).
        self.timer_enabled = True

    def add(self, *, route: str, kind: str, day: dt.date | None = None) -> None:
        key = (day or timezone.now().date(), route, str(kind))
        with self._lock:
            self._pending[key] = self._pending.get(key, 0) + 1
            if self._timer is None and self.timer_enabled:
                self._start_timer()

    def pending(self) -> int:
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> int:
        """Write every pending count; what cannot be written stays pending. Returns reads written."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, {}
            written = 0
            for index, ((day, route, kind), count) in enumerate(batch.items()):
                try:
                    record_read(route=route, kind=kind, day=day, count=count)
                except DatabaseError:
                    logger.exception("Could not write %d counted reads; kept for the next flush", count)
                    self._put_back(list(batch.items())[index:])
                    break
                written += count
            return written

    def discard(self) -> None:
        with self._lock:
            self._pending = {}

    def _put_back(self, items: list[tuple[tuple[dt.date, str, str], int]]) -> None:
        with self._lock:
            for key, count in items:
                self._pending[key] = self._pending.get(key, 0) + count

    def _start_timer(self) -> None:
        interval = float(settings.TELEMETRY_FLUSH_SECONDS)
        self._timer = threading.Thread(target=self._run, args=(interval,), name="read-telemetry", daemon=True)
        self._timer.start()

    def _run(self, interval: float) -> None:
        while not self._stopped.wait(interval):
            try:
                self.flush()
            finally:
                # This thread's own connection; no request cycle would ever close it.
                connection.close()

    def shutdown(self) -> None:
        self._stopped.set()
        if self.pending():
            self.flush()


read_buffer = ReadBuffer()
# uvicorn stops on SIGTERM/SIGINT by returning from its loop, so exit handlers run.
atexit.register(read_buffer.shutdown)


class _LegacyLogLimiter:
    """At most one marker per route per interval in this process; counts what it held back."""

    def __init__(self, interval_seconds: float) -> None:
        self.interval = interval_seconds
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def should_log(self, route: str, now: float | None = None) -> tuple[bool, int]:
        moment = time.monotonic() if now is None else now
        with self._lock:
            last = self._last.get(route)
            if last is not None and moment - last < self.interval:
                self._held[route] = self._held.get(route, 0) + 1
                return False, 0
            self._last[route] = moment
            return True, self._held.pop(route, 0)

    def reset(self) -> None:
        with self._lock:
            self._last.clear()
            self._held.clear()


legacy_log_limiter = _LegacyLogLimiter(LEGACY_LOG_INTERVAL_SECONDS)


def log_legacy_read(route: str) -> None:
    log_now, held = legacy_log_limiter.should_log(route)
    if log_now:
        logger.warning(
            "legacy_read route=%s suppressed_since_last=%d hint=send '%s: %s' to declare contract v2",
            route,
            held,
            CONTRACT_HEADER,
            DECLARED_VERSION,
        )


def count_read(request: HttpRequest, response: HttpResponseBase) -> None:
    """Count the read when it is tracked; never raises into the request."""
    route = tracked_route(request, response)
    if route is None:
        return
    kind = client_kind(request)
    if kind is ClientKind.LEGACY_ONLY:
        log_legacy_read(route)
    read_buffer.add(route=route, kind=kind)


class LegacyReadTelemetryMiddleware:
    """Counts reads of analysis-shaped API responses by client kind (see the module docstring)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            count_read(request, response)
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)
        if request.path.startswith("/api/"):
            # In memory only: no thread hop, no database.
            count_read(request, response)
        return response


def legacy_read_totals(*, since: dt.datetime, until: dt.datetime) -> dict[str, Any]:
    """The `legacy_reads` block of the rollout status: counts over the UTC days the window touches.

    Counters are per day, so the window is widened to whole UTC days (from the day of `since`
    through the day of `until`).
    """
    # This process's own reads count at once; other processes' within their flush interval.
    read_buffer.flush()
    first_day, last_day = since.astimezone(dt.UTC).date(), until.astimezone(dt.UTC).date()
    rows = (
        ApiReadCounter.objects.filter(day__gte=first_day, day__lte=last_day)
        .values("route", "client_kind")
        .annotate(total=Sum("count"))
        .order_by("route", "client_kind")
    )
    by_route: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(ClientKind.values, 0)
    for row in rows:
        route_counts = by_route.setdefault(row["route"], dict.fromkeys(ClientKind.values, 0))
        route_counts[row["client_kind"]] = row["total"]
        totals[row["client_kind"]] += row["total"]
    v2, legacy = totals[ClientKind.V2_DECLARED], totals[ClientKind.LEGACY_ONLY]
    reads = v2 + legacy
    share = round(legacy / reads, 4) if reads else None
    for counts in by_route.values():
        route_reads = sum(counts.values())
        counts["legacy_only_share"] = round(counts[ClientKind.LEGACY_ONLY] / route_reads, 4)
    if share is None:
        detail = "no analysis reads counted in the window"
    else:
        detail = f"{legacy} of {reads} analysis reads did not declare contract v2"
    return {
        "since_day": first_day.isoformat(),
        "until_day": last_day.isoformat(),
        "v2_declared": v2,
        "legacy_only": legacy,
        "total_reads": reads,
        "legacy_only_share": share,
        "by_route": by_route,
        "threshold": LEGACY_ONLY_THRESHOLD,
        "below_threshold": share is not None and share < LEGACY_ONLY_THRESHOLD,
        "detail": detail,
    }
