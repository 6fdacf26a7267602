"""Optimizer v2: the beta term moves the target the right way (the earlier optimizer ignored it).

The beta term −λ·(B_ex + β·w − β*)² has slope −2λβ(B_ex + β·w − β*) in w: with the target beta
β* above the book's beta a positive-beta name is pulled up and a negative-beta name down; with
β* below, the reverse; with λ = 0 the betas do not enter f at all.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.optimizer import DEFAULT_BETA_PENALTY, OptimizerInputs, feasible_interval, optimize
from tests.portfolio.test_optimizer_properties import optimizer_inputs

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

# w0 = 0 in a $1M book at $100; μ = 1/100·0.4 = 0.004; σ² = 0.05²·5 = 0.0125, γσ² = 0.05;
# c = 0.001; limits wide (50 %) so the solutions are interior; B_ex = 0.9; λ the default 0.01.
BASE: dict[str, Any] = {
    "ticker": "BETA",
    "sector": "Industrials",
    "price": 100.0,
    "current_shares": 0.0,
    "portfolio_value": 1_000_000.0,
    "sector_value_ex": 0.0,
    "beta_weighted_ex": 0.9,
    "ev_score_7d_pct": 1.0,
    "calibrated_confidence": 0.4,
    "data_quality_score": 80.0,
    "regime_label": "risk_on",
    "recommendation": "BUY",
    "daily_volatility_pct": 5.0,
    "cost_bps": 10.0,
    "max_position_pct": 0.5,
    "max_sector_pct": 0.5,
    "max_turnover_pct": 0.5,
}


def target(**overrides: Any) -> float:
    return optimize(OptimizerInputs(**{**BASE, **overrides})).target_weight


def test_the_default_penalty_is_the_documented_one() -> None:
    assert OptimizerInputs(**BASE, ticker_beta=1.0, target_portfolio_beta=1.0).beta_penalty == 0.01
    assert DEFAULT_BETA_PENALTY == 0.01


def test_a_high_beta_name_is_pulled_toward_a_higher_target_beta() -> None:
    # β = 1.5: a = 0.05 + 2·0.01·1.5² = 0.095.
    # β* = 1.3 (above the book's 0.9): g = 0.004 − 2·0.01·1.5·(0.9 − 1.3) = 0.016,
    #   w = (0.016 − 0.001)/0.095 = 0.157895
    # β* = 0.7 (below): g = 0.004 − 0.03·0.2 = −0.002 < c → no buy, w = 0
    # λ = 0 (beta-blind, the earlier behaviour): w = (0.004 − 0.001)/0.05 = 0.06
    above = target(ticker_beta=1.5, target_portfolio_beta=1.3)
    below = target(ticker_beta=1.5, target_portfolio_beta=0.7)
    blind = target(ticker_beta=1.5, target_portfolio_beta=1.3, beta_penalty=0.0)
    assert above == pytest.approx(0.015 / 0.095, abs=1e-12)
    assert below == 0.0
    assert blind == pytest.approx(0.06, abs=1e-12)
    assert below < blind < above
    result = optimize(OptimizerInputs(**BASE, ticker_beta=1.5, target_portfolio_beta=1.3))
    # beta 0.9 → 0.9 + 1.5·0.157895 = 1.136842, toward β* = 1.3
    assert result.portfolio_beta_before == pytest.approx(0.9)
    assert result.portfolio_beta_after == pytest.approx(0.9 + 1.5 * 0.015 / 0.095)


def test_a_negative_beta_name_moves_the_other_way() -> None:
    # β = −0.5: a = 0.05 + 2·0.01·0.25 = 0.055, g = 0.004 + 0.01·(0.9 − β*).
    # β* = 1.3: g = 0 < c → w = 0; β* = 0.7: g = 0.006, w = 0.005/0.055 = 0.090909
    above = target(ticker_beta=-0.5, target_portfolio_beta=1.3)
    below = target(ticker_beta=-0.5, target_portfolio_beta=0.7)
    blind = target(ticker_beta=-0.5, target_portfolio_beta=1.3, beta_penalty=0.0)
    assert above == 0.0
    assert below == pytest.approx(0.005 / 0.055, abs=1e-12)
    assert above < blind < below


def test_without_the_penalty_the_betas_do_not_matter() -> None:
    # λ = 0: f = μ·w − ½γσ²w² − c·|w|, w = (0.004 − 0.001)/0.05 = 0.06 whatever the betas
    results = [
        optimize(
            OptimizerInputs(
                **{**BASE, "beta_weighted_ex": beta_ex},
                ticker_beta=beta,
                target_portfolio_beta=beta_target,
                beta_penalty=0.0,
            )
        )
        for beta in (-0.5, 0.5, 1.5, None)
        for beta_target in (0.0, 1.0, 2.0)
        for beta_ex in (0.0, 0.9, 2.0)
    ]
    first = results[0]
    assert first.target_weight == pytest.approx(0.06, abs=1e-12)
    assert (first.action, first.shares_to_trade) == ("add", 600.0)
    for result in results:
        assert (result.target_weight, result.action, result.shares_to_trade, result.objective_value) == (
            first.target_weight,
            first.action,
            first.shares_to_trade,
            first.objective_value,
        )


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


def feasible(inputs: OptimizerInputs) -> bool:
    lower, upper = feasible_interval(inputs)
    return upper >= lower


@PROPERTY_SETTINGS
@given(optimizer_inputs(sector_room=True), st.floats(0.0, 2.0), st.floats(0.0, 2.0))
def test_the_target_is_monotone_in_the_target_beta(inputs: OptimizerInputs, b1: float, b2: float) -> None:
    low, high = sorted((b1, b2))
    at_low = optimize(dataclasses.replace(inputs, target_portfolio_beta=low)).target_weight
    at_high = optimize(dataclasses.replace(inputs, target_portfolio_beta=high)).target_weight
    if inputs.beta >= 0:  # a positive-beta name is pulled up by a higher target beta
        assert at_high >= at_low - 1e-12
    if inputs.beta <= 0:  # a negative-beta name is pushed down
        assert at_high <= at_low + 1e-12


@PROPERTY_SETTINGS
@given(optimizer_inputs(sector_room=True, beta_penalty=0.0), st.floats(-0.5, 3.0), st.floats(0.0, 2.0))
def test_with_zero_penalty_betas_are_ignored(inputs: OptimizerInputs, beta: float, beta_ex: float) -> None:
    base = optimize(inputs)
    other = optimize(
        dataclasses.replace(
            inputs, ticker_beta=beta, beta_weighted_ex=beta_ex, target_portfolio_beta=2.0 - beta_ex
        )
    )
    assert (other.target_weight, other.action, other.shares_to_trade, other.binding_constraint) == (
        base.target_weight,
        base.action,
        base.shares_to_trade,
        base.binding_constraint,
    )
    assert other.objective_value == base.objective_value


@PROPERTY_SETTINGS
@given(optimizer_inputs(sector_room=True), st.floats(0.001, 5.0))
def test_the_penalty_moves_the_target_toward_the_target_beta(inputs: OptimizerInputs, penalty: float) -> None:
    """Against the beta-blind (λ = 0) target, on the same feasible interval [L, U]:

    * the beta gap after the trade never widens (a maximiser of f₀ − λ·gap² has gap² no larger
      than a maximiser of f₀);
    * when β* lies beyond every beta the interval can reach, the target moves toward it: up for
      β > 0 when β* ≥ B_ex + β·U, down when β* ≤ B_ex + β·L.
    """
    if not feasible(inputs):
        return
    with_beta = optimize(dataclasses.replace(inputs, beta_penalty=penalty))
    blind = optimize(dataclasses.replace(inputs, beta_penalty=0.0))
    star = inputs.target_portfolio_beta
    gap_with = (with_beta.portfolio_beta_after - star) ** 2
    gap_blind = (blind.portfolio_beta_after - star) ** 2
    assert gap_with <= gap_blind + 1e-9

    lower, upper = feasible_interval(inputs)
    beta, beta_ex = inputs.beta, inputs.beta_weighted_ex
    if beta > 0 and star >= beta_ex + beta * upper:
        assert with_beta.target_weight >= blind.target_weight - 1e-9
    if beta > 0 and star <= beta_ex + beta * lower:
        assert with_beta.target_weight <= blind.target_weight + 1e-9
