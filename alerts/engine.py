"""When an alert rule fires, and what the playbook suggests doing about it. Pure: no Django.

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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RECOMMENDATION_CHANGE = "recommendation_change"
SCORE_ABOVE = "score_above"
SCORE_BELOW = "score_below"
CONFIDENCE_ABOVE = "confidence_above"
CONFIDENCE_BELOW = "confidence_below"
EV_ABOVE = "ev_above"
EV_BELOW = "ev_below"
REGIME_CHANGE = "regime_change"
DATA_QUALITY_BELOW = "data_quality_below"
CALIBRATION_DROP = "calibration_drop"

LEGACY_RULE_TYPES = (RECOMMENDATION_CHANGE, SCORE_ABOVE, SCORE_BELOW, CONFIDENCE_ABOVE, CONFIDENCE_BELOW)
V2_RULE_TYPES = (EV_ABOVE, EV_BELOW, REGIME_CHANGE, DATA_QUALITY_BELOW, CALIBRATION_DROP)
RULE_TYPES = LEGACY_RULE_TYPES + V2_RULE_TYPES
NO_THRESHOLD = frozenset({RECOMMENDATION_CHANGE, REGIME_CHANGE})
# Comparisons of calibrated-confidence drops tolerate float noise (0.60 − 0.55 = 0.0499…).
DROP_TOLERANCE = 1e-9


class InvalidThreshold(ValueError):
    """A threshold that does not suit its rule type; the message is safe to show."""


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
    value = _as_number(threshold)
    if value is None or not math.isfinite(value):
        raise InvalidThreshold(f"threshold must be a number for {rule_type}: {expected.description}.")
    if not expected.admits(value):
        raise InvalidThreshold(
            f"threshold {_show(value)} is out of range for {rule_type}: {expected.description}."
        )
    return value


def _as_number(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip())
        except ValueError:
            return None
    return None


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
    value = _number(confidence)
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
    before, after = _number(previous.get(metric)), _number(current.get(metric))
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
        message = f"{name}{label} rose above {_show(threshold)}: {_show(before)} → {_show(after)}"
        direction = "above"
    else:
        if not before >= threshold > after:
            return None
        message = f"{name}{label} fell below {_show(threshold)}: {_show(before)} → {_show(after)}"
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
    before = _number(previous.get("confidence_calibrated"))
    after = _number(current.get("confidence_calibrated"))
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
            f"{name}calibrated confidence dropped by {_show(drop)} (at least {_show(needed)}): "
            f"{_show(before)} → {_show(after)}"
        ),
        previous_value=_stored(before),
        current_value=_stored(after),
        context=context,
    )


def _confidence_metric(previous: Mapping[str, Any], current: Mapping[str, Any]) -> str:
    both_calibrated = (
        _number(previous.get("confidence_calibrated")) is not None
        and _number(current.get("confidence_calibrated")) is not None
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


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _stored(value: float) -> str:
    """Text for the previous/current columns (the earlier rows hold e.g. '58.0', '0.9')."""
    return repr(round(value, 4))


def _show(value: float) -> str:
    return f"{value:.4g}"


# --- the playbook -----------------------------------------------------------------------------

RULE_SENTENCES = {
    RECOMMENDATION_CHANGE: "The call changed: re-read the thesis and its invalidation conditions first.",
    SCORE_ABOVE: "The score crossed up: confirm the move in the evidence before adding risk.",
    SCORE_BELOW: "The score crossed down: check what weakened and whether the stop still holds.",
    CONFIDENCE_ABOVE: "Confidence rose past your level: the call is better supported; size within limits.",
    CONFIDENCE_BELOW: "Confidence fell past your level: size down or wait for confirmation.",
    EV_ABOVE: "Expected value crossed up: the 7-day risk/reward now favours acting on the call.",
    EV_BELOW: "Expected value crossed down: the edge has thinned; review the position.",
    REGIME_CHANGE: "The market regime changed: revisit sizing and stops for the new regime.",
    DATA_QUALITY_BELOW: "Data quality fell: treat this signal with caution until the data recovers.",
    CALIBRATION_DROP: "Calibrated confidence dropped: recent calls were less reliable; size down.",
}
# When the optimizer holds, a rule that reads as "act now" would contradict the sized answer.
HOLD_SENTENCES = {
    SCORE_ABOVE: "The score crossed up, but the optimizer holds: the sized trade does not pay yet.",
    CONFIDENCE_ABOVE: "Confidence rose past your level, but the optimizer holds: no trade pays yet.",
    EV_ABOVE: (
        "Expected value crossed up, but the optimizer holds: after the shrinks, the beta penalty "
        "and costs below, acting does not pay yet."
    ),
}
_OPTIMIZER_VERBS = {"add": "Add to", "trim": "Trim", "exit": "Exit", "hold": "Hold"}
_CARD_VERBS = {"buy": "Buy", "hold": "Hold", "avoid": "Avoid"}
_RECOMMENDATION_ACTIONS = {"BUY": "buy", "HOLD": "hold", "SELL": "avoid"}


def suggested_action(
    rule_type: str, analysis_block: Mapping[str, Any], *, ticker: str = ""
) -> dict[str, Any]:
    """The playbook card for a fired rule: {action, headline, steps[], source, rule_type}.

    The action comes from the optimizer (`portfolio_action_v2`) when the analysis has one,
    else from the decision card; an analysis with neither (a legacy row) falls back to its
    recommendation (`source: "recommendation"`). The first step is the rule type's sentence.
    """
    subject = ticker or "the position"
    optimizer = analysis_block.get("portfolio_action_v2")
    card = analysis_block.get("decision_card")
    if isinstance(optimizer, Mapping) and optimizer.get("action"):
        action, headline, steps = _from_optimizer(optimizer, subject)
        source = "optimizer_v2"
    elif isinstance(card, Mapping) and card.get("action"):
        action, headline, steps = _from_card(card, subject)
        source = "decision_card"
    else:
        recommendation = analysis_block.get("recommendation")
        action = _RECOMMENDATION_ACTIONS.get(str(recommendation), "review")
        headline = f"Review {subject}: the call is {recommendation or 'unknown'}"
        steps = []
        source = "recommendation"
    sentence = RULE_SENTENCES.get(rule_type, "Review the analysis.")
    if source == "optimizer_v2" and action == "hold":
        sentence = HOLD_SENTENCES.get(rule_type, sentence)
    return {
        "action": action,
        "headline": headline,
        "steps": [sentence, *steps],
        "source": source,
        "rule_type": rule_type,
    }


def action_text(playbook: Mapping[str, Any] | str | None) -> str | None:
    """The playbook as one plain sentence or two: what `suggested_action` says as a string.

    The earlier clients render `suggested_action` as text; the card itself is the
    `playbook` object. A legacy row that stored text already gives that text back.
    """
    if playbook is None or isinstance(playbook, str):
        return playbook
    if not isinstance(playbook, Mapping):
        return None
    parts = [str(playbook.get("headline") or "").strip()]
    steps = playbook.get("steps")
    if isinstance(steps, Sequence) and not isinstance(steps, str) and steps:
        parts.append(str(steps[0]).strip())
    sentences = [part if part.endswith((".", "!", "?")) else f"{part}." for part in parts if part]
    return " ".join(sentences) or None


def _from_optimizer(optimizer: Mapping[str, Any], subject: str) -> tuple[str, str, list[str]]:
    """From `portfolio.optimizer`'s `portfolio_action_v2` (weights are fractions of the book)."""
    action = str(optimizer["action"]).lower()
    verb = _OPTIMIZER_VERBS.get(action, action.capitalize())
    current = _number(optimizer.get("current_weight"))
    target = _number(optimizer.get("target_weight"))
    headline = f"{verb} {subject}"
    steps: list[str] = []
    moves = action != "hold" and current is not None and target is not None
    if moves:
        headline += f": weight {_percent(current)} → {_percent(target)}"
        steps.append(f"Move the weight from {_percent(current)} to {_percent(target)}.")
    elif current is not None and target is not None and _percent(current) == _percent(target):
        # A hold moves nothing: say what stays, never "from 0.0% to 0.0%".
        headline += f": the optimizer keeps the weight at {_percent(current)}"
    elif current is not None and target is not None:
        headline += (
            f": the optimizer's target {_percent(target)} is within the minimum trade of "
            f"the current {_percent(current)}"
        )
    delta = _number(optimizer.get("delta_weight"))
    if delta is not None and delta != 0 and moves:
        steps.append(f"Change: {delta * 100:+.2f} points of portfolio weight.")
    shares = _number(optimizer.get("shares_to_trade"))
    if shares:
        cost = _number(optimizer.get("estimated_cost_usd"))
        trade = f"{'Buy' if shares > 0 else 'Sell'} {abs(shares):,.0f} shares"
        steps.append(trade + (f" (estimated cost ${cost:,.2f})." if cost is not None else "."))
    binding = optimizer.get("binding_constraint")
    if isinstance(binding, str) and binding and binding != "none":
        steps.append(f"Binding constraint: {binding.replace('_', ' ')}.")
    fit = _number(optimizer.get("fit_score"))
    # The fit score grades a proposed move; on a hold there is none, and "100/100" misleads.
    if fit is not None and moves:
        steps.append(f"Optimizer fit score {_show(fit)}/100.")
    note = optimizer.get("note")
    if isinstance(note, str) and note:
        steps.append(note)
    return action, headline, steps


def _from_card(card: Mapping[str, Any], subject: str) -> tuple[str, str, list[str]]:
    action = str(card["action"]).lower()
    verb = _CARD_VERBS.get(action, action.capitalize())
    zone = card.get("entry_zone") if isinstance(card.get("entry_zone"), Mapping) else {}
    low, high = _number(zone.get("low")), _number(zone.get("high"))
    headline = f"{verb} {subject}"
    steps: list[str] = []
    if action == "buy" and low is not None and high is not None:
        headline += f" in the entry zone {low:.2f}–{high:.2f}"
    if low is not None and high is not None:
        steps.append(f"Entry zone {low:.2f}–{high:.2f}.")
    stop = _number(card.get("stop_loss"))
    if stop is not None:
        steps.append(f"Stop loss at {stop:.2f}.")
    targets = [t for t in (card.get("targets") or []) if _number(t) is not None]
    if targets:
        steps.append("Targets: " + ", ".join(f"{t:.2f}" for t in targets) + ".")
    sizing = card.get("position_sizing")
    if isinstance(sizing, Mapping) and sizing.get("hint"):
        multiplier = _number(sizing.get("risk_multiplier"))
        suffix = f" ({_show(multiplier)}× normal risk)" if multiplier is not None else ""
        steps.append(f"Size {str(sizing['hint']).lower()}{suffix}.")
    holding = card.get("max_holding_days")
    if isinstance(holding, int) and not isinstance(holding, bool):
        steps.append(f"Hold for at most {holding} days.")
    conditions = card.get("invalidation_conditions")
    if isinstance(conditions, Sequence) and not isinstance(conditions, str) and conditions:
        steps.append(f"Invalidated if: {conditions[0]}.")
    return action, headline, steps


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"
