"""GET /api/macro-events: a validated date range (default: every event) and type."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from calibration.models import MacroCatalystEvent
from calibration.selectors import market_today
from tests.factories import MacroCatalystEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_seeded_events(db: Any) -> None:
    # A data migration seeds the published calendar; these tests bring their own events.
    MacroCatalystEvent.objects.all().delete()


@pytest.fixture
def api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


def dates(body: dict[str, Any]) -> list[str]:
    return [event["event_date"] for event in body["events"]]


def test_without_a_range_it_lists_every_event_by_date(api: APIClient) -> None:
    today = market_today()
    for offset in (91, -400, 0, 45):
        MacroCatalystEventFactory(event_date=today + dt.timedelta(days=offset))
    response = api.get("/api/macro-events")
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == (None, None)
    assert dates(body) == [(today + dt.timedelta(days=d)).isoformat() for d in (-400, 0, 45, 91)]
    assert body["total_count"] == body["count"] == 4
    assert set(body["events"][0]) == {
        "id", "event_type", "event_date", "event_label", "source", "enabled", "created_at", "updated_at",
    }  # fmt: skip


def test_it_filters_by_dates_and_type_and_hides_disabled_events(api: APIClient) -> None:
    MacroCatalystEventFactory(event_type="fomc", event_date=dt.date(2025, 6, 18), event_label="FOMC")
    MacroCatalystEventFactory(event_type="cpi", event_date=dt.date(2025, 6, 11))
    MacroCatalystEventFactory(event_type="nfp", event_date=dt.date(2025, 6, 6))
    MacroCatalystEventFactory(event_type="cpi", event_date=dt.date(2025, 7, 15))
    MacroCatalystEventFactory(event_type="cpi", event_date=dt.date(2025, 6, 12), enabled=False)
    body = api.get("/api/macro-events?from=2025-06-01&to=2025-06-30").json()
    assert dates(body) == ["2025-06-06", "2025-06-11", "2025-06-18"]
    body = api.get("/api/macro-events?from=2025-06-01&to=2025-07-31&event_type=CPI").json()
    assert body["event_type"] == "cpi"
    assert dates(body) == ["2025-06-11", "2025-07-15"]


def test_a_lone_from_or_to_leaves_the_other_end_open(api: APIClient) -> None:
    for day in (dt.date(2019, 6, 1), dt.date(2020, 1, 31), dt.date(2025, 1, 1), dt.date(2027, 9, 1)):
        MacroCatalystEventFactory(event_date=day)
    body = api.get("/api/macro-events?from=2025-01-01").json()
    assert (body["from"], body["to"]) == ("2025-01-01", None)
    assert dates(body) == ["2025-01-01", "2027-09-01"]
    body = api.get("/api/macro-events?to=2020-01-31").json()
    assert (body["from"], body["to"]) == (None, "2020-01-31")
    assert dates(body) == ["2019-06-01", "2020-01-31"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-13-01", "from"),
        ("to=yesterday", "to"),
        ("event_type=earnings", "event_type"),
        ("from=2025-07-01&to=2025-06-01", "from must not be after to"),
        ("from=2000-01-01&to=2025-01-01", "at most 3660 days"),
    ],
)
def test_bad_input_is_a_400_that_names_the_problem(api: APIClient, query: str, field: str) -> None:
    response = api.get(f"/api/macro-events?{query}")
    assert response.status_code == 400
    assert field in response.json()["detail"]


def test_anonymous_callers_get_401() -> None:
    assert APIClient().get("/api/macro-events").status_code == 401
