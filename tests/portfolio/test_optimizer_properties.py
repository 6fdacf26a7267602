"""Optimizer v2, property tests: the limits hold and the closed form is the optimum.

Random profiles (limits and turnover 0.01..0.5, β* 0..2), holdings (w0 0..position limit, or up
to 0.8 for over-limit books; others in the sector 0..0.6 of the book; B_ex 0..2) and signals (EV
−20..20 %, confidence 0..1, quality 0..100 or unknown, every regime), plus γ, λ, volatility
(zero included), ticker beta (unknown included) and cost. The closed-form target is checked
against 200 random feasible weights and against scipy's bounded scalar minimiser of −f.
"""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

from analysis.contract import RECOMMENDATIONS, REGIME_LABELS
from portfolio.optimizer import (
    ACTIONS,
    BINDING_CONSTRAINTS,
    MIN_TRADE_WEIGHT,
    OptimizerInputs,
    objective,
    optimize,
)

SLACK = 1e-12
#: Where the weights, not only the objective values, must agree to 1e-6: f strictly concave,
#: a = γσ² + 2λβ² > 0, with the curvature large against f's size, a ≥ 0.01·max(1, |f(w*)|).
#: Then moving w by 1e-6 from the (unique) maximiser lowers f by at least a·1e-12/2 ≥
#: 5e-15·max(1, |f|), some 20 units in the last place, so a bounded Brent search can see which
#: weight is better. Flatter f (a = 0 when σ = 0 and λβ = 0; or a tiny a under a large constant
#: −λ(B_ex − β*)²) leaves an interval of weights whose f differ by less than the float resolution:
#: there only the objective values are compared.
STRICT_CURVATURE_PER_UNIT_F = 0.01

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def unit(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def optimizer_inputs(
    draw: st.DrawFn, *, over_limit: bool = False, sector_room: bool = False, beta_penalty: float | None = None
) -> OptimizerInputs:
    """Random inputs; ``over_limit``: w0 up to 0.8 (above the position limit); ``sector_room``:
    the other holdings in the sector stay within the sector limit (most draws then feasible)."""
    value = draw(unit(1e4, 1e8))
    price = draw(unit(1.0, 2000.0))
    position_limit = draw(unit(0.01, 0.5))
    sector_limit = draw(unit(0.01, 0.5))
    weight = draw(unit(0.0, 0.8 if over_limit else position_limit))
    penalty = beta_penalty
    if penalty is None:
        penalty = draw(st.just(0.0) | st.just(0.01) | unit(0.0, 5.0))
    return OptimizerInputs(
        ticker="PROP",
        sector="Technology",
        price=price,
        current_shares=weight * value / price,
        portfolio_value=value,
        sector_value_ex=draw(unit(0.0, sector_limit if sector_room else 0.6)) * value,
        beta_weighted_ex=draw(unit(0.0, 2.0)),
        ticker_beta=draw(st.none() | unit(-0.5, 3.0)),
        ev_score_7d_pct=draw(unit(-20.0, 20.0)),
        calibrated_confidence=draw(unit(0.0, 1.0)),
        data_quality_score=draw(st.none() | unit(0.0, 100.0)),
        regime_label=draw(st.sampled_from(REGIME_LABELS)),
        recommendation=draw(st.sampled_from(RECOMMENDATIONS)),
        daily_volatility_pct=draw(st.none() | st.just(0.0) | unit(0.3, 8.0)),
        horizon_days=draw(st.sampled_from([7.0, 1.0, 30.0])),
        risk_aversion=draw(unit(0.5, 10.0)),
        beta_penalty=penalty,
        cost_bps=draw(st.just(0.0) | unit(0.0, 50.0)),
        max_position_pct=position_limit,
        max_sector_pct=sector_limit,
        max_turnover_pct=draw(unit(0.01, 0.5)),
        target_portfolio_beta=draw(unit(0.0, 2.0)),
    )


def interval(inputs: OptimizerInputs) -> tuple[float, float, float, float]:
    """(w0, sector_ex, L, U), computed here from the raw inputs."""
    w0 = inputs.current_shares * inputs.price / inputs.portfolio_value
    sector_ex = inputs.sector_value_ex / inputs.portfolio_value
    turnover = inputs.max_turnover_pct
    lower = max(0.0, w0 - turnover)
    upper = min(inputs.max_position_pct, inputs.max_sector_pct - sector_ex, w0 + turnover)
    return w0, sector_ex, lower, upper


def curvature(inputs: OptimizerInputs) -> float:
    variance = optimize(inputs).terms.variance
    beta = 1.0 if inputs.ticker_beta is None else inputs.ticker_beta
    return inputs.risk_aversion * variance + 2.0 * inputs.beta_penalty * beta * beta


ANY_INPUTS = optimizer_inputs() | optimizer_inputs(over_limit=True) | optimizer_inputs(sector_room=True)


@PROPERTY_SETTINGS
@given(ANY_INPUTS)
def test_no_limit_is_violated(inputs: OptimizerInputs) -> None:
    result = optimize(inputs)
    w0, sector_ex, lower, upper = interval(inputs)
    target = result.target_weight
    # Turnover and long-only hold always, feasible or not.
    assert abs(target - w0) <= inputs.max_turnover_pct + SLACK
    assert target >= 0.0
    assert result.delta_weight == target - w0
    if lower <= upper + SLACK:  # the optimizer reads an interval empty by ≤ 1e-12 as {L}
        assert result.feasible
        assert target <= inputs.max_position_pct + SLACK
        assert sector_ex + target <= inputs.max_sector_pct + SLACK
        assert all(row.passed for row in result.constraint_trace)
    else:
        # As close to feasibility as the turnover allows, and a failed check says so.
        assert not result.feasible
        assert target == lower
        assert not all(row.passed for row in result.constraint_trace)
        assert result.binding_constraint in ("turnover_limit", "sector_limit")


@PROPERTY_SETTINGS
@given(ANY_INPUTS, st.integers(0, 2**32 - 1))
def test_no_feasible_weight_does_better(inputs: OptimizerInputs, seed: int) -> None:
    _, _, lower, upper = interval(inputs)
    if upper < lower - SLACK:  # infeasible: covered by test_no_limit_is_violated
        return
    upper = max(upper, lower)
    best = objective(inputs, optimize(inputs).target_weight)
    rng = np.random.default_rng(seed)
    points = [lower, upper, *rng.uniform(lower, upper, 200).tolist()]
    assert best >= max(objective(inputs, w) for w in points) - SLACK


@PROPERTY_SETTINGS
@given(ANY_INPUTS)
def test_matches_a_numerical_optimiser(inputs: OptimizerInputs) -> None:
    _, _, lower, upper = interval(inputs)
    if upper < lower - SLACK:  # infeasible: covered by test_no_limit_is_violated
        return
    upper = max(upper, lower)
    result = optimize(inputs)
    ours = objective(inputs, result.target_weight)
    assert result.objective_value == ours
    if upper - lower < 1e-9:  # a single point: nothing for scipy to search
        assert abs(result.target_weight - lower) <= 1e-9
        return
    found = minimize_scalar(
        lambda w: -objective(inputs, w), bounds=(lower, upper), method="bounded", options={"xatol": 1e-12}
    )
    theirs = -float(found.fun)
    assert abs(ours - theirs) <= 1e-6
    assert ours >= theirs - SLACK  # never worse than the numerical optimum
    if curvature(inputs) >= STRICT_CURVATURE_PER_UNIT_F * max(1.0, abs(ours)):
        assert abs(result.target_weight - float(found.x)) <= 1e-6


@PROPERTY_SETTINGS
@given(ANY_INPUTS)
def test_the_output_is_consistent_json(inputs: OptimizerInputs) -> None:
    result = optimize(inputs)
    payload = result.to_dict()
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload
    assert payload["schema_version"] == "optimizer-2"
    assert result.action in ACTIONS
    assert result.binding_constraint in BINDING_CONSTRAINTS
    assert 0.0 <= result.fit_score <= 100.0
    delta = result.delta_weight
    if abs(delta) < MIN_TRADE_WEIGHT:
        assert result.action == "hold"
        assert result.shares_to_trade == 0.0
    elif result.target_weight <= MIN_TRADE_WEIGHT:
        assert result.action == "exit"
    else:
        assert result.action == ("add" if delta > 0 else "trim")
    if result.action != "hold":
        # Whole shares toward zero: never more than the weight change asks for.
        wanted = delta * inputs.portfolio_value / inputs.price
        assert result.shares_to_trade == 0.0 or (result.shares_to_trade > 0) == (wanted > 0)
        assert abs(result.shares_to_trade) <= abs(wanted) + 1e-6 * max(1.0, abs(wanted))
        assert math.isclose(
            result.estimated_cost_usd,
            abs(result.shares_to_trade) * inputs.price * inputs.cost_bps / 1e4,
            rel_tol=1e-12,
            abs_tol=1e-12,
        )
    beta = 1.0 if inputs.ticker_beta is None else inputs.ticker_beta
    assert math.isclose(
        result.portfolio_beta_after - result.portfolio_beta_before, beta * delta, abs_tol=1e-12
    )


@PROPERTY_SETTINGS
@given(optimizer_inputs())
def test_the_binding_constraint_is_at_its_bound(inputs: OptimizerInputs) -> None:
    result = optimize(inputs)
    rows = {row.name: row for row in result.constraint_trace}
    w0, _, lower, upper = interval(inputs)
    if result.binding_constraint in ("position_limit", "sector_limit", "turnover_limit"):
        assert rows[result.binding_constraint].binding
        assert min(abs(result.target_weight - lower), abs(result.target_weight - upper)) <= SLACK
    if result.binding_constraint == "no_trade_band":
        assert abs(result.target_weight - w0) <= SLACK
        assert inputs.cost_bps > 0
    assert sum(row.binding for row in result.constraint_trace) <= 1
