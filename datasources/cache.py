"""Caching first: every body fetched from a public source is kept, so a second analysis of the
same ticker and day makes no request for data already held.

How each kind of data is kept (keys are the caller's to choose, so closed data never needs a
refetch):

- slow-changing bodies (companyfacts, submissions, the ticker map, FRED series): one body per
  (source, key) with `ttl=timedelta(hours=settings.MARKET_DATA_CACHE_TTL_HOURS)` (`default_ttl()`);
- bars of closed sessions: key the body by a range that has closed (e.g. a calendar year before
  the current one) and pass `ttl=None`: kept for good; the open range gets a short TTL;
- news and 8-K filings: `store_rows` keeps each item by its publication time and `cached_rows`
  reads those published at or before an `as_of`, so fetches accumulate and a past date reads
  what the cache held for it.

When a refetch fails and an expired body is held, `cached_body` returns the old body marked
`stale` rather than nothing: its `fetched_at` says how old it is.

A body the server sent gzip-encoded (SEC, Yahoo and FRED do) is kept as the bytes it sent.
Others from COMPRESS_FROM_BYTES up are kept zlib-compressed (level 1). `size_bytes` is still the
body's own size either way: NVIDIA's 4 MB companyfacts is kept in 300-470 KB, so a cache of a
few hundred filers stays small. For a body to compress, a fetching thread hands it over
(`Packed`) and then compresses it (`fetch_ahead`; zlib runs without the interpreter lock) while
the reading thread parses it; the row is written once both are done, in about 2 ms where 4 MB
took SQLite 16-44 ms. Keeping the gzip bytes as they came spares that compression (14 ms of CPU
per 4 MB). Reading a body back costs 7-10 ms per 4 MB, once per body version per process
(`sec_loaders._parsed` keeps what it parsed).
"""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from datasources.http import SourceUnavailable
from datasources.models import CachedResponse, CachedRow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedBody:
    content: bytes
    fetched_at: dt.datetime
    from_cache: bool
    stale: bool = False


COMPRESS_FROM_BYTES = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"  # no zlib stream starts so: its first byte is 0x78 (deflate, 32 KB window)
COMPRESS_LEVEL = 1  # JSON at ~270 MB/s with ~9x smaller rows; higher levels cost 3x for 1.6x


class Packed:
    """A fetched body and what its cache row keeps (module docstring).

    `gzipped`, the body as the server sent it gzip-encoded, is kept as it is. Otherwise
    `stored` is compressed when first needed, or earlier by `finish()`: a fetching thread hands
    the body over first and then finishes it, so the reader parses while zlib runs (without the
    interpreter lock) and the row is written once both are done. Whichever thread comes first
    compresses; the other waits for it.
    """

    def __init__(self, content: bytes, gzipped: bytes | None = None) -> None:
        self.content = content
        # A body the server sent gzip-encoded is kept as it came, whatever its size.
        self.compressed = gzipped is not None or len(content) >= COMPRESS_FROM_BYTES
        self._stored: bytes | None = gzipped
        if self._stored is None and not self.compressed:
            self._stored = content
        self._lock = threading.Lock()

    @property
    def stored(self) -> bytes:
        with self._lock:
            if self._stored is None:
                self._stored = zlib.compress(self.content, COMPRESS_LEVEL)
            return self._stored

    def finish(self) -> None:
        """Compress now, if no other thread has."""
        _ = self.stored


def _unpacked(row: CachedResponse) -> bytes | None:
    """The body a row keeps; None when a compressed one no longer decompresses (then refetched)."""
    if not row.compressed:
        return bytes(row.content)
    stored = bytes(row.content)
    try:
        # gzip as a server sent it (its magic number first), else zlib as `Packed` compressed it.
        return gzip.decompress(stored) if stored[:2] == GZIP_MAGIC else zlib.decompress(stored)
    except (OSError, EOFError, zlib.error):
        logger.warning("%s %s: the cached body does not decompress; fetching it again", row.source, row.key)
        return None


@dataclass(frozen=True)
class RowItem:
    uid: str
    published_at: dt.datetime
    payload: dict


def default_ttl() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.MARKET_DATA_CACHE_TTL_HOURS))


def cached_body(
    source: str,
    key: str,
    fetch: Callable[[], bytes | Packed],
    *,
    ttl: dt.timedelta | None,
    ticker: str = "",
    on_fetched: Callable[[bytes], None] | None = None,
) -> CachedBody:
    """The body held for (source, key) while fresh, else `fetch()`'s, stored for next time.

    `ttl=None` keeps it for good. `ticker` tags the entry for `clear(ticker)`. `fetch` raising
    `SourceUnavailable` propagates unless an expired body is held, which is then returned stale.
    `fetch` may return the body as a `Packed`, whose compression a fetching thread may still be
    finishing; `on_fetched(content)` runs on a fetched body before it is stored, so work on it
    (parsing) overlaps that compression. It must not raise.
    """
    now = timezone.now()
    held = CachedResponse.objects.filter(source=source, key=key).first()
    content = _unpacked(held) if held is not None else None
    if held is not None and content is not None and (held.expires_at is None or held.expires_at > now):
        return CachedBody(content, held.fetched_at, from_cache=True)
    try:
        fetched = fetch()
    except SourceUnavailable as exc:
        if held is None or content is None:
            raise
        logger.warning("%s %s: serving the body fetched at %s (%s)", source, key, held.fetched_at, exc.reason)
        return CachedBody(content, held.fetched_at, from_cache=True, stale=True)
    fetched_at = timezone.now()
    packed = fetched if isinstance(fetched, Packed) else Packed(fetched)
    if on_fetched is not None:
        on_fetched(packed.content)
    _keep(source, key, ticker.upper(), packed, fetched_at, None if ttl is None else fetched_at + ttl)
    return CachedBody(packed.content, fetched_at, from_cache=False)


_UPSERT = (  # the table is `CachedResponse._meta.db_table`
    'INSERT INTO datasources_cached_response (source, "key", ticker, size_bytes, fetched_at,'
    " expires_at, compressed, content) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    ' ON CONFLICT (source, "key") DO UPDATE SET'
    " ticker = excluded.ticker, size_bytes = excluded.size_bytes, fetched_at = excluded.fetched_at,"
    " expires_at = excluded.expires_at, compressed = excluded.compressed, content = excluded.content"
)


def _keep(
    source: str,
    key: str,
    ticker: str,
    packed: Packed,
    fetched_at: dt.datetime,
    expires_at: dt.datetime | None,
) -> None:
    """Write one body's row in one statement (an upsert on both backends).

    The ORM's update_or_create runs five (a transaction, a savepoint, a select, an insert), and
    each gives up the interpreter lock: with a prefetch's fetching threads busy, taking it back
    cost up to the switch interval every time, and a 19 KB chart's row took 4-12 ms to write.
    """
    ops = connection.ops
    params = [
        source,
        key,
        ticker,
        len(packed.content),
        ops.adapt_datetimefield_value(fetched_at),
        ops.adapt_datetimefield_value(expires_at),
        packed.compressed,
        packed.stored,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, params)


def store_rows(source: str, ticker: str, items: Iterable[RowItem]) -> int:
    """Keep each item under (source, ticker, uid); an item already held keeps its first record.

    Returns how many were new.
    """
    fetched_at = timezone.now()
    ticker = ticker.upper()
    items = list(items)
    uids = {item.uid for item in items}
    held = set(
        CachedRow.objects.filter(source=source, ticker=ticker, uid__in=uids).values_list("uid", flat=True)
    )
    new = {item.uid: item for item in items if item.uid not in held}
    rows = [
        CachedRow(
            source=source,
            ticker=ticker,
            uid=item.uid,
            published_at=item.published_at,
            fetched_at=fetched_at,
            payload=item.payload,
        )
        for item in new.values()
    ]
    try:
        with transaction.atomic():
            CachedRow.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - ignore_conflicts covers the race on both backends
        logger.warning("%s %s: concurrent store of the same items", source, ticker)
    return len(rows)


def cached_rows(
    source: str, ticker: str, *, until: dt.datetime, since: dt.datetime | None = None
) -> list[RowItem]:
    """Items of (source, ticker) published at or before `until` (and after `since`), oldest first."""
    rows = CachedRow.objects.filter(source=source, ticker=ticker.upper(), published_at__lte=until)
    if since is not None:
        rows = rows.filter(published_at__gt=since)
    return [RowItem(r.uid, r.published_at, r.payload) for r in rows.order_by("published_at", "uid")]


def clear(ticker: str | None = None) -> tuple[int, int]:
    """Empty the cache, or only what is tagged with `ticker`; returns (bodies, rows) removed."""
    bodies, rows = CachedResponse.objects.all(), CachedRow.objects.all()
    if ticker:
        bodies, rows = bodies.filter(ticker=ticker.upper()), rows.filter(ticker=ticker.upper())
    removed_bodies, _ = bodies.delete()
    removed_rows, _ = rows.delete()
    return removed_bodies, removed_rows


def cache_size() -> dict[str, int]:
    """{bodies, body_bytes, rows} held, for the data sources page."""
    bodies = CachedResponse.objects.aggregate(n=Count("id"), size=Sum("size_bytes"))
    return {"bodies": bodies["n"] or 0, "body_bytes": bodies["size"] or 0, "rows": CachedRow.objects.count()}
