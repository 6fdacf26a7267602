"""Migrating again changes nothing, and neither does re-running the adoption guards themselves."""

from __future__ import annotations

import pytest

from tests.migrations.conftest import Shape
from tests.migrations.dbtools import (
    ADOPTING_APPS,
    FLAG_COUNT,
    PROJECT_APPS,
    applied_migrations,
    flag_names,
    forget_migrations,
    migrate,
    snapshot,
)

SHAPES = ("fresh", "legacy_v1", "upgraded")
# rollout's own table is ours from the start (never legacy), so its plain CreateModel stays recorded.
ROLLOUT_TABLE_MIGRATION = ("rollout", "0001_initial")


@pytest.mark.parametrize("shape", SHAPES, indirect=True)
def test_it_applies_nothing_and_changes_nothing_on_a_second_migrate(shape: Shape) -> None:
    db = shape.clone("second-migrate")
    first = snapshot(db)

    output = migrate(db, shape.var_dir("second-migrate"))

    assert "No migrations to apply" in output
    assert snapshot(db) == first


@pytest.mark.parametrize("shape", SHAPES, indirect=True)
def test_it_reruns_the_guards_over_their_own_tables_without_any_change(shape: Shape) -> None:
    db = shape.clone("rerun-guards")
    first = snapshot(db, ignore_migration_history=True)
    recorded = applied_migrations(db)
    assert forget_migrations(db, PROJECT_APPS, keep=[ROLLOUT_TABLE_MIGRATION]) >= len(ADOPTING_APPS) + 1

    output = migrate(db, shape.var_dir("rerun-guards"))

    for applied in (
        "analysis.0001_initial",
        "alerts.0002_admit_v2_rule_types",
        "rollout.0002_seed_flag_rows",
    ):
        assert f"Applying {applied}... OK" in output
    assert snapshot(db, ignore_migration_history=True) == first
    assert applied_migrations(db) == recorded
    assert len(flag_names(db)) == FLAG_COUNT
