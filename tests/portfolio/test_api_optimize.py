"""GET /api/portfolio/optimize/{ticker}: the optimizer run against the latest stored analysis."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from analysis.models import SchemaVersion
from rollout.models import FeatureFlag
from tests.factories import (
    AgentResultFactory,
    AnalysisFactory,
    PortfolioHoldingFactory,
    PortfolioProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _stored_analysis(ticker: str = "ACME") -> Any:
    """A v2 analysis with the values the optimizer reads, each set by hand."""
    contract = {
        "ev_score_7d": 2.0,
        "confidence": {"raw": 0.7, "calibrated": 0.6},
        "risk": {"data_quality_score": 80.0, "regime_label": "transition"},
    }
    analysis = AnalysisFactory(
        ticker=ticker,
        recommendation="BUY",
        confidence_score=0.7,
        decision_card={"action": "buy", "reference_price": 50.0, "stop_loss": 46.0},
        analysis_schema_version=SchemaVersion.V2,
        signal_contract_v2=contract,
        ev_score_7d=2.0,
        confidence_calibrated=0.6,
        data_quality_score=80.0,
        regime_label="transition",
        analysis_payload={"recommendation": "BUY", "scenarios": []},
    )
    AgentResultFactory(analysis=analysis, agent_type="market", data={"volatility_3m": 2.0})
    AgentResultFactory(
        analysis=analysis, agent_type="fundamentals", data={"beta": 1.2, "sector": "Technology"}
    )
    return analysis


def test_it_needs_an_analysis_of_the_ticker_first(viewer: Any) -> None:
    response = _client(viewer).get("/api/portfolio/optimize/aapl")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Run an analysis of AAPL first: the optimizer sizes a ticker from its latest analysis."
    }


def test_a_bad_ticker_is_a_400(viewer: Any) -> None:
    response = _client(viewer).get("/api/portfolio/optimize/not-a-ticker")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.json()["detail"]


def test_it_sizes_the_ticker_from_the_stored_analysis_and_the_book(viewer: Any) -> None:
    analysis = _stored_analysis()
    PortfolioProfileFactory(max_position_pct=0.10, max_sector_pct=0.30, default_transaction_cost_bps=10)
    PortfolioHoldingFactory(ticker="SOFT", market_value=90_000, sector="Technology", beta=1.0)
    PortfolioHoldingFactory(ticker="ACME", shares=100, market_value=5_000, sector="Technology", beta=None)
    PortfolioHoldingFactory(ticker="OIL", market_value=5_000, sector="Energy", beta=0.8)

    response = _client(viewer).get("/api/portfolio/optimize/ACME")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["ticker"], body["analysis_id"], body["recommendation"]) == ("ACME", analysis.pk, "BUY")
    action = body["portfolio_action_v2"]
    inputs = action["inputs"]
    assert inputs["price"] == 50.0
    assert inputs["portfolio_value"] == 100_000
    assert inputs["current_shares"] == 100
    assert inputs["sector_value_ex"] == 90_000
    assert inputs["ticker_beta"] == 1.2  # the holding has none: the fundamentals agent's
    assert inputs["daily_volatility_pct"] == 2.0
    assert (inputs["ev_score_7d_pct"], inputs["calibrated_confidence"]) == (2.0, 0.6)
    assert body["input_sources"]["ev_score_7d"] == "signal_contract_v2"
    assert body["input_sources"]["ticker_beta"] == "fundamentals"
    # Technology already holds 90 % of the book against a 30 % limit: the sector limit fails.
    assert action["current_weight"] == pytest.approx(0.05)
    assert {row["name"] for row in action["constraint_trace"]} == {
        "position_limit",
        "sector_limit",
        "turnover_limit",
    }
    sector = next(row for row in action["constraint_trace"] if row["name"] == "sector_limit")
    assert sector["passed"] is False
    assert action["action"] in {"add", "trim", "exit", "hold"}


def test_it_sizes_a_ticker_after_a_real_analysis_run(pm: Any) -> None:
    FeatureFlag.objects.update_or_create(name="SIGNAL_CONTRACT_V2_ENABLED", defaults={"override": True})
    client = _client(pm)
    client.post(
        "/api/portfolio/holdings",
        {"ticker": "MSFT", "shares": 10, "market_value": 50_000, "sector": "Software", "beta": 1.1},
        format="json",
    )
    assert client.post("/api/analyze/AAPL").status_code == 200

    response = client.get("/api/portfolio/optimize/AAPL")

    assert response.status_code == 200, response.json()
    body = response.json()
    action = body["portfolio_action_v2"]
    assert body["input_sources"]["ev_score_7d"] == "signal_contract_v2"
    assert body["input_sources"]["daily_volatility_pct"] == "market.volatility_3m"
    assert action["inputs"]["portfolio_value"] == 50_000
    assert action["current_weight"] == 0.0
    assert action["binding_constraint"] in {
        "position_limit",
        "sector_limit",
        "turnover_limit",
        "no_trade_band",
        "none",
    }
    assert body["is_demo_data"] is True
