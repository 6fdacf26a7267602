"""A client that asks for an export's own media type gets the file, not a 406."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.clock import market_day
from tests.factories import WatchlistFactory, WatchlistTickerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(pm_api: Any) -> None:
    with market_day(dt.date(2025, 6, 13)):
        assert pm_api.post("/api/analyze/MSFT?as_of=2025-06-13").status_code == 200


@pytest.mark.parametrize(
    ("url", "accept", "media_type"),
    [
        ("/api/analysis/MSFT/export/pdf", "application/pdf", "application/pdf"),
        ("/api/analysis/MSFT/export/csv", "text/csv", "text/csv"),
        ("/api/analysis/MSFT/history/export/csv", "text/csv", "text/csv"),
        ("/api/analysis/MSFT/export/csv", "text/csv;q=1.0, application/json;q=0.5", "text/csv"),
    ],
)
def test_it_answers_the_asked_media_type(
    analysed: None, pm_api: Any, url: str, accept: str, media_type: str
) -> None:
    response = pm_api.get(url, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)


def test_it_answers_the_watchlist_csv_when_asked_for_csv(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    WatchlistTickerFactory(watchlist=watchlist, ticker="MSFT")
    response = pm_api.get(f"/api/watchlists/{watchlist.pk}/opportunities.csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_it_still_answers_an_error_as_json_when_a_file_was_asked_for(pm_api: Any) -> None:
    response = pm_api.get("/api/analysis/ZZZZ/export/pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_it_still_refuses_a_media_type_the_export_cannot_make(analysed: None, pm_api: Any) -> None:
    assert pm_api.get("/api/analysis/MSFT/export/pdf", HTTP_ACCEPT="image/png").status_code == 406
