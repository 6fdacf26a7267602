"""`?sort=` on the opportunities: EV by default (the earlier order), or the call's expected net return."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import AnalysisFactory, WatchlistFactory, WatchlistTickerFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _analysis(ticker: str, call: str, ev: float, net: float | None) -> None:
    payload = {"expected_return_source": "evidence"}
    if net is not None:
        payload["expected_net_return_pct"] = {"1d": net / 7, "7d": net, "30d": net * 30 / 7}
    AnalysisFactory(
        ticker=ticker,
        recommendation=call,
        timestamp=NOW - dt.timedelta(hours=1),
        analysis_schema_version="v2",
        ev_score_7d=ev,
        confidence_calibrated=0.6,
        data_quality_score=70.0,
        signal_contract_v2={"confidence": {"calibrated": 0.6, "sample_size": 40}},
        analysis_payload=payload,
    )


@pytest.fixture
def watchlist_id() -> int:
    watchlist = WatchlistFactory(name="Sorts")
    for ticker in ("AAPL", "MSFT", "NVDA", "JPM"):
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    _analysis("AAPL", "BUY", 1.2, 0.8)
    _analysis("MSFT", "SELL", -2.0, 1.5)  # a SELL with an edge: last by EV (long view), first by net
    _analysis("NVDA", "HOLD", 0.0, 0.0)
    _analysis("JPM", "BUY", 0.5, None)  # made before the field existed: sorts last by net
    return watchlist.pk


def _order(client: APIClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["ticker"] for row in response.json()["opportunities"]]


def test_it_keeps_the_ev_order_by_default(viewer_api: APIClient, watchlist_id: int):
    url = f"/api/watchlists/{watchlist_id}/opportunities"
    assert _order(viewer_api, url) == ["AAPL", "JPM", "NVDA", "MSFT"]
    assert _order(viewer_api, url + "?sort=ev") == ["AAPL", "JPM", "NVDA", "MSFT"]


def test_it_sorts_by_the_calls_expected_net_return(viewer_api: APIClient, watchlist_id: int):
    url = f"/api/watchlists/{watchlist_id}/opportunities?sort=expected_net_return"
    assert _order(viewer_api, url) == ["MSFT", "AAPL", "NVDA", "JPM"]
    first = viewer_api.get(url).json()["opportunities"][0]
    assert (first["expected_net_return_pct"], first["expected_return_source"]) == (1.5, "evidence")


def test_it_rejects_an_unknown_sort(viewer_api: APIClient, watchlist_id: int):
    response = viewer_api.get(f"/api/watchlists/{watchlist_id}/opportunities?sort=score")
    assert response.status_code == 400
    assert "sort must be one of ev, expected_net_return" in response.json()["detail"]
