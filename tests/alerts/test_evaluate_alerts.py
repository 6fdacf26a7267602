"""evaluate_alerts: the enabled rules of the analysed ticker, v2 types only when enabled."""

from __future__ import annotations

from typing import Any

import pytest

from alerts import playbook
from alerts.models import LEGACY_RULE_TYPES, V2_RULE_TYPES, AlertNotification, RuleType
from alerts.services import evaluate_alerts
from tests.alerts.conftest import CARD, v2_analysis
from tests.factories import AlertRuleFactory, AnalysisFactory

pytestmark = pytest.mark.django_db

# For each rule type: a threshold, and previous/current fields that cross it.
CROSSING_PAIRS: dict[str, tuple[float | None, dict[str, Any], dict[str, Any]]] = {
    "recommendation_change": (None, {"recommendation": "HOLD"}, {"recommendation": "BUY"}),
    "score_above": (50, {"score": 42.0}, {"score": 57.0}),
    "score_below": (-30, {"score": -20.0}, {"score": -40.0}),
    "confidence_above": (0.7, {"confidence_calibrated": 0.65}, {"confidence_calibrated": 0.75}),
    "confidence_below": (0.5, {"confidence_calibrated": 0.55}, {"confidence_calibrated": 0.45}),
    "ev_above": (1.5, {"ev_score_7d": 0.8}, {"ev_score_7d": 2.1}),
    "ev_below": (0.0, {"ev_score_7d": 0.4}, {"ev_score_7d": -0.3}),
    "regime_change": (None, {"regime_label": "transition"}, {"regime_label": "risk_off"}),
    "data_quality_below": (60, {"data_quality_score": 72.5}, {"data_quality_score": 55.0}),
    "calibration_drop": (5, {"confidence_calibrated": 0.64}, {"confidence_calibrated": 0.58}),
}
# The same fields staying on one side of each threshold (or unchanged).
QUIET_PAIRS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "recommendation_change": ({"recommendation": "BUY"}, {"recommendation": "BUY"}),
    "score_above": ({"score": 52.0}, {"score": 57.0}),
    "score_below": ({"score": -35.0}, {"score": -40.0}),
    "confidence_above": ({"confidence_calibrated": 0.72}, {"confidence_calibrated": 0.75}),
    "confidence_below": ({"confidence_calibrated": 0.45}, {"confidence_calibrated": 0.40}),
    "ev_above": ({"ev_score_7d": 1.6}, {"ev_score_7d": 2.1}),
    "ev_below": ({"ev_score_7d": -0.4}, {"ev_score_7d": -0.3}),
    "regime_change": ({"regime_label": "risk_off"}, {"regime_label": "risk_off"}),
    "data_quality_below": ({"data_quality_score": 58.0}, {"data_quality_score": 55.0}),
    "calibration_drop": ({"confidence_calibrated": 0.64}, {"confidence_calibrated": 0.61}),
}


def pair(previous_fields: dict[str, Any], current_fields: dict[str, Any]) -> tuple[Any, Any]:
    return v2_analysis(days_ago=1, **previous_fields), v2_analysis(days_ago=0, **current_fields)


@pytest.mark.parametrize("rule_type", list(RuleType.values))
@pytest.mark.parametrize("v2_enabled", [True, False], ids=["alerts-v2-on", "alerts-v2-off"])
def test_every_rule_type_fires_on_a_crossing_legacy_ones_whatever_the_flag(
    rule_type: str, v2_enabled: bool
) -> None:
    threshold, before, after = CROSSING_PAIRS[rule_type]
    rule = AlertRuleFactory(ticker="AAPL", rule_type=rule_type, threshold=threshold)
    previous, current = pair(before, after)

    raised = evaluate_alerts(analysis=current, previous=previous, v2_enabled=v2_enabled)

    should_fire = v2_enabled or rule_type in LEGACY_RULE_TYPES
    assert [n.alert_rule_id for n in raised] == ([rule.pk] if should_fire else [])
    assert AlertNotification.objects.count() == len(raised)


@pytest.mark.parametrize("rule_type", list(RuleType.values))
def test_every_rule_type_stays_quiet_without_a_crossing(rule_type: str) -> None:
    threshold = CROSSING_PAIRS[rule_type][0]
    AlertRuleFactory(ticker="AAPL", rule_type=rule_type, threshold=threshold)
    previous, current = pair(*QUIET_PAIRS[rule_type])
    assert evaluate_alerts(analysis=current, previous=previous, v2_enabled=True) == []


def test_a_notification_stores_what_fired_and_the_playbook_from_the_decision_card() -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=1.5)
    previous, current = pair({"ev_score_7d": 0.8}, {"ev_score_7d": 2.1})

    (notification,) = evaluate_alerts(analysis=current, previous=previous, v2_enabled=True)

    notification.refresh_from_db()
    assert notification.alert_rule_id == rule.pk
    assert notification.analysis_id == current.pk
    assert notification.ticker == "AAPL"
    assert notification.message == "AAPL 7-day EV rose above 1.5: 0.8 → 2.1"
    assert (notification.previous_value, notification.current_value) == ("0.8", "2.1")
    assert notification.acknowledged is False
    assert notification.trigger_context == {
        "rule_type": "ev_above",
        "threshold": 1.5,
        "metric": "ev_score_7d",
        "previous": 0.8,
        "current": 2.1,
        "direction": "above",
        "event": "AAPL 7-day EV rose above 1.5: 0.8 → 2.1",
        "previous_value": "0.8",
        "current_value": "2.1",
        "rule_id": rule.pk,
        "analysis_id": current.pk,
        "previous_analysis_id": previous.pk,
        "run_kind": "interactive",
        "as_of": current.as_of.isoformat(),
        "previous_as_of": previous.as_of.isoformat(),
        "alerts_v2_enabled": True,
    }
    assert notification.change_summary == current.change_summary
    action = notification.suggested_action
    assert action["source"] == "decision_card"
    assert action["action"] == CARD["action"]
    assert action["headline"] == "Buy AAPL in the entry zone 98.00–102.00"
    assert action["steps"][0] == playbook.RULE_SENTENCES["ev_above"]


def test_the_playbook_comes_from_the_optimizer_when_the_analysis_has_its_action() -> None:
    AlertRuleFactory(ticker="AAPL", rule_type="score_below", threshold=0)
    optimizer = {"action": "exit", "current_weight": 0.04, "target_weight": 0.0, "delta_weight": -0.04}
    previous = v2_analysis(days_ago=1, score=10.0)
    current = v2_analysis(score=-35.0, analysis_payload={"portfolio_action_v2": optimizer})

    (notification,) = evaluate_alerts(analysis=current, previous=previous, v2_enabled=False)

    assert notification.suggested_action["source"] == "optimizer_v2"
    assert notification.suggested_action["action"] == "exit"
    assert notification.suggested_action["headline"] == "Exit AAPL: weight 4.0% → 0.0%"


def test_only_enabled_rules_of_the_analysed_ticker_are_evaluated() -> None:
    fired = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=45, enabled=False)
    AlertRuleFactory(ticker="MSFT", rule_type="score_above", threshold=50)
    previous, current = pair({"score": 42.0}, {"score": 57.0})
    raised = evaluate_alerts(analysis=current, previous=previous, v2_enabled=True)
    assert [n.alert_rule_id for n in raised] == [fired.pk]


def test_several_rules_fire_on_one_analysis() -> None:
    score = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    change = AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    previous, current = pair({"score": 20.0, "recommendation": "HOLD"}, {"score": 57.0})
    raised = evaluate_alerts(analysis=current, previous=previous, v2_enabled=False)
    assert sorted(n.alert_rule_id for n in raised) == sorted([score.pk, change.pk])


def test_nothing_fires_on_a_first_analysis() -> None:
    AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    assert evaluate_alerts(analysis=v2_analysis(), previous=None, v2_enabled=True) == []


def test_replayed_history_raises_nothing() -> None:
    AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    previous, current = pair({"score": 42.0}, {"score": 57.0, "run_kind": "replay"})
    assert evaluate_alerts(analysis=current, previous=previous, v2_enabled=True) == []


def test_a_v2_rule_against_a_v1_analysis_stays_quiet() -> None:
    # A v1 analysis has no EV or regime: nothing to cross from.
    for rule_type in V2_RULE_TYPES:
        AlertRuleFactory(ticker="AAPL", rule_type=rule_type, threshold=CROSSING_PAIRS[rule_type][0])
    previous = AnalysisFactory(ticker="AAPL", score=42.0)
    current = v2_analysis(ev_score_7d=9.0, regime_label="risk_off", data_quality_score=10.0)
    assert evaluate_alerts(analysis=current, previous=previous, v2_enabled=True) == []


def test_a_legacy_analysis_without_a_card_gets_a_recommendation_playbook() -> None:
    AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    previous = AnalysisFactory(ticker="AAPL", recommendation="BUY")
    current = AnalysisFactory(
        ticker="AAPL", recommendation="SELL", timestamp=previous.timestamp.replace(year=2099)
    )
    (notification,) = evaluate_alerts(analysis=current, previous=previous, v2_enabled=False)
    assert notification.message == "AAPL recommendation changed from BUY to SELL"
    assert notification.suggested_action["source"] == "recommendation"
    assert notification.suggested_action["action"] == "avoid"
