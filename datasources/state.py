"""State every process of the deployment shares: rate-limit slots and per-source counters.

With `REDIS_URL` it lives in Redis; on the embedded default in a small SQLite file under
`var/` (not the application database, so a burst of requests never queues behind its writer),
where each reservation is one statement that takes the file's write lock before it reads, so
the web server, the Celery worker and any command serialise their reservations. The rate limit
is a sliding window: each request reserves the first moment at which the window of `window`
seconds ending there holds fewer than `capacity` reservations, and waits for it, so no window
holds more than `capacity` requests, whichever process made them. SEC's "10 requests per
second" is a capacity of 10 in any one second: a company's submissions and companyfacts go out
together, where slots a tenth of a second apart held the second back 100 ms.
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

# Each operation is one SQL statement, triggers doing the rest inside it. The sqlite3 module gives
# up the interpreter lock around every statement it steps, and a thread taking it back while
# another computes (the analysis parsing a body) waits up to the switch interval, 5 ms: a
# reservation of four statements took 15-18 ms beside a busy thread, and a prefetch's lanes
# queued behind one another's. One statement in autocommit is also one transaction, so two
# processes still never reserve from the same slots.
_SCHEMA_VERSION = 2  # the user_version `_SCHEMA` sets
# Version 1 (a reservation in four statements) kept other columns: its counters are dropped on
# upgrade, and the last hour's requests counted again from there.
_SCHEMA = """
DROP TABLE IF EXISTS windows;
CREATE TABLE IF NOT EXISTS slots (bucket TEXT NOT NULL, t REAL NOT NULL, capacity INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS slots_by_time ON slots (bucket, t);
CREATE TRIGGER IF NOT EXISTS slots_kept AFTER INSERT ON slots BEGIN
  DELETE FROM slots WHERE bucket = NEW.bucket AND t < (
    SELECT t FROM slots WHERE bucket = NEW.bucket ORDER BY t DESC LIMIT 1 OFFSET NEW.capacity - 1);
END;
CREATE TABLE IF NOT EXISTS minutes (
    source TEXT NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (source, minute));
CREATE TABLE IF NOT EXISTS outcomes (
    source TEXT PRIMARY KEY, last_at REAL, last_success REAL, last_failure REAL, reason TEXT);
CREATE TRIGGER IF NOT EXISTS counted_first AFTER INSERT ON outcomes BEGIN
  INSERT INTO minutes (source, minute, n) VALUES (NEW.source, CAST(NEW.last_at / 60 AS INTEGER), 1)
    ON CONFLICT (source, minute) DO UPDATE SET n = n + 1;
  DELETE FROM minutes WHERE minute < CAST(NEW.last_at / 60 AS INTEGER) - 120;
END;
CREATE TRIGGER IF NOT EXISTS counted AFTER UPDATE ON outcomes BEGIN
  INSERT INTO minutes (source, minute, n) VALUES (NEW.source, CAST(NEW.last_at / 60 AS INTEGER), 1)
    ON CONFLICT (source, minute) DO UPDATE SET n = n + 1;
  DELETE FROM minutes WHERE minute < CAST(NEW.last_at / 60 AS INTEGER) - 120;
END;
PRAGMA user_version = 2;
"""
_DROP_VERSION_1 = "DROP TABLE IF EXISTS minutes; DROP TABLE IF EXISTS outcomes;"
# `next_slot` in SQL: the latest of now, the last slot held, and the capacity-th latest slot of
# the window ending now, plus the window; the trigger keeps the latest `capacity` slots.
_RESERVE = """
INSERT INTO slots (bucket, t, capacity)
SELECT :bucket, MAX(
    :now,
    COALESCE((SELECT MAX(t) FROM slots WHERE bucket = :bucket), :now),
    COALESCE((
        SELECT t FROM slots WHERE bucket = :bucket AND t > :now - :window
        ORDER BY t DESC LIMIT 1 OFFSET :capacity - 1
    ) + :window, :now)
), :capacity
RETURNING t
"""
# A success keeps the last failure's reason; the triggers count the request in its minute.
_RECORD = """
INSERT INTO outcomes (source, last_at, last_success, last_failure, reason) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (source) DO UPDATE SET
    last_at = excluded.last_at,
    last_success = COALESCE(excluded.last_success, last_success),
    last_failure = COALESCE(excluded.last_failure, last_failure),
    reason = CASE WHEN excluded.last_failure IS NULL THEN reason ELSE excluded.reason END
"""


class SharedState(Protocol):
    def reserve(self, bucket: str, capacity: int, window: float, now: float) -> float:
        """Reserve the first moment at or after `now` when `bucket`'s last `window` seconds hold
        fewer than `capacity` reservations; returns its time (epoch s)."""

    def record(self, source: str, now: float, *, ok: bool, reason: str = "") -> None:
        """Count one request of `source` and remember it as the last success or failure."""

    def status(self, source: str, now: float) -> dict[str, object]:
        """{last_success, last_failure (epoch seconds or None), last_failure_reason, requests_last_hour}."""

    def clear(self) -> None: ...


class SqliteState:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        # One connection per process, used by one thread at a time: this process's threads
        # take turns on a lock of its own, where a handoff is immediate; left to SQLite's file
        # lock, a thread that finds it taken retries after sleeps of 1, 2, 5, 10 ms and more,
        # and a prefetch's eight lanes finishing together held one another up to 19 ms. Other
        # processes still serialise on the file lock. A connection per thread cost each new
        # fetching thread 1.5-6 ms to open, and a lane's reservations wait on one another.
        # Per process: a child forked while a parent's thread held the lock, or with the
        # parent's connection open, must inherit neither.
        self._turns: dict[int, threading.Lock] = {}
        self._connections: dict[int, sqlite3.Connection] = {}
        with self._turn():
            db = self._connect()
            db.execute("PRAGMA journal_mode=WAL")
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version != _SCHEMA_VERSION:
                # A new file, or one of version 1 (which set no version). Two processes upgrading
                # together may each drop the counters: a few requests uncounted, nothing more.
                db.executescript(f"BEGIN IMMEDIATE; {_DROP_VERSION_1} {_SCHEMA} COMMIT;")

    def _connect(self) -> sqlite3.Connection:
        """This process's connection; call it holding `_turn()`."""
        pid = os.getpid()
        db = self._connections.get(pid)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            # A slot or a count lost with the machine's power is harmless; an fsync per
            # reservation (two transactions a request) held concurrent requests ~4 ms apart.
            db.execute("PRAGMA synchronous=NORMAL")
            self._connections = {pid: db}  # a parent's connection is not a child's to close
        return db

    def _turn(self) -> threading.Lock:
        return self._turns.setdefault(os.getpid(), threading.Lock())

    def _run(self, sql: str, params: tuple | dict) -> sqlite3.Cursor:
        with self._turn():
            return self._connect().execute(sql, params)

    def reserve(self, bucket: str, capacity: int, window: float, now: float) -> float:
        params = {"bucket": bucket, "capacity": capacity, "window": window, "now": now}
        with self._turn():
            (slot,) = self._connect().execute(_RESERVE, params).fetchone()
        return float(slot)

    def record(self, source: str, now: float, *, ok: bool, reason: str = "") -> None:
        self._run(_RECORD, (source, now, now if ok else None, None if ok else now, None if ok else reason))

    def status(self, source: str, now: float) -> dict[str, object]:
        since = int((now - HOUR) // _MINUTE) + 1
        with self._turn():
            db = self._connect()
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
        with self._turn():
            self._connect().executescript(
                "BEGIN IMMEDIATE; DELETE FROM slots; DELETE FROM minutes; DELETE FROM outcomes; COMMIT;"
            )


# KEYS[1] = the bucket's list of reserved slots, oldest first; ARGV = now, capacity, window.
# The same rule as `next_slot`; a script runs atomically in Redis, so every process shares it.
_RESERVE_SCRIPT = """
local now, capacity, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local kept = {}
for _, value in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local t = tonumber(value)
  if t > now - window then table.insert(kept, t) end
end
local slot = now
if #kept >= capacity then slot = math.max(slot, kept[#kept - capacity + 1] + window) end
if #kept > 0 then slot = math.max(slot, kept[#kept]) end
table.insert(kept, slot)
redis.call('DEL', KEYS[1])
for i = math.max(1, #kept - capacity + 1), #kept do
  redis.call('RPUSH', KEYS[1], string.format('%.17g', kept[i]))
end
redis.call('EXPIRE', KEYS[1], 3600)
return string.format('%.17g', slot)
"""


def next_slot(held: list[float], capacity: int, window: float, now: float) -> tuple[float, list[float]]:
    """The first moment at or after `now` when the `window` seconds ending there hold fewer than
    `capacity` of the `held` slots (oldest first), and the slots to keep with it.

    Slots older than the window constrain nothing and are dropped; a slot is never earlier than
    the last one held, so the list stays in order.
    """
    kept = [t for t in held if t > now - window]
    slot = now
    if len(kept) >= capacity:
        slot = max(slot, kept[-capacity] + window)
    if kept:
        slot = max(slot, kept[-1])
    kept.append(slot)
    return slot, kept[-capacity:]


class RedisState:
    def __init__(self, url: str, prefix: str = "pmresearch:datasources:") -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._reserve = self.redis.register_script(_RESERVE_SCRIPT)

    def reserve(self, bucket: str, capacity: int, window: float, now: float) -> float:
        keys = [f"{self.prefix}window:{bucket}"]
        return float(self._reserve(keys=keys, args=[repr(now), capacity, repr(window)]))

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
