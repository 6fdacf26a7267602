"""Database helpers shared by the apps."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

# SQLite takes one writer at a time. Threads that meet its lock wait in its busy handler,
# which sleeps in growing steps (1, 2, 5, 10 ms …) and so often long after the lock is free;
# queued on a Python lock instead, the next writer starts the moment the last one commits.
_SQLITE_WRITER = threading.Lock()


@contextmanager
def write_transaction() -> Iterator[None]:
    """`transaction.atomic()`; on SQLite, one such transaction at a time in this process."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with _SQLITE_WRITER, transaction.atomic():
        yield
