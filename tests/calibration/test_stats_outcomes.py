"""Outcome economics: returns, costs, holding-period drawdown, utility, correctness, Brier."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from calibration.stats import OutcomeInputs, OutcomeResult, evaluate_outcome


def outcome(**overrides: Any) -> OutcomeResult:
    fields: dict[str, Any] = {
        "recommendation": "BUY",
        "baseline_price": 100.0,
        "realized_price": 103.0,
        "lows": (99.0, 97.5, 101.0),
        "predicted_up_probability": 0.7,
        "transaction_cost_bps": 10.0,
        "slippage_bps": 5.0,
        "economics": True,
    }
    fields.update(overrides)
    return evaluate_outcome(OutcomeInputs(**fields))


def test_the_worked_buy() -> None:
    # gross = (103 − 100)/100·100 = 3.0 %; net = 3.0 − (10 + 5)/100 = 2.85 %;
    # drawdown = (100 − 97.5)/100·100 = 2.5 %; utility = 2.85 − 0.5·2.5 = 1.6 %.
    result = outcome()
    assert result.realized_return_pct == pytest.approx(3.0)
    assert result.realized_return_net_pct == pytest.approx(2.85)
    assert result.max_drawdown_pct == pytest.approx(2.5)
    assert result.utility_score == pytest.approx(1.6)
    assert result.direction_correct is True
    assert result.outcome_up is True
    assert result.brier_component == pytest.approx(0.09)  # (0.7 − 1)²


def test_positional_inputs_in_the_documented_order() -> None:
    inputs = OutcomeInputs("BUY", 100.0, 103.0, [99.0, 97.5, 101.0], 0.7, 10.0, 5.0, True)
    assert evaluate_outcome(inputs) == outcome()


def test_a_sell_is_right_when_the_net_return_is_negative() -> None:
    # gross −2.0, net −2.15; lows down to 97.8 → drawdown 2.2; utility −2.15 − 1.1 = −3.25.
    result = outcome(
        recommendation="SELL", realized_price=98.0, lows=(99.0, 97.8), predicted_up_probability=0.35
    )
    assert result.realized_return_net_pct == pytest.approx(-2.15)
    assert result.max_drawdown_pct == pytest.approx(2.2)
    assert result.utility_score == pytest.approx(-3.25)
    assert result.direction_correct is True
    assert result.outcome_up is False
    assert result.brier_component == pytest.approx(0.1225)  # (0.35 − 0)²
    assert outcome(recommendation="SELL", realized_price=101.0).direction_correct is False


def test_costs_count_against_a_sell_too() -> None:
    # Read literally ("SELL and net < 0" on the long side's net) costs would turn a flat move
    # into a correct SELL: gross +0.1, net −0.05. A short pays the costs as well, so the fall
    # must beat them: gross + 0.15 < 0.
    flat = outcome(recommendation="SELL", realized_price=100.1, lows=())
    assert flat.realized_return_net_pct == pytest.approx(-0.05)
    assert flat.direction_correct is False
    assert (
        outcome(recommendation="SELL", realized_price=99.9, lows=()).direction_correct is False
    )  # −0.1 + 0.15
    assert (
        outcome(recommendation="SELL", realized_price=99.8, lows=()).direction_correct is True
    )  # −0.2 + 0.15


@pytest.mark.parametrize(
    ("realized", "correct"),
    [(101.9, True), (102.0, True), (102.1, False), (97.95, False), (98.0, True), (100.0, True)],
)
def test_a_hold_is_right_within_two_percent_inclusive(realized: float, correct: bool) -> None:
    # Economics off: judged on gross = 1.9, 2.0, 2.1, −2.05, −2.0, 0.0.
    assert (
        outcome(recommendation="HOLD", realized_price=realized, economics=False).direction_correct is correct
    )
    # Economics on with no costs: net = gross, same verdicts.
    result = outcome(
        recommendation="HOLD", realized_price=realized, transaction_cost_bps=0.0, slippage_bps=0.0
    )
    assert result.direction_correct is correct


def test_a_hold_is_judged_on_the_net_return_with_economics() -> None:
    # gross 2.1 → net 1.95 (inside the band); gross −1.9 → net −2.05 (outside).
    assert outcome(recommendation="HOLD", realized_price=102.1).direction_correct is True
    assert outcome(recommendation="HOLD", realized_price=98.1).direction_correct is False


def test_costs_flip_a_tiny_buy_gain() -> None:
    result = outcome(realized_price=100.1, lows=(100.05,))
    assert result.realized_return_pct == pytest.approx(0.1)
    assert result.realized_return_net_pct == pytest.approx(-0.05)
    assert result.direction_correct is False
    assert result.outcome_up is True  # outcome_up is on the gross return
    assert outcome(realized_price=100.1, economics=False).direction_correct is True


def test_costs_are_converted_from_basis_points() -> None:
    # 25 + 15 bps = 0.40 percentage points.
    result = outcome(transaction_cost_bps=25.0, slippage_bps=15.0)
    assert result.realized_return_net_pct == pytest.approx(3.0 - 0.40)


def test_drawdown_is_over_the_holding_period() -> None:
    # A dip to 96 that recovered to 104 by the target date still counts: 4 %.
    result = outcome(realized_price=104.0, lows=(96.0, 99.0, 102.0))
    assert result.max_drawdown_pct == pytest.approx(4.0)
    assert result.utility_score == pytest.approx(4.0 - 0.15 - 2.0)
    # Lows that never go below the baseline: 0.
    assert outcome(lows=(100.5, 101.0, 102.0)).max_drawdown_pct == 0.0
    assert outcome(lows=(100.0,)).max_drawdown_pct == 0.0


def test_drawdown_without_lows_comes_from_the_realised_price() -> None:
    # No lows: max(0, −gross).
    assert outcome(realized_price=97.0, lows=()).max_drawdown_pct == pytest.approx(3.0)
    assert outcome(realized_price=103.0, lows=()).max_drawdown_pct == 0.0


def test_without_economics_only_gross_fields_are_set() -> None:
    result = outcome(economics=False)
    assert result.realized_return_net_pct is None
    assert result.max_drawdown_pct is None
    assert result.utility_score is None
    assert result.realized_return_pct == pytest.approx(3.0)
    assert result.direction_correct is True


@pytest.mark.parametrize(
    ("realized", "p_up", "up", "brier"),
    [(103.0, 0.7, True, 0.09), (97.0, 0.7, False, 0.49), (100.0, 0.7, False, 0.49), (110.0, 1.0, True, 0.0)],
)
def test_brier_component(realized: float, p_up: float, up: bool, brier: float) -> None:
    result = outcome(realized_price=realized, predicted_up_probability=p_up)
    assert result.outcome_up is up
    assert result.brier_component == pytest.approx(brier)


def test_a_flat_move_is_not_a_buy_win() -> None:
    result = outcome(realized_price=100.0, economics=False)
    assert result.realized_return_pct == 0.0
    assert result.direction_correct is False
    assert outcome(realized_price=100.0, recommendation="SELL", economics=False).direction_correct is False


def test_the_recommendation_is_case_insensitive() -> None:
    assert outcome(recommendation=" buy ") == outcome()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"recommendation": "LONG"}, "recommendation"),
        ({"baseline_price": 0.0}, "baseline_price"),
        ({"baseline_price": -5.0}, "baseline_price"),
        ({"realized_price": math.nan}, "realized_price"),
        ({"realized_price": None}, "realized_price"),
        ({"lows": (99.0, 0.0)}, r"lows\[1\]"),
        ({"lows": (math.inf,)}, r"lows\[0\]"),
        ({"predicted_up_probability": 1.1}, "predicted_up_probability"),
        ({"predicted_up_probability": -0.01}, "predicted_up_probability"),
        ({"transaction_cost_bps": -1.0}, "transaction_cost_bps"),
        ({"slippage_bps": math.nan}, "slippage_bps"),
    ],
)
def test_it_rejects_bad_inputs(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        outcome(**overrides)


def test_costs_are_not_checked_without_economics() -> None:
    assert outcome(transaction_cost_bps=-1.0, economics=False).realized_return_net_pct is None


def test_results_are_frozen() -> None:
    result = outcome()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.utility_score = 0.0  # type: ignore[misc]


def test_the_module_imports_without_django() -> None:
    code = (
        "import sys, calibration.stats\n"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
