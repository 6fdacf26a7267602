"""What the playbook suggests doing about a fired alert rule: the card (`suggested_action`:
action, headline, steps) from the optimizer's sized answer, else the decision card, else the
call; and the card as plain text for the earlier clients (`action_text`). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from alerts.engine import short_number
from alerts.rule_types import (
    CALIBRATION_DROP,
    CONFIDENCE_ABOVE,
    CONFIDENCE_BELOW,
    DATA_QUALITY_BELOW,
    EV_ABOVE,
    EV_BELOW,
    RECOMMENDATION_CHANGE,
    REGIME_CHANGE,
    SCORE_ABOVE,
    SCORE_BELOW,
)
from core.numeric import finite_number

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
    current = finite_number(optimizer.get("current_weight"))
    target = finite_number(optimizer.get("target_weight"))
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
    delta = finite_number(optimizer.get("delta_weight"))
    if delta is not None and delta != 0 and moves:
        steps.append(f"Change: {delta * 100:+.2f} points of portfolio weight.")
    shares = finite_number(optimizer.get("shares_to_trade"))
    if shares:
        cost = finite_number(optimizer.get("estimated_cost_usd"))
        trade = f"{'Buy' if shares > 0 else 'Sell'} {abs(shares):,.0f} shares"
        steps.append(trade + (f" (estimated cost ${cost:,.2f})." if cost is not None else "."))
    binding = optimizer.get("binding_constraint")
    if isinstance(binding, str) and binding and binding != "none":
        steps.append(f"Binding constraint: {binding.replace('_', ' ')}.")
    fit = finite_number(optimizer.get("fit_score"))
    # The fit score grades a proposed move; on a hold there is none, and "100/100" misleads.
    if fit is not None and moves:
        steps.append(f"Optimizer fit score {short_number(fit)}/100.")
    note = optimizer.get("note")
    if isinstance(note, str) and note:
        steps.append(note)
    return action, headline, steps


def _from_card(card: Mapping[str, Any], subject: str) -> tuple[str, str, list[str]]:
    action = str(card["action"]).lower()
    verb = _CARD_VERBS.get(action, action.capitalize())
    zone = card.get("entry_zone") if isinstance(card.get("entry_zone"), Mapping) else {}
    low, high = finite_number(zone.get("low")), finite_number(zone.get("high"))
    headline = f"{verb} {subject}"
    steps: list[str] = []
    if action == "buy" and low is not None and high is not None:
        headline += f" in the entry zone {low:.2f}–{high:.2f}"
    if low is not None and high is not None:
        steps.append(f"Entry zone {low:.2f}–{high:.2f}.")
    stop = finite_number(card.get("stop_loss"))
    if stop is not None:
        steps.append(f"Stop loss at {stop:.2f}.")
    targets = [t for t in (card.get("targets") or []) if finite_number(t) is not None]
    if targets:
        steps.append("Targets: " + ", ".join(f"{t:.2f}" for t in targets) + ".")
    sizing = card.get("position_sizing")
    if isinstance(sizing, Mapping) and sizing.get("hint"):
        multiplier = finite_number(sizing.get("risk_multiplier"))
        suffix = f" ({short_number(multiplier)}× normal risk)" if multiplier is not None else ""
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
