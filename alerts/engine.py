"""When an alert rule fires (what to do about it is `alerts.playbook`). Pure: no Django.

A rule compares the previous analysis of a ticker with the new one (plain dicts with the
keys `recommendation`, `score`, `confidence` (raw), `confidence_calibrated`, `ev_score_7d`,
`data_quality_score`, `regime_label`) and fires on a *crossing*, as the earlier system did:

* `*_above` fires when previous ≤ threshold < current;
* `*_below` (and `data_quality_below`) when previous ≥ threshold > current;
* `recommendation_change` and `regime_change` when both values are known and differ;
* `calibration_drop` when the calibrated confidence fell by at least the threshold
  (a threshold above 1 is read as percent points: 5 → 0.05).

A value that is unknown on either side (a v1 analysis has no EV, no regime, no calibrated
confidence) never fires, and with no previous analysis nothing fires: there is nothing to
cross from. Confidence rules compare calibrated confidence when *both* analyses carry one,
else raw confidence on both sides, so a rule never compares a raw value with a calibrated one.

Units: score −100..100; confidence 0..1 (a fraction: thresholds above 1 are refused, not
guessed at); EV in percent; data quality 0..100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from alerts.rule_types import (
    CALIBRATION_DROP,
    CONFIDENCE_ABOVE,
    CONFIDENCE_BELOW,
    DATA_QUALITY_BELOW,
    EV_ABOVE,
    EV_BELOW,
    NO_THRESHOLD,
    RECOMMENDATION_CHANGE,
    REGIME_CHANGE,
    RULE_TYPES,
    SCORE_ABOVE,
    SCORE_BELOW,
)
from core.domain_errors import DomainError
from core.numeric import finite_number

# Comparisons of calibrated-confidence drops tolerate float noise (0.60 − 0.55 = 0.0499…).
DROP_TOLERANCE = 1e-9


class InvalidThreshold(DomainError, ValueError):
    """A threshold that does not suit its rule type; the message is safe to show (a 400)."""


@dataclass(frozen=True)
class ThresholdRange:
    low: float
    high: float
    description: str
    low_exclusive: bool = False

    def admits(self, value: float) -> bool:
        above_low = value > self.low if self.low_exclusive else value >= self.low
        return above_low and value <= self.high


_SCORE = ThresholdRange(-100.0, 100.0, "a score from -100 to 100")
_CONFIDENCE = ThresholdRange(0.0, 1.0, "a confidence from 0 to 1, as a fraction (0.7 for 70 %)")
_EV = ThresholdRange(-100.0, 100.0, "a 7-day expected value in percent, from -100 to 100")
THRESHOLD_RANGES: dict[str, ThresholdRange] = {
    SCORE_ABOVE: _SCORE,
    SCORE_BELOW: _SCORE,
    CONFIDENCE_ABOVE: _CONFIDENCE,
    CONFIDENCE_BELOW: _CONFIDENCE,
    EV_ABOVE: _EV,
    EV_BELOW: _EV,
    DATA_QUALITY_BELOW: ThresholdRange(0.0, 100.0, "a data-quality score from 0 to 100"),
    CALIBRATION_DROP: ThresholdRange(
        0.0,
        100.0,
        "a fall in calibrated confidence above 0: a fraction up to 1 (0.05), or percent points "
        "above 1 up to 100 (5 means 0.05)",
        low_exclusive=True,
    ),
}


def threshold_hint(rule_type: str) -> str:
    """What a rule type's threshold means, for forms and error messages."""
    if rule_type in NO_THRESHOLD:
        return "no threshold"
    return THRESHOLD_RANGES[rule_type].description


def clean_threshold(rule_type: str, threshold: object) -> float | None:
    """The threshold as a float (None for the types that take none), or InvalidThreshold.

    A number or a numeric string is accepted; an empty string counts as absent.
    """
    if rule_type not in RULE_TYPES:
        raise InvalidThreshold(f"Unknown rule type '{rule_type}'.")
    if isinstance(threshold, str) and not threshold.strip():
        threshold = None
    if rule_type in NO_THRESHOLD:
        if threshold is None:
            return None
        raise InvalidThreshold(f"{rule_type} takes no threshold: leave threshold out or send null.")
    expected = THRESHOLD_RANGES[rule_type]
    if threshold is None:
        raise InvalidThreshold(f"{rule_type} needs a threshold: {expected.description}.")
    value = finite_number(threshold, text=True)
    if value is None:
        raise InvalidThreshold(f"threshold must be a number for {rule_type}: {expected.description}.")
    if not expected.admits(value):
        raise InvalidThreshold(
            f"threshold {short_number(value)} is out of range for {rule_type}: {expected.description}."
        )
    return value


def calibration_drop_fraction(threshold: float) -> float:
    """The drop a `calibration_drop` threshold asks for, as a fraction (5 → 0.05, 0.05 → 0.05)."""
    return threshold / 100.0 if threshold > 1 else threshold


@dataclass(frozen=True)
class Trigger:
    """A rule that fired: the message, both values as stored text, and what decided it."""

    message: str
    previous_value: str
    current_value: str
    context: dict[str, Any] = field(default_factory=dict)


_METRIC_LABEL = {
    "score": "score",
    "confidence": "confidence",
    "confidence_calibrated": "calibrated confidence",
    "ev_score_7d": "7-day EV",
    "data_quality_score": "data quality",
}
_METRIC_OF = {
    SCORE_ABOVE: "score",
    SCORE_BELOW: "score",
    EV_ABOVE: "ev_score_7d",
    EV_BELOW: "ev_score_7d",
    DATA_QUALITY_BELOW: "data_quality_score",
}


#: Beside `score` in the values compared: where the score came from.
SCORE_STORED, SCORE_SYNTHETIC = "stored", "synthetic"
SYNTHETIC_NOTE = "synthetic score: confidence × 100, signed by the call"


def synthetic_score(recommendation: str | None, confidence: float | None) -> float | None:
    """The earlier system's stand-in for a missing score (its alert engine's `_synthetic_score`):
    BUY +confidence × 100, SELL −confidence × 100, HOLD 0; None without a call."""
    if recommendation not in ("BUY", "SELL", "HOLD"):
        return None
    if recommendation == "HOLD":
        return 0.0
    value = finite_number(confidence)
    if value is None:
        return None
    return value * 100.0 if recommendation == "BUY" else -value * 100.0


def evaluate_rule(
    *,
    rule_type: str,
    threshold: float | None,
    previous: Mapping[str, Any] | None,
    current: Mapping[str, Any],
    ticker: str = "",
) -> Trigger | None:
    """The trigger when the rule fires between `previous` and `current`, else None."""
    if previous is None or rule_type not in RULE_TYPES:
        return None
    name = f"{ticker} " if ticker else ""
    if rule_type in (RECOMMENDATION_CHANGE, REGIME_CHANGE):
        metric = "recommendation" if rule_type == RECOMMENDATION_CHANGE else "regime_label"
        before, after = previous.get(metric), current.get(metric)
        if before is None or after is None or before == after:
            return None
        label = "recommendation" if rule_type == RECOMMENDATION_CHANGE else "regime"
        return Trigger(
            message=f"{name}{label} changed from {before} to {after}",
            previous_value=str(before),
            current_value=str(after),
            context=_context(rule_type, threshold, metric, before, after, direction="changed"),
        )
    if threshold is None:
        return None
    if rule_type == CALIBRATION_DROP:
        return _calibration_drop(threshold, previous, current, name)
    if rule_type in (CONFIDENCE_ABOVE, CONFIDENCE_BELOW):
        metric = _confidence_metric(previous, current)
    else:
        metric = _METRIC_OF[rule_type]
    before, after = finite_number(previous.get(metric)), finite_number(current.get(metric))
    if before is None or after is None:
        return None
    label = _METRIC_LABEL[metric]
    sources = (previous.get("score_source"), current.get("score_source"))
    synthetic = metric == "score" and SCORE_SYNTHETIC in sources
    if synthetic:
        label = f"{label} ({SYNTHETIC_NOTE})"
    if rule_type.endswith("_above"):
        if not before <= threshold < after:
            return None
        message = (
            f"{name}{label} rose above {short_number(threshold)}: "
            f"{short_number(before)} → {short_number(after)}"
        )
        direction = "above"
    else:
        if not before >= threshold > after:
            return None
        message = (
            f"{name}{label} fell below {short_number(threshold)}: "
            f"{short_number(before)} → {short_number(after)}"
        )
        direction = "below"
    context = _context(rule_type, threshold, metric, before, after, direction=direction)
    if metric == "score":
        context["score_source"] = SCORE_SYNTHETIC if synthetic else SCORE_STORED
    return Trigger(
        message=message,
        previous_value=_stored(before),
        current_value=_stored(after),
        context=context,
    )


def _calibration_drop(
    threshold: float, previous: Mapping[str, Any], current: Mapping[str, Any], name: str
) -> Trigger | None:
    before = finite_number(previous.get("confidence_calibrated"))
    after = finite_number(current.get("confidence_calibrated"))
    if before is None or after is None:
        return None
    needed = calibration_drop_fraction(threshold)
    drop = before - after
    if drop + DROP_TOLERANCE < needed:
        return None
    context = _context(CALIBRATION_DROP, threshold, "confidence_calibrated", before, after, direction="drop")
    context.update({"drop": round(drop, 6), "required_drop": needed})
    return Trigger(
        message=(
            f"{name}calibrated confidence dropped by {short_number(drop)} (at least {short_number(needed)}): "
            f"{short_number(before)} → {short_number(after)}"
        ),
        previous_value=_stored(before),
        current_value=_stored(after),
        context=context,
    )


def _confidence_metric(previous: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    both_calibrated = (
        finite_number(previous.get("confidence_calibrated")) is not None
        and finite_number(current.get("confidence_calibrated")) is not None
    )
    return "confidence_calibrated" if both_calibrated else "confidence"


def _context(
    rule_type: str, threshold: float | None, metric: str, before: Any, after: Any, *, direction: str
) -> dict[str, Any]:
    return {
        "rule_type": rule_type,
        "threshold": threshold,
        "metric": metric,
        "previous": before,
        "current": after,
        "direction": direction,
    }


def _stored(value: float) -> str:
    """Text for the previous/current columns (the earlier rows hold e.g. '58.0', '0.9')."""
    return repr(round(value, 4))


def short_number(value: float) -> str:
    """A number as the messages and the playbook show it (4 significant digits)."""
    return f"{value:.4g}"
