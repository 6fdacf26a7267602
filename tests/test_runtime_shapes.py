"""The environment alone picks the embedded or the scaled shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.live_server import REPO_ROOT, subprocess_env

PRINT_SHAPE = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'options': s.DATABASES['default'].get('OPTIONS', {}), 'broker': s.CELERY_BROKER_URL, "
    "'backend': s.CELERY_RESULT_BACKEND, 'eventstream_redis': getattr(s, 'EVENTSTREAM_REDIS', None)}))"
)


def _shape(tmp_path: Path, **env: str) -> dict:
    child_env = subprocess_env(PMRESEARCH_VAR_DIR=str(tmp_path), **env)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if name not in env:
            child_env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_SHAPE],
        cwd=REPO_ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_needs_no_service(tmp_path: Path) -> None:
    shape = _shape(tmp_path)
    assert shape["engine"] == "django.db.backends.sqlite3"
    assert shape["options"]["transaction_mode"] == "IMMEDIATE"
    assert shape["options"]["timeout"] == 20
    assert "journal_mode=WAL" in shape["options"]["init_command"]
    assert shape["broker"] == "filesystem://"
    assert shape["backend"].startswith("file://")
    assert shape["eventstream_redis"] is None
    assert (tmp_path / "celery" / "queue").is_dir()


def test_database_url_and_redis_url_switch_to_the_scaled_shape(tmp_path: Path) -> None:
    shape = _shape(
        tmp_path,
        DATABASE_URL="postgres://pm:secret@db.internal:5432/pmresearch",
        REDIS_URL="redis://cache.internal:6380/2",
    )
    assert shape["engine"] == "django.db.backends.postgresql"
    assert shape["broker"] == shape["backend"] == "redis://cache.internal:6380/2"
    assert shape["eventstream_redis"] == {"host": "cache.internal", "port": 6380, "db": 2}


def test_the_sqlite_database_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    # On a file of its own, so this holds in the PostgreSQL pass too.
    script = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])"
    )
    env = subprocess_env(PMRESEARCH_VAR_DIR=str(tmp_path))
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout.split()[-2:] == ["wal", "20000"]
