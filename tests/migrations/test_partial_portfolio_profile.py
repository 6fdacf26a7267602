"""A `portfolio_profile` from before the upgrade gets its three later columns, filled for row 1."""

from __future__ import annotations

from tests.migrations.conftest import Shape
from tests.migrations.dbtools import opened, rows_by_id, table_info
from tests.migrations.legacy_sql import LEGACY_COLUMNS, PORTFOLIO_PROFILE_LATER_COLUMNS, V1_TABLES, v1_columns

EARLIER_COLUMNS = LEGACY_COLUMNS["portfolio_profile"][:8]


def test_it_adds_the_later_profile_columns_not_null_with_their_defaults(partial: Shape) -> None:
    with opened(partial.after) as conn:
        info = table_info(conn, "portfolio_profile")
        assert {column: info[column]["notnull"] for column in PORTFOLIO_PROFILE_LATER_COLUMNS} == {
            "target_portfolio_beta": 1,
            "max_turnover_pct": 1,
            "default_transaction_cost_bps": 1,
        }
        row = conn.execute(
            "SELECT id, target_portfolio_beta, max_turnover_pct, default_transaction_cost_bps "
            "FROM portfolio_profile"
        ).fetchall()
    assert row == [(1, 1.0, 0.15, 10.0)]
    assert all(isinstance(value, float) for value in row[0][1:])


def test_it_keeps_the_profile_row_and_every_v1_row(partial: Shape) -> None:
    assert partial.before is not None
    with opened(partial.before) as before, opened(partial.after) as after:
        assert rows_by_id(after, "portfolio_profile", EARLIER_COLUMNS) == rows_by_id(
            before, "portfolio_profile", EARLIER_COLUMNS
        )
        for table in V1_TABLES:
            columns = v1_columns(table)
            assert rows_by_id(after, table, columns) == rows_by_id(before, table, columns), table
