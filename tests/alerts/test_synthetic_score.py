"""Score rules on adopted rows (no `score`) use the earlier synthetic score, labelled as such.

Numbers from the earlier system's tests/test_alert_engine.py: BUY 0.3 -> 30 then BUY 0.8 -> 80
crosses 50 (test_score_above_triggers); BUY 0.7 -> 0.8 does not (test_score_above_not_triggered);
BUY 0.8 -> 80 then SELL 0.7 -> -70 crosses -50 (test_score_below_triggers); SELL 0.8 -> 0.9
does not (test_score_below_not_triggered).
"""

from __future__ import annotations

import pytest

from alerts import engine
from alerts.models import AlertNotification
from alerts.services import evaluate_alerts, signal_values
from tests.alerts.conftest import v2_analysis
from tests.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db


def adopted(days_ago: int, recommendation: str, confidence: float):
    # As the earlier system stored it: no score column value, no score in the payload.
    return v2_analysis(
        days_ago=days_ago, recommendation=recommendation, confidence_score=confidence, score=None,
        analysis_payload={"recommendation": recommendation, "confidence": confidence},
    )  # fmt: skip


def fired(rule_type: str, threshold: float, previous, current) -> list[AlertNotification]:
    AlertRuleFactory(ticker="AAPL", rule_type=rule_type, threshold=threshold)
    return evaluate_alerts(analysis=current, previous=previous, v2_enabled=False)


def test_it_is_confidence_times_100_signed_by_the_call() -> None:
    assert engine.synthetic_score("BUY", 0.8) == 80.0
    assert engine.synthetic_score("SELL", 0.7) == -70.0
    assert engine.synthetic_score("HOLD", 0.9) == 0.0
    assert engine.synthetic_score(None, 0.9) is None


def test_it_fires_score_above_on_adopted_rows_and_labels_it() -> None:
    notes = fired("score_above", 50, adopted(1, "BUY", 0.3), adopted(0, "BUY", 0.8))
    assert len(notes) == 1
    assert "synthetic score" in notes[0].message
    assert (notes[0].previous_value, notes[0].current_value) == ("30.0", "80.0")
    assert notes[0].trigger_context["score_source"] == "synthetic"


def test_it_stays_quiet_above_when_already_above() -> None:
    assert fired("score_above", 50, adopted(1, "BUY", 0.7), adopted(0, "BUY", 0.8)) == []


def test_it_fires_score_below_on_a_flip_to_sell() -> None:
    notes = fired("score_below", -50, adopted(1, "BUY", 0.8), adopted(0, "SELL", 0.7))
    assert len(notes) == 1
    assert notes[0].current_value == "-70.0"


def test_it_stays_quiet_below_when_already_below() -> None:
    assert fired("score_below", -50, adopted(1, "SELL", 0.8), adopted(0, "SELL", 0.9)) == []


def test_it_prefers_a_stored_score_and_says_so() -> None:
    row = v2_analysis(score=57.0, confidence_score=0.9)
    assert signal_values(row)["score"] == 57.0
    assert signal_values(row)["score_source"] == "stored"
    # The earlier engine read the payload's score before falling back to the synthetic one.
    payload_only = v2_analysis(score=None, analysis_payload={"score": 12})
    values = signal_values(payload_only)
    assert (values["score"], values["score_source"]) == (12, "stored")
