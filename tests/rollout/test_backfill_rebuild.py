"""Rebuilding a contract from what an analysis stored, with the live builder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analysis.contract import validate_signal_contract_v2
from analysis.models import AgentResult, Analysis
from rollout.backfill import (
    SKIPPED_MISSING_AGENT_RESULTS,
    SKIPPED_MISSING_PAYLOAD,
    SKIPPED_MISSING_RECOMMENDATION,
    SkipRow,
    rebuild_contract,
)
from tests.rollout.test_backfill_support import (
    engine_result,
    legacy_analysis,
    legacy_state,
    persisted_analysis,
    run_backfill,
)

pytestmark = pytest.mark.django_db


def _numbers(value: Any, path: str = "") -> dict[str, float]:
    """Every number of a nested structure by path (for approximate comparisons)."""
    if isinstance(value, bool):
        return {}
    if isinstance(value, int | float):
        return {path: float(value)}
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _numbers(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _numbers(item, f"{path}[{i}]").items()}
    return {}


def test_it_rebuilds_a_pre_upgrade_analysis_from_its_agent_results(tmp_path: Path) -> None:
    analysis = legacy_analysis("AAPL")
    assert analysis.analysis_payload is None and analysis.decision_card is None
    legacy_before = legacy_state()

    report = run_backfill(tmp_path)

    assert report["summary"]["updated"] == 1
    row = Analysis.objects.get(pk=analysis.pk)
    contract = row.signal_contract_v2
    assert validate_signal_contract_v2(contract) == []
    assert row.analysis_schema_version == "v2"
    assert row.ev_score_7d == contract["ev_score_7d"]
    assert row.confidence_calibrated == contract["confidence"]["calibrated"]
    assert row.data_quality_score == contract["risk"]["data_quality_score"]
    assert row.regime_label == contract["risk"]["regime_label"]
    assert row.rationale_summary == contract["rationale_summary"]
    # Built from the legacy columns and the agents' stored data.
    assert contract["recommendation"] == analysis.recommendation
    assert contract["confidence"]["raw"] == pytest.approx(analysis.confidence_score, abs=1e-4)
    assert [e["factor"] for e in contract["evidence"]] == [
        "news",
        "market",
        "fundamentals",
        "technical",
        "macro",
        "options",
        "sentiment",
    ]
    live = engine_result("AAPL", contract=True).analysis["signal_contract_v2"]
    assert [e["direction"] for e in contract["evidence"]] == [e["direction"] for e in live["evidence"]]
    assert contract["execution_plan"]["entry_zone"] == live["execution_plan"]["entry_zone"]
    assert contract["risk"]["regime_detail"]["insufficient_history"] is True
    assert contract["rationale_summary"].startswith(f"{analysis.recommendation} AAPL: score")
    # Nothing else moved: legacy columns and the (absent) payload are as they were.
    assert legacy_state() == legacy_before
    assert row.analysis_payload is None
    assert report["spot_check"][0]["legacy_keys_unchanged"] is True


def test_it_rebuilds_from_the_payload_what_the_live_path_builds(tmp_path: Path) -> None:
    analysis = persisted_analysis("NVDA", contract=False)

    run_backfill(tmp_path)

    rebuilt = Analysis.objects.get(pk=analysis.pk).signal_contract_v2
    live = engine_result("NVDA", contract=True).analysis["signal_contract_v2"]
    # Stored scenario returns and news ages are rounded (news age to 0.01 h), so the last
    # decimals may move.
    assert _numbers(rebuilt) == pytest.approx(_numbers(live), rel=1e-3, abs=2e-3)
    for key in ("recommendation", "hit_rate", "confidence", "execution_plan", "rationale_summary"):
        assert rebuilt[key] == live[key], key
    assert rebuilt["risk"]["regime_detail"] == live["risk"]["regime_detail"]
    assert [(e["factor"], e["direction"], e["source"]) for e in rebuilt["evidence"]] == [
        (e["factor"], e["direction"], e["source"]) for e in live["evidence"]
    ]


def test_it_derives_a_missing_score_and_confidence_with_a_note() -> None:
    analysis = legacy_analysis("TSLA", score=None, confidence_score=None)

    rebuilt = rebuild_contract(analysis, list(analysis.agent_results.all()))

    assert validate_signal_contract_v2(rebuilt.contract) == []
    assert rebuilt.source == "agent_results"
    assert "score derived from agent data" in rebuilt.notes
    assert "confidence derived from agent agreement" in rebuilt.notes
    live = engine_result("TSLA").analysis
    assert rebuilt.contract["confidence"]["raw"] == pytest.approx(live["confidence"], abs=1e-4)


@pytest.mark.parametrize(
    ("make", "outcome"),
    [
        (lambda: legacy_analysis("AAPL", with_agents=False), SKIPPED_MISSING_AGENT_RESULTS),
        (lambda: legacy_analysis("AAPL", recommendation=None), SKIPPED_MISSING_RECOMMENDATION),
    ],
    ids=["missing-agent-results", "missing-recommendation"],
)
def test_it_skips_what_cannot_be_rebuilt_with_the_reason(make: Any, outcome: str, tmp_path: Path) -> None:
    analysis = make()

    with pytest.raises(SkipRow) as skipped:
        rebuild_contract(analysis, list(analysis.agent_results.all()))
    report = run_backfill(tmp_path)

    assert skipped.value.outcome == outcome
    assert report["summary"][outcome] == 1
    assert report["summary"]["updated"] == 0
    assert report["skipped"] == [
        {"analysis_id": analysis.pk, "ticker": "AAPL", "reason": outcome, "detail": skipped.value.detail}
    ]
    assert Analysis.objects.get(pk=analysis.pk).signal_contract_v2 is None


def test_it_skips_a_row_with_nothing_to_anchor_the_execution_plan_as_missing_payload() -> None:
    analysis = legacy_analysis("AAPL")
    AgentResult.objects.filter(analysis=analysis, agent_type="market").update(
        success=False, data={}, error="No data"
    )

    with pytest.raises(SkipRow) as skipped:
        rebuild_contract(analysis, list(analysis.agent_results.all()))

    assert skipped.value.outcome == SKIPPED_MISSING_PAYLOAD


def test_a_stored_decision_card_anchors_a_row_without_market_data() -> None:
    card = engine_result("AAPL").analysis["decision_card"]
    analysis = legacy_analysis("AAPL", decision_card=card)
    AgentResult.objects.filter(analysis=analysis, agent_type="market").update(
        success=False, data={}, error="No data"
    )

    rebuilt = rebuild_contract(analysis, list(analysis.agent_results.all()))

    assert validate_signal_contract_v2(rebuilt.contract) == []
    assert rebuilt.contract["execution_plan"]["stop_loss"] == card["stop_loss"]
    assert rebuilt.contract["risk"]["data_quality_score"] < 100
