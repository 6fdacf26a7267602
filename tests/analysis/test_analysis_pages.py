"""The analysis pages, server-rendered: latest stored analysis at once, legacy or v2-first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.clock import market_day

pytestmark = pytest.mark.django_db


def test_search_redirects_to_the_canonical_ticker_page(client_for: Any, viewer: Any) -> None:
    response = client_for(viewer).get("/analysis/?ticker=brk-b")
    assert response.status_code == 302
    assert response["Location"] == "/analysis/BRK.B/"


def test_a_bad_search_says_why(client_for: Any, viewer: Any) -> None:
    response = client_for(viewer).get("/analysis/?ticker=NOT+A+TICKER")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.content.decode()


def test_opening_a_ticker_shows_its_latest_analysis_without_running_one(
    client_for: Any, pm: Any, pm_api: Any, flag: Any
) -> None:
    with market_day(dt.date(2025, 6, 13)):
        pm_api.post("/api/analyze/AAPL?as_of=2025-06-13")
    page = client_for(pm).get("/analysis/AAPL/").content.decode()
    # Flag off: the plain legacy summary, no tabs, demo data labelled.
    assert 'data-testid="legacy-summary"' in page
    assert 'role="tablist"' not in page
    assert "Demo data" in page
    assert "as of" in page
    flag("UI_PM_DASHBOARD_ENABLED", True)
    page = client_for(pm).get("/analysis/AAPL/").content.decode()
    assert 'role="tablist"' in page
    assert "signal contract v2 off" in page  # v1 analysis: legacy fallback inside the v2-first cards


def test_a_viewer_sees_analyses_but_no_run_button(client_for: Any, viewer: Any, pm_api: Any) -> None:
    with market_day(dt.date(2025, 6, 13)):
        pm_api.post("/api/analyze/MSFT?as_of=2025-06-13")
    page = client_for(viewer).get("/analysis/MSFT/").content.decode()
    assert "Run new analysis" not in page
    assert 'data-testid="recommendation"' in page
