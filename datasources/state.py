"""State every process of the deployment shares: rate-limit slots and per-source counters.

With `REDIS_URL` it lives in Redis; on the embedded default in a small SQLite file under
`var/` (not the application database, so a burst of requests never queues behind its writer),
where `BEGIN IMMEDIATE` takes the file's write lock, so the web server, the Celery worker and
any command serialise their reservations. The rate limit spaces requests: each one reserves the
next free slot `1 / rate` seconds after the previous one and waits for it, so no window of one
second holds more than `rate` requests, whichever process made them.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

HOUR = 3600.0
_MINUTE = 60

_SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS slots (bucket TEXT PRIMARY KEY, next_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS minutes (
    source TEXT NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (source, minute));
CREATE TABLE IF NOT EXISTS outcomes (
    source TEXT PRIMARY KEY, last_success REAL, last_failure REAL, reason TEXT);
"""
_UPSERT_SLOT = (
    "INSERT INTO slots (bucket, next_at) VALUES (?, ?) "
    "ON CONFLICT(bucket) DO UPDATE SET next_at = excluded.next_at"
)
_COUNT = (
    "INSERT INTO minutes (source, minute, n) VALUES (?, ?, 1) "
    "ON CONFLICT(source, minute) DO UPDATE SET n = n + 1"
)
_SUCCESS = "UPDATE outcomes SET last_success = ? WHERE source = ?"
_FAILURE = "UPDATE outcomes SET last_failure = ?, reason = ? WHERE source = ?"


class SharedState(Protocol):
    def reserve(self, bucket: str, interval: float, now: float) -> float:
        """Reserve the next request slot of `bucket` at or after `now`; returns its time (epoch s)."""

    def record(self, source: str, now: float, *, ok: bool, reason: str = "") -> None:
        """Count one request of `source` and remember it as the last success or failure."""

    def status(self, source: str, now: float) -> dict[str, object]:
        """{last_success, last_failure (epoch seconds or None), last_failure_reason, requests_last_hour}."""

    def clear(self) -> None: ...


class SqliteState:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._connect().executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # One connection per thread and process (a forked child must not reuse its parent's).
        key = (os.getpid(), threading.get_ident())
        if getattr(self._local, "key", None) != key:
            self._local.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            # A slot or a count lost with the machine's power is harmless; an fsync per
            # reservation (two transactions a request) held concurrent requests ~4 ms apart.
            self._local.db.execute("PRAGMA synchronous=NORMAL")
            self._local.key = key
        return self._local.db

    def _transaction(self, statements: list[tuple[str, tuple]]) -> None:
        db = self._connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                db.execute(sql, params)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def reserve(self, bucket: str, interval: float, now: float) -> float:
        db = self._connect()
        # IMMEDIATE takes the write lock before the read, so no two processes read the same slot.
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT next_at FROM slots WHERE bucket = ?", (bucket,)).fetchone()
            slot = max(now, row[0]) if row else now
            db.execute(_UPSERT_SLOT, (bucket, slot + interval))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return slot

    def record(self, source: str, now: float, *, ok: bool, reason: str = "") -> None:
        minute = int(now // _MINUTE)
        self._transaction(
            [
                (_COUNT, (source, minute)),
                ("DELETE FROM minutes WHERE minute < ?", (minute - 120,)),
                ("INSERT OR IGNORE INTO outcomes (source) VALUES (?)", (source,)),
                (_SUCCESS, (now, source)) if ok else (_FAILURE, (now, reason, source)),
            ]
        )

    def status(self, source: str, now: float) -> dict[str, object]:
        db = self._connect()
        since = int((now - HOUR) // _MINUTE) + 1
        (count,) = db.execute(
            "SELECT COALESCE(SUM(n), 0) FROM minutes WHERE source = ? AND minute >= ?", (source, since)
        ).fetchone()
        row = db.execute(
            "SELECT last_success, last_failure, reason FROM outcomes WHERE source = ?", (source,)
        ).fetchone() or (None, None, None)
        return {
            "last_success": row[0],
            "last_failure": row[1],
            "last_failure_reason": row[2] or "",
            "requests_last_hour": int(count),
        }

    def clear(self) -> None:
        self._transaction(
            [("DELETE FROM slots", ()), ("DELETE FROM minutes", ()), ("DELETE FROM outcomes", ())]
        )


# KEYS[1] = slot key; ARGV = now, interval. A script runs atomically in Redis, so every process
# shares the slots.
_RESERVE_SCRIPT = """
local next_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(tonumber(ARGV[1]), next_at)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[2])), 'EX', 3600)
return tostring(slot)
"""


class RedisState:
    def __init__(self, url: str, prefix: str = "pmresearch:datasources:") -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._reserve = self.redis.register_script(_RESERVE_SCRIPT)

    def reserve(self, bucket: str, interval: float, now: float) -> float:
        return float(self._reserve(keys=[f"{self.prefix}slot:{bucket}"], args=[repr(now), repr(interval)]))

    def record(self, source: str, now: float, *, ok: bool, reason: str = "") -> None:
        minute_key = f"{self.prefix}minute:{source}:{int(now // _MINUTE)}"
        pipe = self.redis.pipeline()
        pipe.incr(minute_key)
        pipe.expire(minute_key, int(HOUR) + 2 * _MINUTE)
        fields = {"last_success": repr(now)} if ok else {"last_failure": repr(now), "reason": reason}
        pipe.hset(f"{self.prefix}outcome:{source}", mapping=fields)
        pipe.execute()

    def status(self, source: str, now: float) -> dict[str, object]:
        first = int((now - HOUR) // _MINUTE) + 1
        keys = [f"{self.prefix}minute:{source}:{m}" for m in range(first, int(now // _MINUTE) + 1)]
        count = sum(int(v) for v in self.redis.mget(keys) if v is not None)
        held = self.redis.hgetall(f"{self.prefix}outcome:{source}")
        outcome = {k.decode(): v.decode() for k, v in held.items()}
        return {
            "last_success": float(outcome["last_success"]) if "last_success" in outcome else None,
            "last_failure": float(outcome["last_failure"]) if "last_failure" in outcome else None,
            "last_failure_reason": outcome.get("reason", ""),
            "requests_last_hour": count,
        }

    def clear(self) -> None:
        for key in self.redis.scan_iter(f"{self.prefix}*"):
            self.redis.delete(key)


@functools.lru_cache(maxsize=4)
def _state_for(redis_url: str, sqlite_path: str) -> SharedState:
    return RedisState(redis_url) if redis_url else SqliteState(sqlite_path)


def shared_state() -> SharedState:
    """The deployment's shared state: Redis with REDIS_URL, else `var/datasources_state.sqlite3`."""
    from django.conf import settings

    return _state_for(settings.REDIS_URL, str(Path(settings.VAR_DIR) / "datasources_state.sqlite3"))
