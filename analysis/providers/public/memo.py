"""An in-process memo of what was computed from cached bodies, valid while those bodies are.

A warm analysis would otherwise read a 4 MB companyfacts body from the cache table and parse
it again each time. A memoised value remembers the (source, key, fetched_at) of every body it
was computed from; it is reused only while one query on the cache table (no body read) finds
each of those bodies still held, unexpired, with the same fetch time. So the cache table stays
the truth: `clear_market_cache` or a refetch in any process invalidates the memo here.
Values that carry a failure are not memoised (the next analysis asks again).
"""

from __future__ import annotations

import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Q
from django.utils import timezone

from datasources.models import CachedResponse

T = TypeVar("T")
Stamp = tuple[str, str, Any]  # (source, key, fetched_at)
MAX_ENTRIES = 512

_memo: OrderedDict[tuple, tuple[tuple[Stamp, ...], Any]] = OrderedDict()
_lock = threading.Lock()
_stamps: contextvars.ContextVar[list[Stamp] | None] = contextvars.ContextVar("memo_stamps", default=None)


def record(source: str, key: str, fetched_at: Any) -> None:
    """Called for every body read while a memoised value is computed."""
    collecting = _stamps.get()
    if collecting is not None:
        collecting.append((source, key, fetched_at))


def _still_held(stamps: tuple[Stamp, ...]) -> bool:
    if not stamps:
        return True
    match = Q()
    for source, key, _ in stamps:
        match |= Q(source=source, key=key)
    now = timezone.now()
    held = {
        (source, key): (fetched_at, expires_at)
        for source, key, fetched_at, expires_at in CachedResponse.objects.filter(match).values_list(
            "source", "key", "fetched_at", "expires_at"
        )
    }
    for source, key, fetched_at in stamps:
        found = held.get((source, key))
        if found is None or found[0] != fetched_at or (found[1] is not None and found[1] <= now):
            return False
    return True


def memoized(
    key: tuple, compute: Callable[[], T], *, keep: Callable[[T], bool]
) -> tuple[T, tuple[Stamp, ...]]:
    """(value, the stamps of the bodies behind it): memoised under `key` when `keep(value)`."""
    with _lock:
        held = _memo.get(key)
    if held is not None and _still_held(held[0]):
        record_all(held[0])
        return held[1], held[0]
    token = _stamps.set([])
    try:
        value = compute()
        stamps = tuple(_stamps.get() or ())
    finally:
        _stamps.reset(token)
    if keep(value):
        with _lock:
            _memo[key] = (stamps, value)
            _memo.move_to_end(key)
            while len(_memo) > MAX_ENTRIES:
                _memo.popitem(last=False)
    record_all(stamps)
    return value, stamps


def record_all(stamps: tuple[Stamp, ...]) -> None:
    for stamp in stamps:
        record(*stamp)


def forget() -> None:
    with _lock:
        _memo.clear()
