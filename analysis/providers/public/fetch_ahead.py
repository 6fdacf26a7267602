"""The requests of one prefetch sent together, their bodies cached by the thread that asked.

A cold analysis needs about a dozen bodies from three services: the ticker's and the index's
charts and the ticker's news search (Yahoo), SEC's ticker map, submissions and companyfacts,
and the FRED series. Fetched one after the other they cost the sum of their latencies.
`prefetch` plans them first (`Planned`, from the loaders' own key and URL functions) and
`FetchAhead.send` starts those the cache does not hold, through the process's one HTTP client,
in one lane of `width` threads per service: a service waiting on its rate limit (SEC's 10 a
second) then holds up only its own requests, never another service's. Within a lane the GETs
take their rate-limit slots in the order they were planned (SEC's companyfacts, the largest
body, before the submissions), whichever thread wakes first.

Only HTTP runs in the lanes' threads, and the compression of what the cache will keep (`Packed`,
which runs without the interpreter lock). The calling thread reads each body from its future when
the loader asks for it (`loaders._body`), and it alone reads and writes the cache tables, as
before, so no database connection is opened per thread. A GET that failed answers every later
read in the same prefetch with its failure (SEC's ticker map down is one failure for a
watchlist, not one per ticker). A body read and cached is let go at once (`release`): a later
read in the prefetch finds it in the cache, and a watchlist or replay of hundreds of filers
holds at any moment only the bodies not yet read (NVIDIA's companyfacts is 4 MB decoded), not
every one it fetched. A body nobody takes (a ticker whose chart says the source does not know
it) is dropped when the prefetch ends.

SEC's per-company bodies need the CIK from its ticker map, so `prefetch` plans them once the
map is read (two steps in a row; everything else is one step).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.utils import timezone

from datasources.cache import CachedBody, Packed
from datasources.models import CachedResponse


@dataclass(frozen=True)
class Planned:
    """One GET a loader will make: the cache entry it fills and how long that entry holds."""

    source: str
    key: str
    url: str
    params: dict[str, str] | None = None
    ttl: dt.timedelta | None = None  # None: kept for good
    ticker: str = ""  # tags the cache entry for `clear_market_cache --ticker`


Fetch = Callable[[Planned, Callable[[], None]], Packed]  # (planned, on_slot) -> body
_SET = threading.Event()
_SET.set()
_current: contextvars.ContextVar[FetchAhead | None] = contextvars.ContextVar("fetch_ahead", default=None)


def current() -> FetchAhead | None:
    """The fetch-ahead of the prefetch running in this thread, if any."""
    return _current.get()


def arrived_first(planned: list[Planned]) -> list[Planned]:
    """`planned` with the bodies still on their way last (else in order): no wait on one body
    while another could be read."""
    ahead = current()
    if ahead is None:
        return planned

    def on_its_way(p: Planned) -> bool:
        sent = ahead.sent(p.source, p.key)
        return sent is not None and not sent.done()

    return sorted(planned, key=on_its_way)


Stamp = tuple[dt.datetime, int]  # a cached body's (fetched_at, size_bytes)


def holdings(planned: Iterable[Planned]) -> dict[tuple[str, str], Stamp]:
    """{(source, key): stamp} of the `planned` bodies the cache holds unexpired: one plain query,
    no body read (it runs on every analysis, warm ones included, so it stays one `IN` lookup)."""
    wanted = {(p.source, p.key) for p in planned}
    if not wanted:
        return {}
    rows = CachedResponse.objects.filter(key__in={key for _, key in wanted}).values_list(
        "source", "key", "fetched_at", "size_bytes", "expires_at"
    )
    now = timezone.now()
    return {
        (source, key): (fetched_at, size)
        for source, key, fetched_at, size, expires_at in rows
        if (source, key) in wanted and (expires_at is None or expires_at > now)
    }


class FetchAhead:
    """Sends planned GETs at most `width` at a time per service (module docstring)."""

    def __init__(self, width: int, fetch: Fetch) -> None:
        self.width = max(1, width)
        self._fetch = fetch
        self._lanes: dict[str, ThreadPoolExecutor] = {}
        self._futures: dict[tuple[str, str], Future[Packed]] = {}
        self._started: set[tuple[str, str]] = set()  # every GET sent, its body released or not
        self._last_slot: dict[str, threading.Event] = {}  # per lane: its latest GET has its slot
        self._kept: dict[tuple[str, str], CachedBody] = {}

    def send(self, planned: Iterable[Planned], held: dict[tuple[str, str], Stamp] | None = None) -> int:
        """Start every planned GET the cache lacks (`held`, else asked here) and none already
        started; returns how many started."""
        fresh = {(p.source, p.key): p for p in planned if (p.source, p.key) not in self._started}
        wanted = list(fresh.values())
        if not wanted:
            return 0
        held = holdings(wanted) if held is None else held
        started = 0
        for p in wanted:  # in the caller's order: what it needs first goes first
            if (p.source, p.key) in held:
                continue
            after = self._last_slot.get(p.source) or _SET
            self._last_slot[p.source] = slotted = threading.Event()
            self._futures[(p.source, p.key)] = body = Future()
            self._started.add((p.source, p.key))
            self._lane(p.source).submit(self._run, p, after, slotted, body)
            started += 1
        return started

    def sent(self, source: str, key: str) -> Future[Packed] | None:
        """The GET this fetch-ahead started for (source, key), unless its body has been released.
        A failed one stays: it fails every read of this prefetch the same way, without asking
        the source again."""
        return self._futures.get((source, key))

    def started(self, source: str, key: str) -> bool:
        """Whether this fetch-ahead sent the GET for (source, key), its body released or not."""
        return (source, key) in self._started

    def release(self, source: str, key: str) -> None:
        """Let go of a body its loader has read and cached (module docstring); a failure stays."""
        body = self._futures.get((source, key))
        if body is not None and body.done() and not body.cancelled() and body.exception() is None:
            del self._futures[(source, key)]

    def keep(self, planned: Planned, body: CachedBody) -> None:
        """Hold a body read (and cached) early, for its loader to read later without the cache."""
        self._kept[(planned.source, planned.key)] = body

    def kept(self, planned: Planned) -> CachedBody | None:
        return self._kept.get((planned.source, planned.key))

    def on_its_way(self, planned: Iterable[Planned]) -> list[Future[Packed]]:
        """The GETs of `planned` this fetch-ahead started whose bodies have not arrived yet."""
        found = (self._futures.get((p.source, p.key)) for p in planned)
        return [f for f in found if f is not None and not f.done()]

    def in_arrival_order(self, tasks: list[tuple[list[Planned], Callable[[], None]]]) -> None:
        """Run each (needs, run): the first whose needed bodies have all arrived, else wait for
        the next body. The calling thread then reads what is there while the rest is on its way
        (the macro's second round of FRED series or SEC's companyfacts, whichever comes first)."""
        waiting = list(tasks)
        while waiting:
            ready = next((i for i, (needs, _) in enumerate(waiting) if not self.on_its_way(needs)), None)
            if ready is None:
                wait({f for needs, _ in waiting for f in self.on_its_way(needs)}, return_when=FIRST_COMPLETED)
                continue
            _, run = waiting.pop(ready)
            run()

    def close(self) -> None:
        """Cancel what has not started; requests in flight finish in their lane and are dropped."""
        for body in self._futures.values():
            body.cancel()  # a GET not started yet; one running keeps its future
        self._futures.clear()
        self._kept.clear()
        for lane in self._lanes.values():
            lane.shutdown(wait=False, cancel_futures=True)

    def _run(
        self, planned: Planned, after: threading.Event, slotted: threading.Event, body: Future[Packed]
    ) -> None:
        if not body.set_running_or_notify_cancel():
            slotted.set()
            return
        # Rate-limit slots in the order the caller planned (its largest body first), not in the
        # order the lane's threads happen to wake: each GET reserves only after the one before it.
        after.wait()
        try:
            packed = self._fetch(planned, slotted.set)
        except BaseException as exc:
            body.set_exception(exc)
            return
        finally:
            slotted.set()  # also when the GET failed before reserving (an open circuit)
        # The body first, then what the cache keeps of it: the reader parses while zlib runs here.
        body.set_result(packed)
        packed.finish()

    def _lane(self, source: str) -> ThreadPoolExecutor:
        lane = self._lanes.get(source)
        if lane is None:
            lane = self._lanes[source] = ThreadPoolExecutor(self.width, thread_name_prefix=f"fetch-{source}")
        return lane


@contextlib.contextmanager
def sending(width: int, fetch: Fetch) -> Iterator[FetchAhead]:
    """A fetch-ahead for the loaders called in this thread until the block ends."""
    ahead = FetchAhead(width, fetch)
    token = _current.set(ahead)
    try:
        yield ahead
    finally:
        _current.reset(token)
        ahead.close()
