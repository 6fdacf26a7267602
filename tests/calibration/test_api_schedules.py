"""/api/schedules: CRUD and runs, validated in one place, writable by desk admins only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from calibration.models import Schedule, ScheduleRun
from tests.factories import ScheduleFactory, ScheduleRunFactory

pytestmark = pytest.mark.django_db

SCHEDULE_KEYS = {
    "id", "ticker", "interval_minutes", "agents", "enabled", "last_run_at", "next_run_at",
    "created_at", "updated_at", "last_run_started_at", "last_run_status", "last_run_error",
}  # fmt: skip


@pytest.fixture
def api_for() -> Callable[[Any], APIClient]:
    def make(user: Any) -> APIClient:
        client = APIClient()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def admin_api(api_for: Callable[[Any], APIClient], desk_admin: Any) -> APIClient:
    return api_for(desk_admin)


@pytest.fixture
def pm_api(api_for: Callable[[Any], APIClient], pm: Any) -> APIClient:
    return api_for(pm)


@pytest.fixture
def viewer_api(api_for: Callable[[Any], APIClient], viewer: Any) -> APIClient:
    return api_for(viewer)


def create(client: APIClient, **body: Any) -> Any:
    return client.post("/api/schedules", body, format="json")


# --- create --------------------------------------------------------------------------------


def test_an_admin_creates_a_schedule_that_is_due_at_once(admin_api: APIClient) -> None:
    before = timezone.now()
    response = create(admin_api, ticker="aapl", interval_minutes=60)
    assert response.status_code == 200  # every success is a 200, as the earlier API answered
    body = response.json()
    assert set(body) == SCHEDULE_KEYS
    assert body["ticker"] == "AAPL"
    assert body["interval_minutes"] == 60
    assert body["agents"] is None  # all agents
    assert body["enabled"] is True
    assert body["last_run_at"] is None
    assert body["last_run_status"] is None
    schedule = Schedule.objects.get(pk=body["id"])
    # Due immediately, so the next scheduler tick picks it up.
    assert before <= schedule.next_run_at <= timezone.now()


def test_it_stores_share_classes_and_agents_in_canonical_form(admin_api: APIClient) -> None:
    body = create(admin_api, ticker="brk-b", interval_minutes=30, agents=" Technical, sentiment ").json()
    assert body["ticker"] == "BRK.B"
    # Canonical order, and sentiment brings in the news it reads.
    assert body["agents"] == "news,technical,sentiment"
    assert Schedule.objects.get(pk=body["id"]).agents == "news,technical,sentiment"


def test_every_agent_or_an_empty_list_is_stored_as_null_for_all(admin_api: APIClient) -> None:
    every = "news,market,fundamentals,technical,macro,options,sentiment"
    assert create(admin_api, ticker="MSFT", interval_minutes=60, agents=every).json()["agents"] is None
    assert create(admin_api, ticker="KO", interval_minutes=60, agents=" , ").json()["agents"] is None
    assert create(admin_api, ticker="PG", interval_minutes=60, agents=None).json()["agents"] is None


def test_it_accepts_the_interval_bounds_and_a_disabled_start(admin_api: APIClient) -> None:
    assert create(admin_api, ticker="A", interval_minutes=30).status_code == 200
    response = create(admin_api, ticker="B", interval_minutes=10080, enabled=False)
    assert response.status_code == 200
    assert response.json()["enabled"] is False


@pytest.mark.parametrize("ticker", ["", "   ", "TOOLONG", "AAPL$", "12", "BRK.BBB"])
def test_it_rejects_a_bad_ticker_with_the_ticker_message(admin_api: APIClient, ticker: str) -> None:
    response = create(admin_api, ticker=ticker, interval_minutes=60)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "e.g. AAPL or BRK.B" in detail
    assert not Schedule.objects.exists()


def test_a_missing_ticker_says_it_is_required(admin_api: APIClient) -> None:
    response = admin_api.post("/api/schedules", {"interval_minutes": 60}, format="json")
    assert response.status_code == 422  # a missing required field, as the earlier API answered
    assert response.json() == {"detail": "ticker is required, e.g. AAPL or BRK.B."}


@pytest.mark.parametrize("interval", [29, 10081, 0, -60, "abc", 60.5, True, None, [60]])
def test_it_rejects_an_interval_outside_30_to_10080(admin_api: APIClient, interval: Any) -> None:
    response = create(admin_api, ticker="AAPL", interval_minutes=interval)
    assert response.status_code == 422  # a declared bound
    assert response.json() == {
        "detail": "interval_minutes must be a whole number of minutes from 30 to 10080 (one week)."
    }


def test_a_missing_interval_says_it_is_required(admin_api: APIClient) -> None:
    response = admin_api.post("/api/schedules", {"ticker": "AAPL"}, format="json")
    assert response.status_code == 422
    assert response.json() == {"detail": "interval_minutes is required."}


def test_it_rejects_unknown_agents_naming_the_valid_ones(admin_api: APIClient) -> None:
    response = create(admin_api, ticker="AAPL", interval_minutes=60, agents="technical,astrology")
    assert response.status_code == 400
    detail = response.json()["detail"]
    # The earlier system's wording, valid names sorted.
    assert detail == (
        "Invalid agent names: astrology. "
        "Valid: fundamentals, macro, market, news, options, sentiment, technical"
    )


def test_it_rejects_agents_that_are_not_a_string(admin_api: APIClient) -> None:
    response = create(admin_api, ticker="AAPL", interval_minutes=60, agents=42)
    assert response.status_code == 400
    assert "comma-separated" in response.json()["detail"]


def test_it_rejects_a_non_boolean_enabled(admin_api: APIClient) -> None:
    response = create(admin_api, ticker="AAPL", interval_minutes=60, enabled="maybe")
    assert response.status_code == 422
    assert response.json() == {"detail": "enabled must be true or false."}


def test_a_second_schedule_for_the_same_ticker_is_refused(admin_api: APIClient) -> None:
    assert create(admin_api, ticker="AAPL", interval_minutes=60).status_code == 200
    response = create(admin_api, ticker="aapl", interval_minutes=120)
    assert response.status_code == 409
    assert response.json() == {"detail": "A schedule for AAPL already exists."}
    assert Schedule.objects.count() == 1


@pytest.mark.parametrize("body", ["[1, 2]", '"AAPL"', "{not json"])
def test_a_body_that_is_not_an_object_is_a_400(admin_api: APIClient, body: str) -> None:
    response = admin_api.post("/api/schedules", body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


# --- read ------------------------------------------------------------------------------------


def test_everyone_signed_in_reads_schedules_with_their_last_run(viewer_api: APIClient) -> None:
    msft = ScheduleFactory(ticker="MSFT", interval_minutes=120, agents="technical")
    ScheduleFactory(ticker="AAPL")
    now = timezone.now()
    ScheduleRunFactory(schedule=msft, started_at=now - dt.timedelta(hours=3), success=True, completed_at=now)
    ScheduleRunFactory(schedule=msft, started_at=now - dt.timedelta(hours=1), success=False, error="boom")
    response = viewer_api.get("/api/schedules")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == body["total_count"] == 2
    assert [s["ticker"] for s in body["schedules"]] == ["AAPL", "MSFT"]  # newest first
    aapl, listed = body["schedules"]
    assert aapl["last_run_status"] is None
    assert listed["last_run_status"] == "failed"  # the newest run decides
    assert listed["last_run_error"] == "boom"
    detail = viewer_api.get(f"/api/schedules/{msft.pk}").json()
    runs = detail.pop("runs")
    assert detail == listed
    assert [r["error"] for r in runs] == ["boom", None]  # its recent runs, newest first


def test_the_list_is_newest_first(viewer_api: APIClient) -> None:
    now = timezone.now()
    ScheduleFactory(ticker="KO", created_at=now - dt.timedelta(days=3))
    ScheduleFactory(ticker="NVDA", created_at=now)
    ScheduleFactory(ticker="AAPL", created_at=now - dt.timedelta(days=1))
    body = viewer_api.get("/api/schedules").json()
    assert [s["ticker"] for s in body["schedules"]] == ["NVDA", "AAPL", "KO"]


def test_an_unknown_schedule_is_a_404_with_a_clear_detail(
    viewer_api: APIClient, admin_api: APIClient
) -> None:
    assert viewer_api.get("/api/schedules/999").json() == {"detail": "Schedule 999 not found"}
    assert admin_api.put("/api/schedules/999", {"enabled": False}, format="json").status_code == 404
    assert admin_api.delete("/api/schedules/999").status_code == 404
    assert viewer_api.get("/api/schedules/999/runs").status_code == 404


def test_runs_are_listed_newest_first_and_limited(viewer_api: APIClient) -> None:
    schedule = ScheduleFactory(ticker="NVDA")
    other = ScheduleFactory(ticker="KO")
    start = timezone.now() - dt.timedelta(days=1)
    runs = [
        ScheduleRunFactory(schedule=schedule, started_at=start + dt.timedelta(hours=i), success=True)
        for i in range(5)
    ]
    ScheduleRunFactory(schedule=other, started_at=start + dt.timedelta(hours=10))
    body = viewer_api.get(f"/api/schedules/{schedule.pk}/runs?limit=3").json()
    assert body["schedule_id"] == schedule.pk
    assert body["ticker"] == "NVDA"
    assert body["count"] == body["total_count"] == 3
    assert [r["id"] for r in body["runs"]] == [runs[4].pk, runs[3].pk, runs[2].pk]
    assert body["runs"][0]["status"] == "success"
    assert len(viewer_api.get(f"/api/schedules/{schedule.pk}/runs").json()["runs"]) == 5


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "501"])
def test_a_bad_runs_limit_is_a_422(viewer_api: APIClient, limit: str) -> None:
    schedule = ScheduleFactory()
    response = viewer_api.get(f"/api/schedules/{schedule.pk}/runs?limit={limit}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("limit:")


# --- update and delete ---------------------------------------------------------------------


def test_put_and_patch_change_only_the_fields_given(admin_api: APIClient) -> None:
    schedule = ScheduleFactory(ticker="AAPL", interval_minutes=60, agents="technical")
    response = admin_api.put(f"/api/schedules/{schedule.pk}", {"interval_minutes": 240}, format="json")
    assert response.status_code == 200
    assert response.json()["interval_minutes"] == 240
    assert response.json()["agents"] == "technical"
    response = admin_api.patch(
        f"/api/schedules/{schedule.pk}", {"enabled": False, "agents": None}, format="json"
    )
    assert response.status_code == 200
    schedule.refresh_from_db()
    assert (schedule.interval_minutes, schedule.agents, schedule.enabled) == (240, None, False)


def test_changing_the_interval_moves_the_next_run(admin_api: APIClient) -> None:
    last = timezone.now() - dt.timedelta(minutes=10)
    schedule = ScheduleFactory(
        interval_minutes=60, last_run_at=last, next_run_at=last + dt.timedelta(hours=1)
    )
    admin_api.patch(f"/api/schedules/{schedule.pk}", {"interval_minutes": 30}, format="json")
    schedule.refresh_from_db()
    assert schedule.next_run_at == last + dt.timedelta(minutes=30)


def test_an_update_is_validated_like_a_create(admin_api: APIClient) -> None:
    ScheduleFactory(ticker="MSFT")
    schedule = ScheduleFactory(ticker="AAPL", interval_minutes=60)
    url = f"/api/schedules/{schedule.pk}"
    response = admin_api.patch(url, {"ticker": "msft"}, format="json")
    assert (response.status_code, response.json()) == (409, {"detail": "A schedule for MSFT already exists."})
    assert admin_api.patch(url, {"interval_minutes": 5}, format="json").status_code == 422
    assert admin_api.patch(url, {"agents": "nope"}, format="json").status_code == 400
    assert admin_api.patch(url, {"ticker": "not a ticker"}, format="json").status_code == 400
    # Keeping its own ticker is not a duplicate.
    assert admin_api.put(url, {"ticker": "AAPL", "interval_minutes": 90}, format="json").status_code == 200
    schedule.refresh_from_db()
    assert (schedule.ticker, schedule.interval_minutes) == ("AAPL", 90)


def test_an_empty_update_is_a_400(admin_api: APIClient) -> None:
    schedule = ScheduleFactory(ticker="AAPL", interval_minutes=60)
    response = admin_api.put(f"/api/schedules/{schedule.pk}", {}, format="json")
    assert (response.status_code, response.json()) == (400, {"detail": "No fields to update"})


def test_delete_says_so_and_removes_the_runs(admin_api: APIClient) -> None:
    schedule = ScheduleFactory()
    ScheduleRunFactory(schedule=schedule)
    response = admin_api.delete(f"/api/schedules/{schedule.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": f"Schedule {schedule.pk} deleted",
        "deleted_id": schedule.pk,
    }
    assert not Schedule.objects.exists()
    assert not ScheduleRun.objects.exists()


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["pm_api", "viewer_api"])
def test_pms_and_viewers_cannot_change_schedules(request: pytest.FixtureRequest, client_name: str) -> None:
    client: APIClient = request.getfixturevalue(client_name)
    schedule = ScheduleFactory(ticker="AAPL", interval_minutes=60)
    url = f"/api/schedules/{schedule.pk}"
    for response in (
        client.post("/api/schedules", {"ticker": "MSFT", "interval_minutes": 60}, format="json"),
        client.put(url, {"interval_minutes": 90}, format="json"),
        client.patch(url, {"enabled": False}, format="json"),
        client.delete(url),
    ):
        assert response.status_code == 403
        assert response.json() == {"detail": "Only a desk admin can change this."}
    schedule.refresh_from_db()
    assert (Schedule.objects.count(), schedule.interval_minutes, schedule.enabled) == (1, 60, True)
    assert client.get(url).status_code == 200


def test_anonymous_callers_get_401() -> None:
    client = APIClient()
    schedule = ScheduleFactory()
    for method, url in (
        ("get", "/api/schedules"),
        ("post", "/api/schedules"),
        ("get", f"/api/schedules/{schedule.pk}"),
        ("put", f"/api/schedules/{schedule.pk}"),
        ("delete", f"/api/schedules/{schedule.pk}"),
        ("get", f"/api/schedules/{schedule.pk}/runs"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 401, (method, url)
        assert "detail" in response.json()
