"""The playbook follows the optimizer's numbers: a hold at 0 → 0 never reads as a move.

The issue's HD case (a BUY, EV +4.86, beta 0.71, risk-off cap, optimizer holding at 0.0 %) had
the playbook say "risk/reward now favours acting", "Move the weight from 0.0% to 0.0%" and
"Optimizer fit score 100/100" beside a hold.
"""

from __future__ import annotations

from alerts import engine, playbook
from portfolio.optimizer import optimize
from tests.portfolio.test_optimizer_note_drivers import HD


def _card(rule_type: str = engine.EV_ABOVE) -> dict:
    action = optimize(HD).to_dict()
    assert action["action"] == "hold" and action["target_weight"] == 0.0
    return playbook.suggested_action(rule_type, {"portfolio_action_v2": action}, ticker="HD")


def test_it_says_what_a_hold_keeps_not_a_move_from_zero_to_zero() -> None:
    card = _card()
    text = " ".join([card["headline"], *card["steps"]])
    assert card["action"] == "hold"
    assert card["headline"] == "Hold HD: the optimizer keeps the weight at 0.0%"
    assert "Move the weight" not in text
    assert "from 0.0% to 0.0%" not in text
    assert "fit score" not in text


def test_it_does_not_say_acting_is_favoured_when_the_optimizer_holds() -> None:
    card = _card()
    assert "favours acting" not in card["steps"][0]
    assert card["steps"][0].startswith("Expected value crossed up, but the optimizer holds")
    # The optimizer's own reasons, with its numbers, follow.
    assert any("caps it at +0.500%" in step and "-0.426%" in step for step in card["steps"])
    assert "no purchase pays" in playbook.action_text(card) or "holds" in playbook.action_text(card)


def test_a_hold_just_short_of_the_minimum_trade_names_both_weights() -> None:
    action = {"action": "hold", "current_weight": 0.05, "target_weight": 0.0512, "delta_weight": 0.0012}
    card = playbook.suggested_action(engine.SCORE_ABOVE, {"portfolio_action_v2": action}, ticker="HD")
    assert (
        card["headline"]
        == "Hold HD: the optimizer's target 5.1% is within the minimum trade of the current 5.0%"
    )
    assert not any(step.startswith("Change:") for step in card["steps"])


def test_a_real_move_keeps_its_steps_and_fit_score() -> None:
    action = {
        "action": "add",
        "current_weight": 0.0,
        "target_weight": 0.04,
        "delta_weight": 0.04,
        "fit_score": 100,
    }
    card = playbook.suggested_action(engine.EV_ABOVE, {"portfolio_action_v2": action}, ticker="HD")
    assert "Move the weight from 0.0% to 4.0%." in card["steps"]
    assert "Optimizer fit score 100/100." in card["steps"]
    assert card["steps"][0] == playbook.RULE_SENTENCES[engine.EV_ABOVE]
