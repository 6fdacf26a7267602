"""The data migration labels rows stored before the `backdated` column existed."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from analysis.market_data import NEW_YORK
from analysis.models import Analysis
from tests.factories import AnalysisFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("analysis.migrations.0003_analysis_backdated")


def test_it_marks_replays_and_past_dated_runs_and_leaves_the_rest_current() -> None:
    made = dt.datetime(2025, 5, 27, 18, 0, tzinfo=NEW_YORK)
    rows = {
        "replay": AnalysisFactory(timestamp=made, as_of=made, run_kind="replay", ticker="AAPL"),
        "past": AnalysisFactory(
            timestamp=made, as_of=made - dt.timedelta(days=4), run_kind="interactive", ticker="MSFT"
        ),
        "live": AnalysisFactory(
            timestamp=made, as_of=made - dt.timedelta(seconds=2), run_kind="watchlist", ticker="NVDA"
        ),
        "legacy": AnalysisFactory(
            timestamp=made - dt.timedelta(days=9), as_of=None, run_kind=None, ticker="JPM"
        ),
    }
    # As the column's default left them: every row current.
    Analysis.objects.update(backdated=False)
    # The migration reads only the editor's connection.
    migration.mark_backdated(apps, SimpleNamespace(connection=connection))
    labelled = dict(Analysis.objects.values_list("pk", "backdated"))
    assert {name: labelled[row.pk] for name, row in rows.items()} == {
        "replay": True,
        "past": True,
        "live": False,
        "legacy": False,
    }
