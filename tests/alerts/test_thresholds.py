"""Thresholds are validated per rule type, in one pure function the API, page and admin share."""

from __future__ import annotations

import pytest

from alerts import engine


@pytest.mark.parametrize(
    ("rule_type", "threshold", "expected"),
    [
        ("score_above", 50, 50.0),
        ("score_below", -100, -100.0),
        ("score_above", "  70.5 ", 70.5),  # a form posts text
        ("confidence_above", 0.7, 0.7),
        ("confidence_below", 0, 0.0),
        ("confidence_above", 1, 1.0),
        ("ev_above", -2.5, -2.5),
        ("ev_below", 100, 100.0),
        ("data_quality_below", 60, 60.0),
        ("calibration_drop", 0.05, 0.05),
        ("calibration_drop", 5, 5.0),  # stored as given, read as percent points
        ("calibration_drop", 100, 100.0),
        ("recommendation_change", None, None),
        ("regime_change", None, None),
        ("regime_change", "", None),  # an empty form field is no threshold
    ],
)
def test_it_accepts_thresholds_in_range(rule_type: str, threshold: object, expected: float | None) -> None:
    assert engine.clean_threshold(rule_type, threshold) == expected


@pytest.mark.parametrize(
    ("rule_type", "threshold", "message"),
    [
        ("score_above", None, "score_above needs a threshold"),
        ("score_above", "", "score_above needs a threshold"),
        ("score_above", 101, "out of range"),
        ("score_below", -100.5, "out of range"),
        ("confidence_above", 70, "out of range for confidence_above: a confidence from 0 to 1"),
        ("confidence_below", -0.1, "out of range"),
        ("ev_above", 150, "out of range"),
        ("ev_below", float("nan"), "must be a number"),
        ("ev_above", float("inf"), "must be a number"),
        ("ev_above", "Infinity", "must be a number"),
        ("data_quality_below", 101, "out of range"),
        ("data_quality_below", -1, "out of range"),
        ("calibration_drop", 0, "out of range"),
        ("calibration_drop", -0.05, "out of range"),
        ("calibration_drop", 100.5, "out of range"),
        ("score_above", "fifty", "must be a number"),
        ("score_above", True, "must be a number"),
        ("score_above", [50], "must be a number"),
        ("score_above", {"value": 50}, "must be a number"),
        ("recommendation_change", 5, "recommendation_change takes no threshold"),
        ("regime_change", 0, "regime_change takes no threshold"),
        ("price_above", 10, "Unknown rule type"),
    ],
)
def test_it_refuses_thresholds_that_do_not_suit_the_type(
    rule_type: str, threshold: object, message: str
) -> None:
    with pytest.raises(engine.InvalidThreshold, match=message):
        engine.clean_threshold(rule_type, threshold)


def test_every_threshold_type_has_a_hint() -> None:
    for rule_type in engine.RULE_TYPES:
        assert engine.threshold_hint(rule_type)
    assert engine.threshold_hint("regime_change") == "no threshold"
