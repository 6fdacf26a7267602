"""`/health` is cheap by default; `?deep=1` re-reads the schema state at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from pmresearch.health import deep_checks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_deep_checks() -> Iterator[None]:
    deep_checks.clear()
    yield
    deep_checks.clear()


def test_it_reports_an_unapplied_migration_on_a_deep_check() -> None:
    assert Client().get("/health").json()["schema_up_to_date"] is True
    # As if the newest analysis migration had not been applied yet.
    applied = MigrationRecorder.Migration.objects.filter(app="analysis").order_by("-name").first()
    applied.delete()
    body = Client().get("/health?deep=1").json()
    assert body["schema_up_to_date"] is False
    assert body["status"] == "degraded"
    assert body["checks_age_seconds"] == 0


def test_it_keeps_every_key_on_the_cheap_default() -> None:
    deep = Client().get("/health?deep=1").json()
    cheap = Client().get("/health").json()
    assert set(cheap) == set(deep)
    assert cheap["schema_up_to_date"] is True and cheap["database_connected"] is True
