"""GET /api/watchlists/{id}/opportunities and its CSV: the latest stored analyses, ranked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.models import Analysis
from tests.factories import AnalysisFactory, WatchlistFactory, WatchlistTickerFactory
from watchlists.models import Watchlist
from watchlists.ranking import OPPORTUNITY_FIELDS

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _watchlist(name: str, tickers: tuple[str, ...]) -> Watchlist:
    watchlist = WatchlistFactory(name=name)
    for ticker in tickers:
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    return watchlist


def _v2(ticker: str, ev: float | None, conf: float | None, quality: float | None, **fields: Any) -> Analysis:
    defaults: dict[str, Any] = {
        "ticker": ticker,
        "timestamp": NOW - dt.timedelta(hours=1),
        "analysis_schema_version": "v2",
        "ev_score_7d": ev,
        "confidence_calibrated": conf,
        "data_quality_score": quality,
        "regime_label": "bull",
        "data_source": "demo",
        "signal_contract_v2": {
            "confidence": {"calibrated": conf, "sample_size": 42},
            "liquidity": {"capacity_usd": 2_500_000.0},
        },
        "analysis_payload": {"portfolio_action_v2": {"action": "buy", "target_weight": 0.02}},
    }
    defaults.update(fields)
    return AnalysisFactory(**defaults)


@pytest.fixture
def desk() -> Watchlist:
    watchlist = _watchlist("Large caps", ("AAPL", "MSFT", "NVDA", "JPM", "XOM"))
    # An older AAPL analysis with a better EV: only the latest counts.
    _v2("AAPL", 9.0, 0.9, 99.0, timestamp=NOW - dt.timedelta(days=3))
    _v2("AAPL", 1.0, 0.6, 80.0)
    _v2("MSFT", 2.5, 0.55, 70.0)
    _v2("NVDA", 1.0, 0.7, 60.0)
    # A v1 analysis: no signal contract, so it is not ranked (as the earlier API); listed as unranked.
    AnalysisFactory(ticker="JPM", timestamp=NOW - dt.timedelta(hours=2), ev_score_7d=50.0, data_source="csv")
    # XOM has no analysis; an analysis of a ticker not on the list is ignored.
    _v2("TSLA", 99.0, 0.99, 99.0)
    return watchlist


def test_it_ranks_the_latest_analysis_of_each_ticker(viewer_api: APIClient, desk: Watchlist) -> None:
    response = viewer_api.get(f"/api/watchlists/{desk.pk}/opportunities")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "watchlist_id",
        "generated_at",
        "opportunities",
        "total_count",
        "count",
        "missing",
        "unranked",
    }
    assert body["watchlist_id"] == desk.pk
    assert [o["ticker"] for o in body["opportunities"]] == ["MSFT", "NVDA", "AAPL"]
    assert [o["rank"] for o in body["opportunities"]] == [1, 2, 3]
    assert body["total_count"] == body["count"] == 3
    assert body["missing"] == ["XOM"]
    assert body["unranked"] == ["JPM"]
    msft = body["opportunities"][0]
    assert tuple(msft) == OPPORTUNITY_FIELDS
    latest_msft = Analysis.objects.get(ticker="MSFT")
    assert msft["analysis_id"] == latest_msft.pk
    assert msft["timestamp"] == latest_msft.timestamp.isoformat()
    assert msft["as_of"] == latest_msft.timestamp.isoformat()  # no as_of: the timestamp
    assert msft["recommendation"] == "BUY"
    assert msft["ev_score_7d"] == 2.5
    assert msft["confidence_calibrated"] == 0.55
    assert msft["calibration_sample_size"] == 42
    assert msft["data_quality_score"] == 70.0
    assert msft["capacity_usd"] == 2_500_000.0
    assert msft["regime_label"] == "bull"
    assert msft["optimizer_action"] == "buy"
    assert msft["recommended_action"] == "buy"
    assert msft["is_demo_data"] is True
    aapl = body["opportunities"][2]
    assert aapl["ev_score_7d"] == 1.0  # the latest, not the older 9.0


def test_recommended_action_prefers_the_optimizers_then_the_portfolio_action(
    viewer_api: APIClient,
) -> None:
    watchlist = _watchlist("Actions", ("AAPL", "MSFT", "NVDA"))
    _v2("AAPL", 1.0, 0.6, 80.0, analysis_payload={"portfolio_action_v2": {"recommended_action": "trim"}})
    _v2("MSFT", 2.0, 0.6, 80.0, analysis_payload={"portfolio_action": {"action": "hold"}})
    _v2("NVDA", 3.0, 0.6, 80.0, analysis_payload={})
    body = viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities").json()
    actions = {o["ticker"]: o["recommended_action"] for o in body["opportunities"]}
    assert actions == {"AAPL": "trim", "MSFT": "hold", "NVDA": None}


def test_it_runs_nothing(pm_api: APIClient, desk: Watchlist) -> None:
    before = Analysis.objects.count()
    pm_api.get(f"/api/watchlists/{desk.pk}/opportunities")
    pm_api.get(f"/api/watchlists/{desk.pk}/opportunities.csv")
    assert Analysis.objects.count() == before


def test_filters_and_limit(viewer_api: APIClient, desk: Watchlist) -> None:
    url = f"/api/watchlists/{desk.pk}/opportunities"
    assert [o["ticker"] for o in viewer_api.get(url, {"min_quality": 65}).json()["opportunities"]] == [
        "MSFT",
        "AAPL",
    ]
    assert [o["ticker"] for o in viewer_api.get(url, {"min_ev": "1.5"}).json()["opportunities"]] == ["MSFT"]
    limited = viewer_api.get(url, {"limit": 2}).json()
    assert [o["ticker"] for o in limited["opportunities"]] == ["MSFT", "NVDA"]
    assert limited["count"] == 2
    assert limited["missing"] == ["XOM"]


def test_an_empty_watchlist_ranks_nothing(viewer_api: APIClient) -> None:
    watchlist = _watchlist("Empty", ())
    body = viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities").json()
    assert body["opportunities"] == [] and body["total_count"] == 0 and body["missing"] == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": 0}, "limit must be a whole number from 1 to 100, not '0'."),
        ({"limit": 101}, "limit must be a whole number from 1 to 100, not '101'."),
        ({"limit": "ten"}, "limit must be a whole number from 1 to 100, not 'ten'."),
        ({"limit": "-1"}, "limit must be a whole number from 1 to 100, not '-1'."),
        ({"min_quality": "-1"}, "min_quality must be a number from 0 to 100, not '-1'."),
        ({"min_quality": "100.5"}, "min_quality must be a number from 0 to 100, not '100.5'."),
        ({"min_quality": "high"}, "min_quality must be a number from 0 to 100, not 'high'."),
        ({"min_ev": "nan"}, "min_ev must be a number, not 'nan'."),
        ({"min_ev": "inf"}, "min_ev must be a number, not 'inf'."),
        ({"min_ev": "1e999"}, "min_ev must be a number, not '1e999'."),
        ({"min_ev": "abc"}, "min_ev must be a number, not 'abc'."),
    ],
)
def test_filters_outside_their_bounds_are_a_422(
    viewer_api: APIClient, desk: Watchlist, params: dict, message: str
) -> None:
    for suffix in ("opportunities", "opportunities.csv"):
        response = viewer_api.get(f"/api/watchlists/{desk.pk}/{suffix}", params)
        assert response.status_code == 422, suffix
        assert response.json() == {"detail": message}


def test_blank_filters_are_ignored(viewer_api: APIClient, desk: Watchlist) -> None:
    body = viewer_api.get(
        f"/api/watchlists/{desk.pk}/opportunities", {"limit": "", "min_quality": "", "min_ev": " "}
    ).json()
    assert body["total_count"] == 3


def test_the_csv_export_has_the_same_rows(viewer_api: APIClient, desk: Watchlist) -> None:
    response = viewer_api.get(f"/api/watchlists/{desk.pk}/opportunities.csv", {"min_quality": 65})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.now().strftime("%Y%m%d")
    assert response["Content-Disposition"] == (f'attachment; filename="Large_caps_opportunities_{stamp}.csv"')
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert tuple(lines[0]) == OPPORTUNITY_FIELDS
    assert [line[1] for line in lines[1:]] == ["MSFT", "AAPL"]
    msft = dict(zip(lines[0], lines[1], strict=True))
    assert msft["rank"] == "1"
    assert msft["ev_score_7d"] == "2.5"
    assert msft["calibration_sample_size"] == "42"
    assert msft["is_demo_data"] == "true"
    assert msft["optimizer_action"] == "buy"


def test_the_csv_of_an_empty_ranking_is_just_the_header(viewer_api: APIClient) -> None:
    watchlist = _watchlist("Nothing yet", ("AAPL",))
    response = viewer_api.get(f"/api/watchlists/{watchlist.pk}/opportunities.csv")
    assert response.content.decode() == ",".join(OPPORTUNITY_FIELDS) + "\r\n"
