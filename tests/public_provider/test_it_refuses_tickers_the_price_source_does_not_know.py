"""A ticker the price source does not know: a 400 naming the source, on analyze and watchlist add."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.models import Analysis
from tests.factories import WatchlistFactory
from tests.public_provider.conftest import AS_OF
from watchlists.models import WatchlistTicker

pytestmark = pytest.mark.django_db


def test_it_refuses_to_analyze_an_unknown_ticker(pm_api: Any, recordings: Any, frozen_clock: Any) -> None:
    response = pm_api.post(f"/api/analyze/ZZZZ?as_of={AS_OF}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Yahoo does not know the ticker ZZZZ."}
    assert not Analysis.objects.exists()
    # Nothing else is asked about a symbol the price source does not know.
    assert recordings.seen["sec-data.test"] == 0


def test_it_refuses_to_add_an_unknown_ticker_to_a_watchlist(pm_api: Any, recordings: Any) -> None:
    watchlist = WatchlistFactory()
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "ZZZZ"}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Yahoo does not know the ticker ZZZZ."
    assert not WatchlistTicker.objects.filter(watchlist=watchlist).exists()
    assert (
        pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "NVDA"}, format="json").status_code
        == 200
    )


def test_it_keeps_accepting_any_symbol_under_demo(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "ZZZZ"}, format="json")
    assert response.status_code == 200
