"""A JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 `{"detail": ...}` on every write route."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig

from pmresearch.errors import api_exception_handler
from tests.body_limit.conftest import FIVE_MB, snapshot

ROUTES = [
    ("post", lambda d: "/api/watchlists"),
    ("post", lambda d: f"/api/watchlists/{d['watchlist'].pk}/tickers"),
    ("put", lambda d: f"/api/watchlists/{d['watchlist'].pk}"),
    ("post", lambda d: "/api/alerts"),
    ("put", lambda d: f"/api/alerts/{d['rule'].pk}"),
    ("post", lambda d: "/api/portfolio/holdings"),
    ("put", lambda d: f"/api/portfolio/holdings/{d['holding'].pk}"),
    ("put", lambda d: "/api/portfolio/profile"),
    ("post", lambda d: "/api/schedules"),
    ("put", lambda d: f"/api/schedules/{d['schedule'].pk}"),
]


@pytest.mark.parametrize(("method", "url"), ROUTES, ids=[f"{m} {i}" for i, (m, _) in enumerate(ROUTES)])
def test_it_refuses_a_5_mb_body_with_413_and_writes_nothing(
    method: str, url: Any, desk: dict[str, Any], desk_admin: Any, client_for: Any
) -> None:
    client = client_for(desk_admin)
    before = snapshot()
    # A body that would be valid but for its size: the name is what a create or update reads.
    body = json.dumps({"name": "x" * FIVE_MB, "ticker": "AMZN", "shares": 1})
    response = getattr(client, method)(url(desk), body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "too large" in response.json()["detail"]
    assert snapshot() == before


def test_it_maps_a_body_read_too_late_to_413_in_the_api_handler() -> None:
    # A body with no declared length is only measured when DRF reads request.data.
    response = api_exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert "too large" in response.data["detail"]
