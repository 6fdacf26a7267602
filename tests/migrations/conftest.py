"""Each database shape, built once per session and migrated once (the four migrates run concurrently).

These tests use their own SQLite files through `manage.py migrate` subprocesses
and the `sqlite3` module, not pytest-django's test database. A shape's `after`
file is shared: tests that write must work on `clone()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.migrations import legacy_sql
from tests.migrations.dbtools import copy_db, finish_migrate, start_migrate


@dataclass(frozen=True)
class Shape:
    name: str
    before: Path | None  # the legacy file as built, never migrated (None for an empty file)
    after: Path  # the same file after one migrate: read it, do not write to it
    output: str  # that migrate's stdout
    workdir: Path

    def clone(self, label: str) -> Path:
        """A private copy of the migrated file, for a test that writes."""
        return copy_db(self.after, self.workdir / f"{label}.db")

    def var_dir(self, label: str) -> Path:
        return self.workdir / f"var-{label}"


BUILDERS: dict[str, Callable[[Path], Path] | None] = {
    "fresh": None,
    "legacy_v1": legacy_sql.build_legacy_v1,
    "upgraded": legacy_sql.build_upgraded,
    "partial": legacy_sql.build_partial,
}


@pytest.fixture(scope="session")
def shapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Shape | str]:
    """Every shape, migrated; a shape whose migrate failed maps to the failure's text."""
    started = {}
    for name, build in BUILDERS.items():
        workdir = tmp_path_factory.mktemp(f"migrations-{name}")
        after = workdir / "market_research.db"
        before = None
        if build is not None:
            before = build(workdir / "legacy.db")
            copy_db(before, after)
        started[name] = (workdir, before, after, start_migrate(after, workdir / "var"))
    built: dict[str, Shape | str] = {}
    for name, (workdir, before, after, process) in started.items():
        try:
            built[name] = Shape(name, before, after, finish_migrate(process), workdir)
        except AssertionError as failure:  # only this shape's tests should error
            built[name] = str(failure)
    return built


@pytest.fixture
def shape(request: pytest.FixtureRequest, shapes: dict[str, Shape | str]) -> Shape:
    """The shape named by indirect parametrisation, e.g. `@pytest.mark.parametrize("shape", [...], indirect=True)`."""
    return _migrated(shapes, request.param)


def _migrated(shapes: dict[str, Shape | str], name: str) -> Shape:
    found = shapes[name]
    if isinstance(found, str):
        raise AssertionError(f"migrating the {name} shape failed:\n{found}")
    return found


@pytest.fixture
def fresh(shapes: dict[str, Shape | str]) -> Shape:
    return _migrated(shapes, "fresh")


@pytest.fixture
def legacy_v1(shapes: dict[str, Shape | str]) -> Shape:
    return _migrated(shapes, "legacy_v1")


@pytest.fixture
def upgraded(shapes: dict[str, Shape | str]) -> Shape:
    return _migrated(shapes, "upgraded")


@pytest.fixture
def partial(shapes: dict[str, Shape | str]) -> Shape:
    return _migrated(shapes, "partial")
