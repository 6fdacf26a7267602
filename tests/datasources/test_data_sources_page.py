"""Admins see each kind's source, keys as set / not set, each service's outcomes and the cache's size."""

from __future__ import annotations

import pytest
from django.test import override_settings

from datasources.cache import cached_body

pytestmark = pytest.mark.django_db
URL = "/admin/datasources/cachedresponse/"
KEY = "fred-key-never-shown-0000"


def test_it_shows_sources_keys_outcomes_and_cache_size(desk_admin, client_for, tmp_path) -> None:
    cached_body("sec", "facts/AAPL", lambda: b"x" * 2048, ttl=None, ticker="AAPL")
    with override_settings(
        MARKET_DATA_PROVIDER="public",
        SEC_USER_AGENT="Jane Doe jane@example.com",
        PRICES_SOURCE="csv",
        FRED_API_KEY=KEY,
        VAR_DIR=tmp_path,
    ):
        from datasources.state import shared_state

        shared_state().record("sec", __import__("time").time(), ok=False, reason="timed out")
        response = client_for(desk_admin).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Data sources" in html and "PRICES_SOURCE" in html and "csv" in html
    assert "FRED_API_KEY" in html and ">set<" in html
    assert KEY not in html
    assert "timed out" in html
    assert "1 responses (2.0" in html


def test_it_is_for_admins_only(viewer, client_for) -> None:
    response = client_for(viewer).get(URL)
    assert response.status_code in (302, 403)
