"""`GET /api/brief?since=`."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.desk.seeded_desk import SeededDesk

pytestmark = pytest.mark.django_db


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_answers_the_brief_as_json(seeded: SeededDesk, viewer: Any) -> None:
    response = _api(viewer).get("/api/brief", {"since": "2026-11-30"})
    assert response.status_code == 200
    body = response.json()
    assert body["since"].startswith("2026-11-30T16:00:00")
    assert body["since_is_default"] is False
    assert {c["ticker"] for c in body["changed_calls"]} >= {"HD", "NVDA"}
    assert body["data"]["is_demo_data"] is True
    assert [h["horizon_days"] for h in body["calibration"]] == [1, 7, 30]


def test_it_refuses_a_bad_since_with_a_detail(viewer: Any) -> None:
    response = _api(viewer).get("/api/brief", {"since": "last tuesday"})
    assert response.status_code == 400
    assert response.json() == {"detail": "since must be a date as YYYY-MM-DD, got 'last tuesday'."}


def test_it_needs_authentication() -> None:
    response = APIClient().get("/api/brief")
    assert response.status_code == 401 and "detail" in response.json()
