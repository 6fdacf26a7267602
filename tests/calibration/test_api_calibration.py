"""GET /api/calibration/summary, /ticker/{ticker} and /reliability: the evidence, read back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from calibration.selectors import market_today
from tests.factories import (
    AnalysisFactory,
    AnalysisOutcomeFactory,
    CalibrationSnapshotFactory,
    ReliabilityBinFactory,
)

pytestmark = pytest.mark.django_db

HORIZON_MESSAGE = {"detail": "horizon_days must be 1, 7, or 30"}
SNAPSHOT_KEYS = {
    "id", "created_at", "as_of_date", "horizon_days", "sample_size", "directional_accuracy",
    "avg_realized_return_pct",
    "mean_confidence", "brier_score", "mean_net_return_pct", "mean_drawdown_pct", "utility_mean",
    "expected_calibration_error", "window_days",
}  # fmt: skip
BIN_KEYS = {
    "id", "as_of_date", "horizon_days", "created_at",
    "bin_index", "bin_lower", "bin_upper", "sample_size", "empirical_hit_rate", "ci_lower", "ci_upper",
    "mean_confidence",
}  # fmt: skip


@pytest.fixture
def api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


def days_ago(n: int) -> dt.date:
    return market_today() - dt.timedelta(days=n)


# --- summary ---------------------------------------------------------------------------------


def test_the_summary_is_honestly_empty_before_any_evidence(api: APIClient) -> None:
    response = api.get("/api/calibration/summary")
    assert response.status_code == 200
    body = response.json()
    assert body["window_days"] == 180
    assert body["as_of_date"] == market_today().isoformat()
    assert body["horizons"] == {"1d": None, "7d": None, "30d": None}  # the earlier object
    assert [h["horizon_days"] for h in body["horizon_summaries"]] == [1, 7, 30]
    for horizon in body["horizon_summaries"]:
        assert horizon["snapshot"] is None
        assert horizon["trend"] == []
        assert (horizon["pending_outcomes"], horizon["complete_outcomes"]) == (0, 0)


def test_the_summary_takes_the_latest_snapshot_in_the_window_and_the_trend(api: APIClient) -> None:
    CalibrationSnapshotFactory(horizon_days=7, as_of_date=days_ago(200), sample_size=5)  # outside
    CalibrationSnapshotFactory(
        horizon_days=7, as_of_date=days_ago(20), sample_size=30, mean_net_return_pct=0.4, brier_score=0.23
    )
    CalibrationSnapshotFactory(
        horizon_days=7,
        as_of_date=days_ago(2),
        sample_size=44,
        directional_accuracy=0.59,
        mean_net_return_pct=0.8,
        mean_drawdown_pct=1.9,
        expected_calibration_error=0.04,
        brier_score=0.21,
    )
    CalibrationSnapshotFactory(horizon_days=30, as_of_date=days_ago(100), sample_size=12)
    body = api.get("/api/calibration/summary").json()
    assert body["horizons"]["1d"] is None
    assert body["horizons"]["7d"] == body["horizon_summaries"][1]["snapshot"]
    one, seven, thirty = body["horizon_summaries"]
    assert one["snapshot"] is None
    assert set(seven["snapshot"]) == SNAPSHOT_KEYS
    assert seven["snapshot"]["as_of_date"] == days_ago(2).isoformat()
    assert seven["snapshot"]["sample_size"] == 44
    assert seven["snapshot"]["expected_calibration_error"] == 0.04
    assert [p["as_of_date"] for p in seven["trend"]] == [days_ago(20).isoformat(), days_ago(2).isoformat()]
    assert [p["mean_net_return_pct"] for p in seven["trend"]] == [0.4, 0.8]
    assert [p["brier_score"] for p in seven["trend"]] == [0.23, 0.21]
    assert thirty["snapshot"]["sample_size"] == 12
    # A shorter window leaves the 30-day snapshot out; a longer one takes in the old 7-day one.
    body = api.get("/api/calibration/summary?window_days=30").json()
    assert body["horizon_summaries"][2]["snapshot"] is None
    assert body["horizons"]["30d"] is None
    assert (
        len(api.get("/api/calibration/summary?window_days=365").json()["horizon_summaries"][1]["trend"]) == 3
    )


def test_the_summary_can_end_on_a_past_date(api: APIClient) -> None:
    CalibrationSnapshotFactory(horizon_days=1, as_of_date=dt.date(2025, 6, 30), sample_size=90)
    CalibrationSnapshotFactory(horizon_days=1, as_of_date=dt.date(2025, 3, 31), sample_size=40)
    body = api.get("/api/calibration/summary?as_of=2025-05-01&window_days=90").json()
    assert body["as_of_date"] == "2025-05-01"
    assert body["since_date"] == "2025-02-01"  # 90 days ending on 05-01, both ends included
    assert body["horizon_summaries"][0]["snapshot"]["sample_size"] == 40
    assert body["horizons"]["1d"]["sample_size"] == 40


def test_the_summary_counts_pending_and_complete_outcomes(api: APIClient) -> None:
    AnalysisOutcomeFactory.create_batch(3, horizon_days=1)
    AnalysisOutcomeFactory(horizon_days=7, status="complete", realized_date=days_ago(3))
    AnalysisOutcomeFactory(horizon_days=7, status="complete", realized_date=days_ago(400))  # outside
    AnalysisOutcomeFactory(horizon_days=30, status="skipped", evaluated_at=timezone.now())
    one, seven, thirty = api.get("/api/calibration/summary").json()["horizon_summaries"]
    assert (one["pending_outcomes"], one["complete_outcomes"]) == (3, 0)
    assert (seven["pending_outcomes"], seven["complete_outcomes"]) == (0, 1)
    assert thirty["skipped_outcomes"] == 1


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2025, 6, 11, 0, 30, tzinfo=dt.UTC),  # 20:30 on the 10th in New York
        dt.datetime(2025, 6, 11, 3, 59, tzinfo=dt.UTC),  # 23:59 on the 10th in New York
        dt.datetime(2025, 6, 10, 4, 0, tzinfo=dt.UTC),  # New York's midnight
    ],
)
def test_an_evening_skip_is_counted_on_its_new_york_day(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, now: dt.datetime
) -> None:
    # Between midnight UTC and midnight New York the UTC date is a day ahead of the market's:
    # a skip made now is still of today's New York date, inside the window that ends today.
    monkeypatch.setattr(timezone, "now", lambda: now)
    AnalysisOutcomeFactory(horizon_days=30, status="skipped", evaluated_at=now)
    body = api.get("/api/calibration/summary").json()
    assert body["as_of_date"] == "2025-06-10"
    assert body["horizon_summaries"][2]["skipped_outcomes"] == 1
    # ...and one made just after the window's last New York day is not.
    AnalysisOutcomeFactory(
        horizon_days=30, status="skipped", evaluated_at=dt.datetime(2025, 6, 11, 4, 0, tzinfo=dt.UTC)
    )
    assert api.get("/api/calibration/summary").json()["horizon_summaries"][2]["skipped_outcomes"] == 1


@pytest.mark.parametrize("query", ["window_days=0", "window_days=29", "window_days=366", "window_days=abc"])
def test_a_window_outside_30_to_365_is_a_422(api: APIClient, query: str) -> None:
    response = api.get(f"/api/calibration/summary?{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("window_days")


def test_a_bad_as_of_date_is_a_422(api: APIClient) -> None:
    response = api.get("/api/calibration/summary?as_of=2025-02-30")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("as_of")


# --- one ticker ------------------------------------------------------------------------------


def test_a_tickers_completed_outcomes_are_aggregated_per_horizon(api: APIClient) -> None:
    analysis = AnalysisFactory(ticker="AAPL", recommendation="BUY")
    rows = [(2.0, 1.8, 1.0, True, 0.1), (-1.0, -1.2, 3.0, False, 0.3), (4.0, 3.8, 0.5, True, 0.2)]
    for i, (gross, net, drawdown, correct, brier) in enumerate(rows):
        AnalysisOutcomeFactory(
            analysis=AnalysisFactory(ticker="AAPL", recommendation="BUY") if i else analysis,
            horizon_days=7,
            status="complete",
            realized_return_pct=gross,
            realized_return_net_pct=net,
            max_drawdown_pct=drawdown,
            direction_correct=correct,
            brier_component=brier,
            realized_date=dt.date(2025, 6, 20 + i),
        )
    AnalysisOutcomeFactory(analysis=analysis, horizon_days=30)  # pending
    AnalysisOutcomeFactory(
        analysis=AnalysisFactory(ticker="MSFT"), horizon_days=7, status="complete", direction_correct=False
    )
    response = api.get("/api/calibration/ticker/aapl")
    assert response.status_code == 200
    body = response.json()
    assert body["ticker"] == "AAPL"
    one, seven, thirty = body["horizons"]
    assert one["sample_size"] == 0
    assert one["hit_rate"] is None
    assert seven["sample_size"] == 3
    assert seven["hit_rate"] == pytest.approx(2 / 3)
    assert seven["hit_rate_ci_lower"] < 2 / 3 < seven["hit_rate_ci_upper"]
    assert seven["mean_return_pct"] == pytest.approx(5 / 3)
    assert seven["mean_net_return_pct"] == pytest.approx(4.4 / 3)
    assert seven["mean_drawdown_pct"] == pytest.approx(1.5)
    assert seven["brier_score"] == pytest.approx(0.2)
    assert (thirty["sample_size"], thirty["pending_outcomes"]) == (0, 1)
    assert body["outcomes"] == body["recent_outcomes"]
    assert body["total_count"] == len(body["outcomes"])
    recent = body["outcomes"]
    assert len(recent) == 4  # AAPL's only
    assert {o["ticker"] for o in recent} == {"AAPL"}
    assert recent[0]["recommendation"] == "BUY"
    assert recent[0]["analysis_timestamp"] is not None
    assert len(api.get("/api/calibration/ticker/AAPL?limit=2").json()["outcomes"]) == 2


def test_a_ticker_with_no_outcomes_has_empty_evidence(api: APIClient) -> None:
    body = api.get("/api/calibration/ticker/BRK-B").json()
    assert body["ticker"] == "BRK.B"
    assert [h["sample_size"] for h in body["horizons"]] == [0, 0, 0]
    assert (body["outcomes"], body["total_count"]) == ([], 0)


def test_a_bad_ticker_is_a_400_and_a_limit_outside_1_to_500_a_422(api: APIClient) -> None:
    response = api.get("/api/calibration/ticker/NOT-A-TICKER")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.json()["detail"]
    assert api.get("/api/calibration/ticker/AAPL?limit=0").status_code == 422
    assert api.get("/api/calibration/ticker/AAPL?limit=501").status_code == 422


# --- reliability -----------------------------------------------------------------------------


def test_reliability_returns_the_latest_bins_of_the_horizon(api: APIClient) -> None:
    old = days_ago(10)
    new = days_ago(1)
    ReliabilityBinFactory(horizon_days=7, as_of_date=old, bin_index=0, sample_size=99)
    for index in (2, 0, 1):
        ReliabilityBinFactory(
            horizon_days=7,
            as_of_date=new,
            bin_index=index,
            bin_lower=index * 0.2,
            bin_upper=(index + 1) * 0.2,
            sample_size=10 + index,
            empirical_hit_rate=0.5,
            ci_lower=0.3,
            ci_upper=0.7,
            mean_confidence=index * 0.2 + 0.1,
        )
    ReliabilityBinFactory(horizon_days=30, as_of_date=new, bin_index=4, sample_size=7)
    response = api.get("/api/calibration/reliability?horizon_days=7")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"horizon_days", "as_of_date", "total_samples", "bins"}
    assert body["horizon_days"] == 7
    assert body["as_of_date"] == new.isoformat()
    assert body["total_samples"] == 33
    assert [b["bin_index"] for b in body["bins"]] == [0, 1, 2]
    assert set(body["bins"][0]) == BIN_KEYS
    assert body["bins"][1]["mean_confidence"] == pytest.approx(0.3)
    assert (body["bins"][1]["ci_lower"], body["bins"][1]["ci_upper"]) == (0.3, 0.7)


def test_reliability_without_bins_is_empty_not_an_error(api: APIClient) -> None:
    response = api.get("/api/calibration/reliability?horizon_days=1")
    assert response.status_code == 200
    assert response.json() == {"horizon_days": 1, "as_of_date": None, "total_samples": 0, "bins": []}


def test_the_horizon_defaults_to_seven_days(api: APIClient) -> None:
    assert api.get("/api/calibration/reliability").json()["horizon_days"] == 7


@pytest.mark.parametrize("query", ["?horizon_days=2", "?horizon_days=5", "?horizon_days=29"])
def test_another_horizon_within_1_to_30_is_a_400(api: APIClient, query: str) -> None:
    response = api.get(f"/api/calibration/reliability{query}")
    assert response.status_code == 400
    assert response.json() == HORIZON_MESSAGE


@pytest.mark.parametrize(
    "query", ["?horizon_days=0", "?horizon_days=60", "?horizon_days=7.5", "?horizon_days=x"]
)
def test_a_horizon_outside_1_to_30_or_not_whole_is_a_422(api: APIClient, query: str) -> None:
    response = api.get(f"/api/calibration/reliability{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("horizon_days")


def test_anonymous_callers_get_401() -> None:
    client = APIClient()
    for url in (
        "/api/calibration/summary",
        "/api/calibration/ticker/AAPL",
        "/api/calibration/reliability?horizon_days=7",
    ):
        assert client.get(url).status_code == 401, url
