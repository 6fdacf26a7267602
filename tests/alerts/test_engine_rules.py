"""The pure rule engine: every rule type fires on a crossing and stays quiet otherwise."""

from __future__ import annotations

from typing import Any

import pytest

from alerts import engine, rule_types
from alerts.models import LEGACY_RULE_TYPES, V2_RULE_TYPES, RuleType


def values(**overrides: Any) -> dict[str, Any]:
    base = {
        "recommendation": "BUY",
        "score": 40.0,
        "confidence": 0.60,
        "confidence_calibrated": None,
        "ev_score_7d": 2.0,
        "data_quality_score": 70.0,
        "regime_label": "risk_on",
    }
    return {**base, **overrides}


def fires(rule_type: str, threshold: float | None, previous: dict, current: dict) -> engine.Trigger | None:
    return engine.evaluate_rule(
        rule_type=rule_type, threshold=threshold, previous=previous, current=current, ticker="AAPL"
    )


def test_it_knows_the_same_ten_rule_types_as_the_model() -> None:
    assert tuple(RuleType.values) == engine.RULE_TYPES
    assert tuple(t.value for t in LEGACY_RULE_TYPES) == rule_types.LEGACY_RULE_TYPES
    assert tuple(t.value for t in V2_RULE_TYPES) == rule_types.V2_RULE_TYPES


# (rule type, threshold, metric, previous, current, fires)
CROSSINGS = [
    # score_above: previous ≤ t < current
    ("score_above", 50, "score", 42.0, 57.0, True),
    ("score_above", 50, "score", 50.0, 50.5, True),  # from exactly on the line counts
    ("score_above", 50, "score", 51.0, 60.0, False),  # already above: no crossing
    ("score_above", 50, "score", 30.0, 50.0, False),  # reaching the line is not crossing it
    ("score_above", 50, "score", 57.0, 42.0, False),  # the wrong direction
    # score_below: previous ≥ t > current
    ("score_below", -30, "score", -10.0, -35.0, True),
    ("score_below", -30, "score", -30.0, -30.5, True),
    ("score_below", -30, "score", -40.0, -50.0, False),
    ("score_below", -30, "score", -35.0, -10.0, False),
    # confidence (raw on both sides here)
    ("confidence_above", 0.7, "confidence", 0.65, 0.72, True),
    ("confidence_above", 0.7, "confidence", 0.72, 0.80, False),
    ("confidence_above", 0.7, "confidence", 0.72, 0.65, False),
    ("confidence_below", 0.5, "confidence", 0.55, 0.45, True),
    ("confidence_below", 0.5, "confidence", 0.45, 0.40, False),
    ("confidence_below", 0.5, "confidence", 0.45, 0.55, False),
    # EV in percent
    ("ev_above", 1.5, "ev_score_7d", 0.8, 2.1, True),
    ("ev_above", 1.5, "ev_score_7d", 1.6, 2.1, False),
    ("ev_above", 1.5, "ev_score_7d", 2.1, 0.8, False),
    ("ev_below", 0.0, "ev_score_7d", 0.4, -0.3, True),
    ("ev_below", 0.0, "ev_score_7d", -0.4, -0.9, False),
    ("ev_below", 0.0, "ev_score_7d", -0.3, 0.4, False),
    # data quality crossing below
    ("data_quality_below", 60, "data_quality_score", 72.5, 55.0, True),
    ("data_quality_below", 60, "data_quality_score", 58.0, 40.0, False),
    ("data_quality_below", 60, "data_quality_score", 55.0, 72.5, False),
]


@pytest.mark.parametrize(("rule_type", "threshold", "metric", "before", "after", "expected"), CROSSINGS)
def test_it_fires_only_on_a_crossing(
    rule_type: str, threshold: float, metric: str, before: float, after: float, expected: bool
) -> None:
    trigger = fires(rule_type, threshold, values(**{metric: before}), values(**{metric: after}))
    assert (trigger is not None) is expected
    if trigger is not None:
        assert trigger.previous_value == repr(before)
        assert trigger.current_value == repr(after)
        assert trigger.context["metric"] == metric
        assert trigger.context["threshold"] == threshold
        assert trigger.message.startswith("AAPL ")


def test_it_words_the_message_with_both_values() -> None:
    trigger = fires("score_above", 50, values(score=42.0), values(score=57.0))
    assert trigger is not None
    assert trigger.message == "AAPL score rose above 50: 42 → 57"
    trigger = fires("ev_below", 0, values(ev_score_7d=0.4), values(ev_score_7d=-0.3))
    assert trigger is not None
    assert trigger.message == "AAPL 7-day EV fell below 0: 0.4 → -0.3"


@pytest.mark.parametrize(
    ("rule_type", "field", "before", "after", "expected"),
    [
        ("recommendation_change", "recommendation", "HOLD", "BUY", True),
        ("recommendation_change", "recommendation", "BUY", "BUY", False),
        ("recommendation_change", "recommendation", None, "BUY", False),  # unknown before: no change seen
        ("regime_change", "regime_label", "risk_on", "transition", True),
        ("regime_change", "regime_label", "risk_off", "risk_off", False),
        ("regime_change", "regime_label", None, "risk_on", False),  # a v1 analysis has no regime
        ("regime_change", "regime_label", "risk_on", None, False),
    ],
)
def test_change_rules_fire_when_a_known_value_changes(
    rule_type: str, field: str, before: Any, after: Any, expected: bool
) -> None:
    trigger = fires(rule_type, None, values(**{field: before}), values(**{field: after}))
    assert (trigger is not None) is expected
    if trigger is not None:
        assert (trigger.previous_value, trigger.current_value) == (before, after)
        assert trigger.message.endswith(f"changed from {before} to {after}")


@pytest.mark.parametrize(
    ("threshold", "before", "after", "expected"),
    [
        (0.05, 0.64, 0.58, True),  # fell 0.06 ≥ 0.05
        (0.05, 0.60, 0.55, True),  # exactly the threshold (0.60 − 0.55 is 0.0499… in floats)
        (0.05, 0.64, 0.61, False),  # fell 0.03 only
        (0.05, 0.55, 0.70, False),  # rose
        (5, 0.64, 0.58, True),  # above 1: percent points, 5 → 0.05
        (5, 0.64, 0.61, False),
        (1, 0.90, 0.05, False),  # 1 is a fraction: a fall of a whole 1.0
        (0.10, None, 0.40, False),  # no calibrated confidence before
    ],
)
def test_calibration_drop_fires_on_a_fall_of_at_least_the_threshold(
    threshold: float, before: float | None, after: float, expected: bool
) -> None:
    trigger = fires(
        "calibration_drop",
        threshold,
        values(confidence_calibrated=before),
        values(confidence_calibrated=after),
    )
    assert (trigger is not None) is expected
    if trigger is not None:
        assert trigger.context["required_drop"] == engine.calibration_drop_fraction(threshold)
        assert "calibrated confidence dropped by" in trigger.message


def test_confidence_rules_compare_calibrated_values_when_both_analyses_have_them() -> None:
    # Raw confidence stays flat; the calibrated one crosses.
    previous = values(confidence=0.60, confidence_calibrated=0.66)
    current = values(confidence=0.60, confidence_calibrated=0.74)
    trigger = fires("confidence_above", 0.7, previous, current)
    assert trigger is not None
    assert trigger.context["metric"] == "confidence_calibrated"
    assert trigger.message.startswith("AAPL calibrated confidence rose above 0.7")


def test_confidence_rules_never_mix_raw_and_calibrated() -> None:
    # Raw 0.65 → calibrated 0.74 would look like a crossing; raw → raw (0.65 → 0.68) is not one.
    previous = values(confidence=0.65, confidence_calibrated=None)
    current = values(confidence=0.68, confidence_calibrated=0.74)
    assert fires("confidence_above", 0.7, previous, current) is None
    current = values(confidence=0.72, confidence_calibrated=0.74)
    trigger = fires("confidence_above", 0.7, previous, current)
    assert trigger is not None and trigger.context["metric"] == "confidence"


@pytest.mark.parametrize("rule_type", list(RuleType.values))
def test_nothing_fires_without_a_previous_analysis(rule_type: str) -> None:
    threshold = None if rule_type in engine.NO_THRESHOLD else 0.01
    assert fires(rule_type, threshold, None, values(score=99.0, recommendation="SELL")) is None


@pytest.mark.parametrize(
    ("rule_type", "metric"),
    [
        ("ev_above", "ev_score_7d"),
        ("ev_below", "ev_score_7d"),
        ("data_quality_below", "data_quality_score"),
        ("score_above", "score"),
    ],
)
def test_an_unknown_value_on_either_side_never_fires(rule_type: str, metric: str) -> None:
    assert fires(rule_type, 0.5, values(**{metric: None}), values(**{metric: 99.0})) is None
    assert fires(rule_type, 0.5, values(**{metric: 99.0}), values(**{metric: None})) is None
