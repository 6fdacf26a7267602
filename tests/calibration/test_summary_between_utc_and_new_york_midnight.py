"""GET /api/calibration/summary on a frozen clock between midnight UTC and midnight New York.

In those hours (20:00 to 24:00 New York, four or five a day) the UTC date is a day ahead of the
market's. The summary is dated by New York: `as_of_date` is the New York day, and an outcome
realised on it is inside the window that ends on it. The walkthrough saw `as_of_date` 2026-12-01
against a UTC date of 2026-12-02 at 04:2x UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import AnalysisOutcomeFactory, CalibrationSnapshotFactory

pytestmark = pytest.mark.django_db

NEW_YORK_DAY = dt.date(2026, 12, 1)


@pytest.fixture
def api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC),  # 19:00 on the 1st in New York (EST)
        dt.datetime(2026, 12, 2, 4, 25, tzinfo=dt.UTC),  # 23:25: the walkthrough's hour
        dt.datetime(2026, 12, 2, 4, 59, tzinfo=dt.UTC),  # 23:59, the last minute of the 1st
    ],
)
def test_it_counts_on_the_new_york_day_while_utc_is_a_day_ahead(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, now: dt.datetime
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert now.date() == NEW_YORK_DAY + dt.timedelta(days=1)  # the hours this test is about
    AnalysisOutcomeFactory.create_batch(3, horizon_days=1)
    AnalysisOutcomeFactory(horizon_days=7, status="complete", realized_date=NEW_YORK_DAY)  # today, in NY
    AnalysisOutcomeFactory(
        horizon_days=7, status="complete", realized_date=NEW_YORK_DAY - dt.timedelta(days=3)
    )
    # The window's first day is the 90th back, counting today; the day before it is outside.
    AnalysisOutcomeFactory(
        horizon_days=7, status="complete", realized_date=NEW_YORK_DAY - dt.timedelta(days=89)
    )
    AnalysisOutcomeFactory(
        horizon_days=7, status="complete", realized_date=NEW_YORK_DAY - dt.timedelta(days=90)
    )
    CalibrationSnapshotFactory(horizon_days=7, as_of_date=NEW_YORK_DAY)

    body = api.get("/api/calibration/summary?window_days=90").json()

    assert body["as_of_date"] == NEW_YORK_DAY.isoformat()
    one, seven, _ = body["horizon_summaries"]
    assert (one["pending_outcomes"], one["complete_outcomes"]) == (3, 0)
    assert (seven["pending_outcomes"], seven["complete_outcomes"]) == (0, 3)
    assert seven["snapshot"]["as_of_date"] == NEW_YORK_DAY.isoformat()
