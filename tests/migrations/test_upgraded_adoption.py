"""`migrate` adopts a file the earlier system had already upgraded.

Every table and row is kept; only `alert_rules` is rebuilt, so that its CHECK
admits the five v2 rule types, and its rows keep their ids.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.migrations.conftest import Shape
from tests.migrations.dbtools import opened, rows_by_id
from tests.migrations.legacy_sql import ALL_RULE_TYPES, LEGACY_COLUMNS, LEGACY_RULE_TYPES, V2_RULE_TYPES

ENTRIES = "SELECT name, sql, rootpage FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name"
INSERT_RULE = (
    "INSERT INTO alert_rules (ticker, rule_type, threshold, enabled, created_at, updated_at) "
    "VALUES (?, ?, ?, 1, '2024-05-01T09:00:00', '2024-05-01T09:00:00')"
)


def _sequences(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT name, seq FROM sqlite_sequence"))


def test_it_keeps_every_row_of_every_legacy_table(upgraded: Shape) -> None:
    assert upgraded.before is not None
    with opened(upgraded.before) as before, opened(upgraded.after) as after:
        for table, columns in LEGACY_COLUMNS.items():
            original = rows_by_id(before, table, columns)
            assert original, f"fixture {table} should hold rows"
            assert rows_by_id(after, table, columns) == original, table
        legacy_sequences = _sequences(before)
        assert {name: _sequences(after).get(name) for name in legacy_sequences} == legacy_sequences


def test_it_keeps_every_legacy_rule_with_its_id(upgraded: Shape) -> None:
    with opened(upgraded.after) as conn:
        rules = conn.execute("SELECT id, rule_type FROM alert_rules ORDER BY id").fetchall()
    assert [rule_id for rule_id, _ in rules] == [1, 2, 3, 5, 6]
    assert sorted(rule_type for _, rule_type in rules) == sorted(LEGACY_RULE_TYPES)


def test_it_admits_the_v2_rule_types_and_still_refuses_an_unknown_one(upgraded: Shape) -> None:
    with opened(upgraded.after) as conn:
        (table_sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'alert_rules'").fetchone()
        assert all(f"'{rule_type}'" in table_sql for rule_type in ALL_RULE_TYPES)
        conn.execute(INSERT_RULE, ["AAPL", "ev_above", 0.01])
        # Rules 4 and 7 were deleted before the upgrade: AUTOINCREMENT must not hand 7 out again.
        (new_id,) = conn.execute("SELECT id FROM alert_rules WHERE rule_type = 'ev_above'").fetchone()
        assert new_id == 8
        for rule_type in V2_RULE_TYPES[1:]:
            conn.execute(INSERT_RULE, ["SAP", rule_type, 0.5])
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(INSERT_RULE, ["AAPL", "price_above", 200.0])
        conn.rollback()


def test_it_keeps_notifications_referencing_alert_rules(upgraded: Shape) -> None:
    with opened(upgraded.after) as conn:
        references = {
            (row[3], row[2], row[4]) for row in conn.execute("PRAGMA foreign_key_list(alert_notifications)")
        }
        assert ("alert_rule_id", "alert_rules", "id") in references
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert [name for name in tables if name.startswith("alert_rules")] == ["alert_rules"]
        assert not any("before_v2" in name for name in tables)
        # The reference resolves to the rebuilt table: it is enforced against it.
        conn.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            conn.execute("DELETE FROM alert_rules WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            conn.execute(
                "INSERT INTO alert_notifications (alert_rule_id, analysis_id, ticker, message, created_at) "
                "VALUES (7, 1, 'TSLA', 'orphan', '2024-05-01T09:00:00')"
            )
        conn.rollback()


# Columns this project adds to the earlier system's tables (appended, never rebuilt).
PROJECT_COLUMNS = {
    "analyses": ["as_of", "data_source", "run_kind", "backdated"],
    "analysis_outcomes": ["realized_date"],
    "calibration_snapshots": ["expected_calibration_error", "window_days"],
    "confidence_reliability_bins": ["ci_lower", "ci_upper", "mean_confidence"],
    "portfolio_holdings": [
        "market_value_source",
        "market_value_price",
        "market_value_price_date",
        "sector_source",
        "beta_source",
        "market_value_price_is_demo",
    ],
}


def test_it_leaves_every_other_table_and_index_as_it_was(upgraded: Shape) -> None:
    """Same DDL and same root pages (a rebuilt table gets new ones) for all but alert_rules.

    Tables that gain our own columns keep their root page (not rebuilt) and only gain those.
    """
    assert upgraded.before is not None
    with opened(upgraded.before) as before, opened(upgraded.after) as after:
        legacy = {name: (sql, page) for name, sql, page in before.execute(ENTRIES)}
        adopted = {name: (sql, page) for name, sql, page in after.execute(ENTRIES)}
        columns = {
            table: (
                [row[1] for row in before.execute(f"PRAGMA table_info({table})")],
                [row[1] for row in after.execute(f"PRAGMA table_info({table})")],
            )
            for table in PROJECT_COLUMNS
        }
    kept = {
        name: entry for name, entry in legacy.items() if name != "alert_rules" and name not in PROJECT_COLUMNS
    }
    assert {name: adopted.get(name) for name in kept} == kept
    for table, ours in PROJECT_COLUMNS.items():
        assert adopted[table][1] == legacy[table][1], table
        legacy_columns, adopted_columns = columns[table]
        assert adopted_columns == legacy_columns + ours, table
    assert "idx_reliability_bins_lookup" in adopted
