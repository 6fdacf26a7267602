"""GET /api/calibration/evaluation on a seeded table whose IC, quintiles and Brier were worked by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest
from rest_framework.test import APIClient

from portfolio.models import PortfolioProfile
from tests.evaluation_rows import seed_evaluation_table
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

pytestmark = pytest.mark.django_db

URL = "/api/calibration/evaluation"
REQUIRED_KEYS = {
    "horizon_days", "sample_size", "ic_method", "ic_mean", "ic_std", "ic_t_stat", "ic_by_month",
    "quantiles", "spread_pct", "by_recommendation", "by_regime", "by_data_quality", "brier",
}  # fmt: skip


@pytest.fixture
def api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


def test_it_reports_the_hand_worked_ic_quintiles_and_brier(api: APIClient) -> None:
    seed_evaluation_table()
    body = api.get(URL).json()
    assert body.keys() >= REQUIRED_KEYS
    assert body["horizon_days"] == 7 and body["sample_size"] == 15
    assert body["ic_method"] == "per_date" and body["ic_dates"] == 3
    # Daily ICs 1, −1, 0.9: mean 0.3; sample std √(2.54/2); weekly 7-day samples, so lag 0 and
    # the Newey–West t is the mean over √(γ0/3) with γ0 = 2.54/3.
    assert body["ic_mean"] == pytest.approx(0.3)
    assert body["ic_std"] == pytest.approx(math.sqrt(1.27))
    assert body["ic_lag"] == 0
    assert body["ic_t_stat"] == pytest.approx(0.3 / math.sqrt(2.54 / 9))
    assert body["ic_by_month"] == [
        # The t interval on three dates (0.3 ± 4.303·1.127/√3) overshoots: clipped to [−1, 1].
        {"month": "2025-03", "ic": pytest.approx(0.3), "count": 15, "dates": 3, "ci": [-1.0, 1.0]}
    ]
    assert [q["count"] for q in body["quantiles"]] == [3, 3, 3, 3, 3]
    # Quintile 1 (score 10) gross 1, 5, 2; quintile 5 (score 50) gross 5, 1, 5; net = gross − 0.15.
    assert body["quantiles"][0]["mean_net_return_pct"] == pytest.approx(8 / 3 - 0.15)
    assert body["quantiles"][4]["mean_net_return_pct"] == pytest.approx(11 / 3 - 0.15)
    assert body["spread_pct"] == pytest.approx(1.0)
    assert body["net_source"] == "stored"
    brier = body["brier"]
    assert brier["score"] == pytest.approx(3.35 / 15)
    assert brier["reliability"] == pytest.approx(0.01)
    assert brier["resolution"] == pytest.approx(0.533333333 / 15)
    assert brier["uncertainty"] == pytest.approx(56 / 225)
    assert body["ece"] == pytest.approx(0.1)
    assert body["confidence_source"] == "calibrated"
    # Sampling alone, at 15 outcomes, gives a perfectly calibrated forecaster some ECE.
    noise = body["ece_if_calibrated"]
    assert noise["draws"] == 1000 and 0.0 < noise["mean"] < noise["p95"] < 1.0


def test_it_reports_hit_rates_by_call_regime_and_quality(api: APIClient) -> None:
    seed_evaluation_table()
    body = api.get(URL, {"horizon_days": "7"}).json()
    calls = {row["group"]: (row["count"], row["hit_rate"]) for row in body["by_recommendation"]}
    assert calls == {"BUY": (6, 0.0), "HOLD": (3, pytest.approx(2 / 3)), "SELL": (6, pytest.approx(5 / 6))}
    assert [row["group"] for row in body["by_regime"]] == ["risk_on", "risk_off"]
    quality = {row["group"]: row["count"] for row in body["by_data_quality"]}
    assert quality == {"50-75": 6, "75-100": 9}
    buy = body["by_recommendation"][0]
    assert buy["hit_rate_ci"][0] == 0.0 and 0.0 < buy["hit_rate_ci"][1] < 1.0  # Wilson at 0 of 6


def test_it_filters_by_tickers_dates_and_run_kind(api: APIClient) -> None:
    seed_evaluation_table()
    two = api.get(URL, {"tickers": "aaa,EEE"}).json()
    assert two["sample_size"] == 6 and two["ic_method"] == "pooled"
    dated = api.get(URL, {"start_date": "2025-03-10", "end_date": "2025-03-10"}).json()
    assert dated["sample_size"] == 5 and dated["ic_mean"] == pytest.approx(-1.0)
    assert api.get(URL, {"run_kind": "replay"}).json()["sample_size"] == 15
    assert api.get(URL, {"run_kind": "interactive"}).json()["sample_size"] == 0
    # The seeded rows are backdated replays: never "current".
    assert api.get(URL, {"run_kind": "current"}).json()["sample_size"] == 0


def test_it_counts_current_runs_and_computes_net_from_bps_without_economics(api: APIClient) -> None:
    PortfolioProfile.objects.create(id=1, default_transaction_cost_bps=20.0)
    for ticker, cost in (("AAA", 10.0), ("BBB", None)):
        analysis = AnalysisFactory(ticker=ticker, run_kind="interactive", score=50.0)
        AnalysisOutcomeFactory(
            analysis=analysis, status="complete", realized_date=analysis.timestamp.date(),
            realized_return_pct=1.0, realized_return_net_pct=None, direction_correct=True,
            transaction_cost_bps=cost, slippage_bps=5.0,
        )  # fmt: skip
    body = api.get(URL, {"run_kind": "current"}).json()
    assert body["sample_size"] == 2
    assert body["net_source"] == "mixed"
    assert body["net_source_counts"] == {"stored_bps": 1, "profile_default_bps": 1}
    # Mean of 1 − 0.15 and 1 − 0.25 (the profile's 20 bps + 5 bps slippage).
    assert body["by_recommendation"][0]["mean_net_return_pct"] == pytest.approx(0.8)


@pytest.mark.parametrize(
    "params",
    [{"horizon_days": "14"}, {"horizon_days": "seven"}, {"start_date": "2025-13-01"},
     {"start_date": "2025-03-10", "end_date": "2025-03-01"}, {"run_kind": "nightly"},
     {"tickers": "NOT A TICKER"}],
)  # fmt: skip
def test_it_rejects_bad_parameters_with_a_400_detail(api: APIClient, params: dict[str, str]) -> None:
    response = api.get(URL, params)
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)


def test_it_needs_a_signed_in_user() -> None:
    assert APIClient().get(URL).status_code in (401, 403)
