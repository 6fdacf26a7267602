"""`migrate` adopts a legacy v1 file in place: columns and tables are added, no row changes."""

from __future__ import annotations

import sqlite3

import pytest

from tests.migrations.conftest import Shape
from tests.migrations.dbtools import opened, rows_by_id, table_info
from tests.migrations.legacy_sql import (
    ADDED_TABLES,
    ANALYSES_ADDED_COLUMNS,
    LEGACY_COLUMNS,
    V1_TABLES,
    v1_columns,
)

ENTRIES = "SELECT name, sql, rootpage FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name"


def test_it_keeps_every_original_row_with_identical_values(legacy_v1: Shape) -> None:
    assert legacy_v1.before is not None
    with opened(legacy_v1.before) as before, opened(legacy_v1.after) as after:
        for table in V1_TABLES:
            columns = v1_columns(table)
            original = rows_by_id(before, table, columns)
            assert len(original) >= 5, f"fixture {table} should hold several rows"
            assert rows_by_id(after, table, columns) == original, table


def test_it_adds_the_missing_analyses_columns_with_v1_as_the_schema_version(legacy_v1: Shape) -> None:
    with opened(legacy_v1.after) as conn:
        info = table_info(conn, "analyses")
        assert set(LEGACY_COLUMNS["analyses"]) <= set(info)
        version = info["analysis_schema_version"]
        assert version["notnull"] == 1
        assert version["dflt_value"] == "'v1'"
        versions = conn.execute("SELECT DISTINCT analysis_schema_version FROM analyses").fetchall()
        assert versions == [("v1",)]
        others = [c for c in ANALYSES_ADDED_COLUMNS if c != "analysis_schema_version"]
        non_null = conn.execute(
            "SELECT COUNT(*) FROM analyses WHERE " + " OR ".join(f'"{c}" IS NOT NULL' for c in others)
        ).fetchone()
        assert non_null == (0,)


def test_it_creates_every_added_table(legacy_v1: Shape) -> None:
    with opened(legacy_v1.after) as conn:
        missing = {
            table: sorted(set(LEGACY_COLUMNS[table]) - set(table_info(conn, table))) for table in ADDED_TABLES
        }
    assert {table: cols for table, cols in missing.items() if cols} == {}


def test_it_does_not_rebuild_the_legacy_tables(legacy_v1: Shape) -> None:
    """Same root pages (a rebuilt table gets new ones), same indexes, same DDL but the added columns."""
    assert legacy_v1.before is not None
    with opened(legacy_v1.before) as before, opened(legacy_v1.after) as after:
        legacy = {name: (sql, page) for name, sql, page in before.execute(ENTRIES)}
        adopted = {name: (sql, page) for name, sql, page in after.execute(ENTRIES)}
    assert {name: adopted.get(name, (None, None))[1] for name in legacy} == {
        name: page for name, (_sql, page) in legacy.items()
    }
    for name, (sql, _page) in legacy.items():
        if name == "analyses":
            # ALTER TABLE ... ADD COLUMN splices the new columns into the stored CREATE statement.
            for clause in ("UNIQUE (ticker, timestamp)", "CHECK (recommendation IN ('BUY', 'HOLD', 'SELL'))"):
                assert clause in adopted[name][0]
        else:
            assert adopted[name][0] == sql, name


def test_it_still_enforces_the_legacy_analyses_constraints(legacy_v1: Shape) -> None:
    with opened(legacy_v1.after) as conn:
        with pytest.raises(sqlite3.IntegrityError, match=r"UNIQUE constraint failed: analyses\.ticker"):
            conn.execute(
                "INSERT INTO analyses (ticker, timestamp, recommendation) VALUES (?, ?, ?)",
                ["AAPL", "2024-03-11T14:30:05.123456", "SELL"],
            )
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(
                "INSERT INTO analyses (ticker, timestamp, recommendation) VALUES (?, ?, ?)",
                ["AAPL", "2024-06-01T14:30:00", "STRONG_BUY"],
            )
        conn.rollback()
