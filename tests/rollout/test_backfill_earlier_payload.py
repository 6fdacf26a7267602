"""The backfill reads the earlier system's scenario and decision-card formats.

The row is the eligible one of the earlier system's tests/test_backfill_signal_contract.py
(`test_backfill_updates_eligible_analysis`). Worked by hand with the earlier contract rules:
E7 = 0.4·10 + 0.4·3 + 0.2·(−6) = 4.0; D7 = max(0.2·6 = 1.2, (182 − 172)/182·100 = 5.4945)
= 5.49; h7 = 0.45 + 0.45·0.72 = 0.774 (no reliability bins); EV = 4.0·0.774 − 5.4945·0.226
= 1.8542.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.models import Analysis
from tests.factories import AgentResultFactory, AnalysisFactory
from tests.rollout.test_backfill_support import run_backfill

pytestmark = pytest.mark.django_db

EARLIER_PAYLOAD = {
    "recommendation": "BUY",
    "confidence": 0.72,
    "score": 50,
    "summary": "Constructive setup.",
    "scenarios": {
        "bull": {"probability": 0.4, "expected_return_pct": 10.0},
        "base": {"probability": 0.4, "expected_return_pct": 3.0},
        "bear": {"probability": 0.2, "expected_return_pct": -6.0},
    },
    "decision_card": {
        "entry_zone": {"low": 180.0, "high": 185.0, "reference": 182.0},
        "stop_loss": 172.0,
        "targets": [195.0],
        "invalidation_conditions": ["Break of 50DMA"],
        "time_horizon": "MEDIUM_TERM",
    },
}


def earlier_row() -> Analysis:
    analysis = AnalysisFactory(
        ticker="AAPL", recommendation="BUY", confidence_score=0.72, overall_sentiment_score=0.22,
        solution_agent_reasoning="Thesis improving on quality and momentum.", duration_seconds=4.2,
        score=50, analysis_payload=EARLIER_PAYLOAD, analysis_schema_version="v1", signal_contract_v2=None,
        decision_card=None, run_kind=None, as_of=None,
    )  # fmt: skip
    AgentResultFactory(
        analysis=analysis, agent_type="market",
        data={"trend": "uptrend", "current_price": 182.0, "average_volume": 1000000,
              "data_source": "alpha_vantage"},
    )  # fmt: skip
    AgentResultFactory(
        analysis=analysis, agent_type="news",
        data={"articles": [{"published_at": "2026-02-16T10:00:00Z"}], "data_source": "alpha_vantage"},
    )  # fmt: skip
    return analysis


def test_it_reproduces_the_earlier_numbers_on_the_earlier_row(tmp_path: Path) -> None:
    analysis = earlier_row()
    report = run_backfill(tmp_path, "--days", "365")
    assert report["summary"]["updated"] == 1
    contract = Analysis.objects.get(pk=analysis.pk).signal_contract_v2
    assert contract["expected_return_pct"]["7d"] == pytest.approx(4.0, abs=1e-6)
    assert round(contract["downside_risk_pct"]["7d"], 2) == 5.49
    assert contract["hit_rate"]["7d"] == pytest.approx(0.774, abs=1e-6)
    assert round(contract["ev_score_7d"], 2) == 1.85
    assert contract["execution_plan"]["stop_loss"] == 172.0


def test_it_writes_the_payload_as_the_earlier_backfill_did_and_the_v2_columns(tmp_path: Path) -> None:
    analysis = earlier_row()
    run_backfill(tmp_path, "--days", "365")
    row = Analysis.objects.get(pk=analysis.pk)
    assert row.analysis_schema_version == "v2"
    assert row.signal_contract_v2["schema_version"] == "2.0"
    assert row.ev_score_7d == row.signal_contract_v2["ev_score_7d"]
    payload = row.analysis_payload
    # The earlier test read these back from the stored analysis object.
    assert payload["analysis_schema_version"] == "v2"
    assert payload["signal_contract_v2"]["instrument_type"] == "US_EQUITY"
    assert payload["ev_score_7d"] == row.ev_score_7d
    # Every earlier key is kept as it was.
    assert {key: payload[key] for key in EARLIER_PAYLOAD} == EARLIER_PAYLOAD
