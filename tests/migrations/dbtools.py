"""Run `manage.py migrate` against a SQLite file, and read that file back with `sqlite3`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from tests.live_server import subprocess_env

REPO_ROOT = Path(__file__).resolve().parents[2]

PROJECT_APPS = ("analysis", "calibration", "portfolio", "alerts", "watchlists", "rollout")
ADOPTING_APPS = ("analysis", "calibration", "portfolio", "alerts", "watchlists")
FLAG_COUNT = 11

TypedRow = tuple[tuple[str, Any], ...]


def start_migrate(db: Path, var_dir: Path, *args: str) -> subprocess.Popen[str]:
    """Start `manage.py migrate` on `db`, writing nothing into the checkout's var/."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = subprocess_env(DATABASE_URL=f"sqlite:///{db.resolve()}", PMRESEARCH_VAR_DIR=str(var_dir))
    return subprocess.Popen(
        [sys.executable, "manage.py", "migrate", "--noinput", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_migrate(process: subprocess.Popen[str]) -> str:
    """Wait for a migrate started by `start_migrate`; its stdout, or AssertionError when it failed."""
    stdout, stderr = process.communicate(timeout=180)
    if process.returncode != 0:
        raise AssertionError(
            f"migrate exited {process.returncode}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        )
    return stdout


def migrate(db: Path, var_dir: Path, *args: str) -> str:
    return finish_migrate(start_migrate(db, var_dir, *args))


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that is closed (and its open transaction rolled back) on exit."""
    with closing(sqlite3.connect(path)) as conn:
        yield conn


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite file, WAL included."""
    with opened(src) as source, opened(dst) as target:
        source.backup(target)
    return dst


def typed(row: Sequence[Any]) -> TypedRow:
    """A row with each value's Python type, so 1 and 1.0, or '1' and 1, do not compare equal."""
    return tuple((type(value).__name__, value) for value in row)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_rows(conn: sqlite3.Connection, table: str, columns: Sequence[str] | None = None) -> list[TypedRow]:
    """Every row of `table` (the given columns, else all), ordered by rowid (the id)."""
    selected = ", ".join(quoted(c) for c in columns) if columns else "*"
    query = f"SELECT {selected} FROM {quoted(table)} ORDER BY rowid"
    return [typed(row) for row in conn.execute(query)]


def rows_by_id(conn: sqlite3.Connection, table: str, columns: Sequence[str]) -> dict[int, TypedRow]:
    """The given columns of every row, keyed by id (the first column must be id)."""
    assert columns[0] == "id"
    return {row[0][1]: row for row in table_rows(conn, table, columns)}


def table_info(conn: sqlite3.Connection, table: str) -> dict[str, dict[str, Any]]:
    """`PRAGMA table_info`, keyed by column name."""
    return {
        name: {"type": decl, "notnull": notnull, "dflt_value": dflt, "pk": pk}
        for _cid, name, decl, notnull, dflt, pk in conn.execute(f"PRAGMA table_info({quoted(table)})")
    }


def schema(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()


def snapshot(path: Path, *, ignore_migration_history: bool = False) -> dict[str, Any]:
    """The whole schema and every row of every table.

    With `ignore_migration_history`, `django_migrations` (and its sqlite_sequence
    entry) is left out: re-applying a migration records it again.
    """
    with opened(path) as conn:
        entries = schema(conn)
        tables = [name for kind, name, _tbl, _sql in entries if kind == "table"]
        rows = {}
        for table in tables:
            if ignore_migration_history and table == "django_migrations":
                continue
            found = table_rows(conn, table)
            if ignore_migration_history and table == "sqlite_sequence":
                found = [row for row in found if row[0][1] != "django_migrations"]
            rows[table] = found
    return {"schema": entries, "rows": rows}


def applied_migrations(path: Path) -> list[tuple[str, str]]:
    with opened(path) as conn:
        return conn.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()


def forget_migrations(path: Path, apps: Sequence[str], *, keep: Sequence[tuple[str, str]] = ()) -> int:
    """Delete the apps' rows from django_migrations (except `keep`); how many were deleted."""
    with opened(path) as conn:
        deleted = 0
        for app in apps:
            for (name,) in conn.execute("SELECT name FROM django_migrations WHERE app = ?", [app]).fetchall():
                if (app, name) not in keep:
                    conn.execute("DELETE FROM django_migrations WHERE app = ? AND name = ?", [app, name])
                    deleted += 1
        conn.commit()
    return deleted


def flag_names(path: Path) -> list[str]:
    with opened(path) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM rollout_featureflag ORDER BY name")]
