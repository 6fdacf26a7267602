"""The playbook card: from the optimizer v2 action when present, else the decision card."""

from __future__ import annotations

import pytest

from alerts import engine, playbook

CARD = {
    "action": "buy",
    "entry_zone": {"low": 98.0, "high": 102.0},
    "reference_price": 100.0,
    "stop_loss": 94.5,
    "targets": [111.0, 115.25],
    "time_horizon": "MEDIUM_TERM",
    "max_holding_days": 30,
    "confidence": 0.66,
    "invalidation_conditions": ["Daily close below the stop at 94.50"],
    "position_sizing": {"hint": "MEDIUM", "risk_multiplier": 1.0},
}
OPTIMIZER = {
    "action": "trim",
    "current_weight": 0.08,
    "target_weight": 0.05,
    "delta_weight": -0.03,
    "shares_to_trade": -120.0,
    "estimated_cost_usd": 21.6,
    "binding_constraint": "sector_limit",
    "fit_score": 87.5,
    "note": "The sector limit binds.",
}


def test_it_prefers_the_optimizer_action() -> None:
    action = playbook.suggested_action(
        "ev_below", {"portfolio_action_v2": OPTIMIZER, "decision_card": CARD}, ticker="AAPL"
    )
    assert action["source"] == "optimizer_v2"
    assert action["action"] == "trim"
    assert action["headline"] == "Trim AAPL: weight 8.0% → 5.0%"
    assert action["steps"][0] == playbook.RULE_SENTENCES["ev_below"]
    assert action["steps"][1:] == [
        "Move the weight from 8.0% to 5.0%.",
        "Change: -3.00 points of portfolio weight.",
        "Sell 120 shares (estimated cost $21.60).",
        "Binding constraint: sector limit.",
        "Optimizer fit score 87.5/100.",
        "The sector limit binds.",
    ]
    assert action["rule_type"] == "ev_below"


def test_it_falls_back_to_the_decision_card_without_an_optimizer_action() -> None:
    for block in ({"portfolio_action_v2": None, "decision_card": CARD}, {"decision_card": CARD}):
        action = playbook.suggested_action("score_above", block, ticker="AAPL")
        assert action["source"] == "decision_card"
        assert action["action"] == "buy"
        assert action["headline"] == "Buy AAPL in the entry zone 98.00–102.00"
        assert action["steps"] == [
            playbook.RULE_SENTENCES["score_above"],
            "Entry zone 98.00–102.00.",
            "Stop loss at 94.50.",
            "Targets: 111.00, 115.25.",
            "Size medium (1× normal risk).",
            "Hold for at most 30 days.",
            "Invalidated if: Daily close below the stop at 94.50.",
        ]


def test_an_optimizer_payload_without_an_action_does_not_count() -> None:
    action = playbook.suggested_action(
        "score_above", {"portfolio_action_v2": {"trace": []}, "decision_card": CARD}
    )
    assert action["source"] == "decision_card"


def test_a_legacy_analysis_with_neither_falls_back_to_its_recommendation() -> None:
    action = playbook.suggested_action("recommendation_change", {"recommendation": "SELL"}, ticker="NVDA")
    assert action == {
        "action": "avoid",
        "headline": "Review NVDA: the call is SELL",
        "steps": [playbook.RULE_SENTENCES["recommendation_change"]],
        "source": "recommendation",
        "rule_type": "recommendation_change",
    }


@pytest.mark.parametrize("rule_type", engine.RULE_TYPES)
def test_every_rule_type_adds_its_own_sentence(rule_type: str) -> None:
    action = playbook.suggested_action(rule_type, {"decision_card": {**CARD, "action": "hold"}})
    assert action["steps"][0] == playbook.RULE_SENTENCES[rule_type]
    assert action["headline"] == "Hold the position"


def test_an_optimizer_hold_with_no_limit_binding_stays_short() -> None:
    hold = {"action": "hold", "current_weight": 0.0, "target_weight": 0.0, "delta_weight": 0.0,
            "shares_to_trade": 0.0, "binding_constraint": "none", "fit_score": None}  # fmt: skip
    action = playbook.suggested_action("regime_change", {"portfolio_action_v2": hold}, ticker="MSFT")
    # A hold moves nothing: it says what stays, never "from 0.0% to 0.0%".
    assert action["headline"] == "Hold MSFT: the optimizer keeps the weight at 0.0%"
    assert action["steps"] == [playbook.RULE_SENTENCES["regime_change"]]
