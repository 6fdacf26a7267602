"""The checkpoint file: its initial state, atomic durable writes, and the run lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rollout.backfill.outcomes import COUNT_KEYS

CHECKPOINT_FORMAT = "signal-contract-backfill-checkpoint/1"


class BackfillError(Exception):
    """A run that cannot start (bad checkpoint, mismatched parameters, a concurrent run)."""


def write_json_atomic(path: Path, value: Any) -> None:
    """Replace ``path`` with ``value`` as JSON, durably: a reader (or a re-run after a crash)
    sees the old file or the new one, never a mix.
    """
    write_text_atomic(path, json.dumps(value, separators=(",", ":")), durable=True)


def write_text_atomic(path: Path, text: str, *, durable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        with contextlib.suppress(OSError):  # make the rename itself durable
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def new_state(*, days: int, since: dt.datetime, max_id: int, started_at: dt.datetime) -> dict[str, Any]:
    return {
        "format": CHECKPOINT_FORMAT,
        "status": "running",
        "started_at": started_at.isoformat(),
        "since": since.isoformat(),
        "days": days,
        "max_id": max_id,
        "last_processed_id": 0,
        "batches": 0,
        "resumes": 0,
        "counts": dict.fromkeys(COUNT_KEYS, 0),
        "spot_candidates": [],
        "skipped": [],
        "failures": [],
        "pending": None,
    }


@contextlib.contextmanager
def run_lock(checkpoint_path: Path) -> Iterator[None]:
    """An exclusive lock next to the checkpoint (released by the OS even on kill -9)."""
    import fcntl

    lock_path = checkpoint_path.with_name(checkpoint_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise BackfillError(f"Another backfill holds {lock_path}; wait for it to finish.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
