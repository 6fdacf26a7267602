"""portfolio_action_v2 is attached to analyses only when PORTFOLIO_OPTIMIZER_V2_ENABLED."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analysis.models import Analysis
from tests.factories import PortfolioHoldingFactory, PortfolioProfileFactory

pytestmark = pytest.mark.django_db


def test_it_is_absent_with_the_flag_off(pm_api: Any) -> None:
    body = pm_api.post("/api/analyze/AAPL?as_of=2025-06-13").json()
    assert body["analysis"]["portfolio_action_v2"] is None
    assert body["analysis"]["portfolio_action"]["action"]  # the legacy advisory form stays


def test_each_analysis_records_the_features_it_ran_with(pm_api: Any, flag: Any) -> None:
    flag("PORTFOLIO_OPTIMIZER_V2_ENABLED", True)
    body = pm_api.post("/api/analyze/AAPL?as_of=2025-06-13").json()
    recorded = Analysis.objects.get(pk=body["analysis_id"]).analysis_payload["feature_flags"]
    assert recorded == {
        "SIGNAL_CONTRACT_V2_ENABLED": False,
        "COT_PERSISTENCE_ENABLED": False,
        "PORTFOLIO_OPTIMIZER_V2_ENABLED": True,
        "CALIBRATION_ECONOMICS_ENABLED": False,
        "ALERTS_V2_ENABLED": False,
    }
    assert body["analysis"]["feature_flags"] == recorded


def test_it_sizes_the_idea_against_the_portfolio_with_the_flag_on(pm_api: Any, flag: Any) -> None:
    flag("PORTFOLIO_OPTIMIZER_V2_ENABLED", True)
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    PortfolioProfileFactory()
    # Technology at 20 % of the book, inside the 30 % sector limit.
    tech = "Information Technology"
    PortfolioHoldingFactory(ticker="MSFT", shares=40, market_value=20_000, sector=tech, beta=1.1)
    PortfolioHoldingFactory(ticker="XOM", shares=300, market_value=30_000, sector="Energy", beta=0.9)
    PortfolioHoldingFactory(ticker="JNJ", shares=300, market_value=50_000, sector="Health Care", beta=0.6)
    body = pm_api.post("/api/analyze/AAPL?as_of=2025-06-13").json()
    action = body["analysis"]["portfolio_action_v2"]
    assert action["action"] in ("add", "trim", "exit", "hold")
    assert {
        "current_weight",
        "target_weight",
        "delta_weight",
        "binding_constraint",
        "constraint_trace",
    } <= set(action)
    assert all(check["passed"] for check in action["constraint_trace"]), json.dumps(action, indent=1)
    stored = Analysis.objects.get(pk=body["analysis_id"]).analysis_payload["portfolio_action_v2"]
    assert stored == action
