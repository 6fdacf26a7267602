"""`migrate` on an empty file creates every legacy table, under its legacy names."""

from __future__ import annotations

import sqlite3

import pytest
from django.conf import settings

from tests.migrations.conftest import Shape
from tests.migrations.dbtools import FLAG_COUNT, flag_names, opened, table_info
from tests.migrations.legacy_sql import ALL_RULE_TYPES, LEGACY_COLUMNS

INSERT_RULE = (
    "INSERT INTO alert_rules (ticker, rule_type, threshold, enabled, created_at, updated_at) "
    "VALUES (?, ?, ?, 1, '2024-05-01T09:00:00', '2024-05-01T09:00:00')"
)


def test_it_creates_all_seventeen_legacy_tables_with_every_column(fresh: Shape) -> None:
    assert len(LEGACY_COLUMNS) == 17
    with opened(fresh.after) as conn:
        missing = {
            table: sorted(set(columns) - set(table_info(conn, table)))
            for table, columns in LEGACY_COLUMNS.items()
        }
    assert {table: cols for table, cols in missing.items() if cols} == {}
    with opened(fresh.after) as conn:
        assert all(table_info(conn, table) for table in LEGACY_COLUMNS), "a legacy table is absent"


def test_it_admits_each_of_the_ten_rule_types_and_refuses_an_unknown_one(fresh: Shape) -> None:
    with opened(fresh.after) as conn:  # closed without commit: the shared file is left as it was
        for rule_type in ALL_RULE_TYPES:
            conn.execute(INSERT_RULE, ["MSFT", rule_type, 1.5])
        stored = [rt for (rt,) in conn.execute("SELECT rule_type FROM alert_rules ORDER BY id")]
        assert stored == list(ALL_RULE_TYPES)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(INSERT_RULE, ["MSFT", "price_above", 1.5])
        conn.rollback()


def test_it_seeds_one_row_per_feature_flag(fresh: Shape) -> None:
    names = flag_names(fresh.after)
    assert len(names) == FLAG_COUNT
    assert sorted(names) == sorted(settings.FEATURE_FLAG_NAMES)
