"""POST /api/analyze/{ticker}: runs the engine and returns the canonical shape."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from analysis.contract import validate_signal_contract_v2
from analysis.market_data import NEW_YORK
from analysis.models import AgentResult, Analysis, SentimentFactor
from calibration.models import AnalysisOutcome

pytestmark = pytest.mark.django_db

LEGACY_KEYS = {
    "recommendation", "score", "confidence", "reasoning", "risks", "opportunities", "price_targets",
    "position_size", "time_horizon", "decision_card", "changes_since_last_run", "change_summary", "scenarios",
    "scenario_summary", "diagnostics", "diagnostics_summary", "portfolio_action", "portfolio_action_v2",
    "portfolio_summary", "signal_snapshot", "signal_contract_v2", "ev_score_7d", "confidence_calibrated",
    "data_quality_score", "regime_label", "rationale_summary", "analysis_schema_version", "summary",
}  # fmt: skip
PAST = "2025-06-13"


def test_it_runs_all_seven_agents_and_stores_everything(
    pm_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="orchestration.analysis")
    response = pm_api.post(f"/api/analyze/aapl?as_of={PAST}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["ticker"] == "AAPL"
    assert body["is_demo_data"] is True
    assert set(body["analysis"]) >= LEGACY_KEYS
    assert set(body["agent_results"]) == {
        "news",
        "market",
        "fundamentals",
        "technical",
        "macro",
        "options",
        "sentiment",
    }
    assert all(r["success"] for r in body["agent_results"].values())
    analysis = Analysis.objects.get(pk=body["analysis_id"])
    assert analysis.as_of.astimezone(NEW_YORK).date().isoformat() == PAST
    assert AgentResult.objects.filter(analysis=analysis).count() == 7
    assert SentimentFactor.objects.filter(analysis=analysis).count() == 5
    outcomes = AnalysisOutcome.objects.filter(analysis=analysis).order_by("horizon_days")
    assert [(o.horizon_days, o.target_date.isoformat(), o.status) for o in outcomes] == [
        (1, "2025-06-14", "pending"),
        (7, "2025-06-20", "pending"),
        (30, "2025-07-13", "pending"),
    ]
    assert outcomes[0].baseline_price == body["analysis"]["decision_card"]["reference_price"]
    assert "baseline_metrics ticker=AAPL latency_s=" in caplog.text
    assert "agent_success_rate=1.00" in caplog.text


def test_with_the_contract_flag_off_it_is_v1_without_v2_fields(pm_api: Any) -> None:
    body = pm_api.post(f"/api/analyze/MSFT?as_of={PAST}").json()
    assert body["analysis_schema_version"] == "v1"
    for key in (
        "signal_contract_v2",
        "ev_score_7d",
        "confidence_calibrated",
        "data_quality_score",
        "regime_label",
    ):
        assert body["analysis"][key] is None
    analysis = Analysis.objects.get(pk=body["analysis_id"])
    assert analysis.signal_contract_v2 is None
    assert analysis.analysis_schema_version == "v1"


def test_with_the_contract_flag_on_it_is_v2_with_a_valid_contract(pm_api: Any, flag: Any) -> None:
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    body = pm_api.post(f"/api/analyze/MSFT?as_of={PAST}").json()
    analysis = body["analysis"]
    assert body["analysis_schema_version"] == analysis["analysis_schema_version"] == "v2"
    assert validate_signal_contract_v2(analysis["signal_contract_v2"]) == []
    assert analysis["ev_score_7d"] == analysis["signal_contract_v2"]["ev_score_7d"]
    assert analysis["regime_label"] in ("risk_on", "transition", "risk_off")
    assert len(analysis["rationale_summary"]) <= 400
    stored = Analysis.objects.get(pk=body["analysis_id"])
    assert stored.ev_score_7d == analysis["ev_score_7d"]
    assert stored.data_quality_score == analysis["data_quality_score"]
    # Legacy keys stay alongside.
    assert analysis["recommendation"] in ("BUY", "HOLD", "SELL")
    assert analysis["portfolio_action"]["action"]


def test_the_chain_of_thought_is_stored_only_when_enabled(pm_api: Any, flag: Any) -> None:
    first = pm_api.post(f"/api/analyze/KO?as_of={PAST}").json()
    assert Analysis.objects.get(pk=first["analysis_id"]).solution_agent_reasoning is None
    flag("COT_PERSISTENCE_ENABLED", True)
    second = pm_api.post("/api/analyze/KO?as_of=2025-06-16").json()
    trace = Analysis.objects.get(pk=second["analysis_id"]).solution_agent_reasoning
    assert "total (clipped to ±100)" in trace


def test_an_agent_subset_runs_only_those_and_their_dependencies(pm_api: Any) -> None:
    body = pm_api.post(f"/api/analyze/JPM?agents=technical,sentiment&as_of={PAST}").json()
    assert list(body["agent_results"]) == ["news", "technical", "sentiment"]


def test_the_second_analysis_reports_changes_against_the_first(pm_api: Any) -> None:
    first = pm_api.post("/api/analyze/XOM?as_of=2025-03-03").json()
    second = pm_api.post("/api/analyze/XOM?as_of=2025-06-02").json()
    summary = second["analysis"]["change_summary"]
    assert summary["has_previous"] is True
    assert summary["previous_analysis_id"] == first["analysis_id"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/analyze/AAPL123", "is not a US equity ticker"),
        ("/api/analyze/TOOLONGX", "is not a US equity ticker"),
        ("/api/analyze/AAPL?agents=market,astrology", "Invalid agent names: astrology. Valid: fundamentals"),
        ("/api/analyze/AAPL?as_of=2999-01-01", "as_of cannot be in the future"),
        ("/api/analyze/AAPL?as_of=13/06/2025", "as_of must be a date as YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(pm_api: Any, path: str, message: str) -> None:
    response = pm_api.post(path)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Analysis.objects.exists()


def test_share_classes_are_accepted(pm_api: Any) -> None:
    body = pm_api.post(f"/api/analyze/brk-b?agents=market&as_of={PAST}").json()
    assert body["ticker"] == "BRK.B"


def test_a_viewer_cannot_run_an_analysis(viewer_api: Any) -> None:
    assert viewer_api.post("/api/analyze/AAPL").status_code == 403
    assert not Analysis.objects.exists()
