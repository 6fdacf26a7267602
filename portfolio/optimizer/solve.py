"""The solve: :func:`optimize`, the target weight of one ticker from its inputs, with the action,
the shares to trade, the fit score and the note (package docstring: objective, limits, solution).
"""

from __future__ import annotations

import math

from core.numeric import finite_number
from portfolio.optimizer.constraints import binding_of, checked_trace, feasible_interval, unchecked_trace
from portfolio.optimizer.explain import drivers
from portfolio.optimizer.inputs import OptimizerInputs
from portfolio.optimizer.maximise import maximise
from portfolio.optimizer.objective import SignalTerms, build_model, signal_terms
from portfolio.optimizer.parameters import MIN_TRADE_WEIGHT, TOLERANCE
from portfolio.optimizer.result import OptimizerResult


def optimize(inputs: OptimizerInputs) -> OptimizerResult:
    """Solve for the target weight of ``inputs.ticker`` (package docstring: objective, limits)."""
    terms = signal_terms(inputs)
    if inputs.portfolio_value <= 0:
        return _no_portfolio(inputs, terms)

    model = build_model(inputs, terms)
    w0 = model.w0
    lower, upper = feasible_interval(inputs)
    feasible = upper >= lower - TOLERANCE
    if feasible:
        # An interval empty by a rounding error (≤ 1e-12) is the single point L.
        upper = max(upper, lower)
    position_limit = float(inputs.max_position_pct)
    sector_room = float(inputs.max_sector_pct) - inputs.sector_weight_ex
    turnover = float(inputs.max_turnover_pct)

    if feasible:
        solution = maximise(model, lower, upper)
        target = solution.weight
        binding = binding_of(
            solution, target, w0, model.cost, lower, upper, position_limit, sector_room, turnover
        )
    else:
        # No weight meets every limit within the turnover: go as far toward feasibility as the
        # turnover allows (down to L); the violated limit fails in the trace.
        solution = maximise(model, lower, lower)
        target = lower
        binding = "turnover_limit" if lower > 0 else "sector_limit"

    delta = target - w0
    beta_before = model.beta_ex + model.beta * w0
    beta_after = model.beta_ex + model.beta * target
    action = _action(delta, target, w0)
    if action == "hold":
        shares = 0.0
    elif target == 0.0:
        shares = -float(inputs.current_shares)
    else:
        shares = _whole_shares_toward_zero(delta * inputs.portfolio_value / inputs.price)
    cost_usd = abs(shares) * inputs.price * model.cost

    trace = checked_trace(inputs, target, delta, binding)

    value, current_value = model.f(target), model.f(w0)
    best = maximise(model, 0.0, max(1.0, w0))
    fit = _fit_score(value, current_value, model.f(best.weight))

    band = None
    if solution.buy is not None and solution.sell is not None and model.cost > 0:
        band = (solution.buy, solution.sell)
    return OptimizerResult(
        ticker=inputs.ticker,
        action=action,
        current_weight=w0,
        target_weight=target,
        delta_weight=delta,
        shares_to_trade=shares,
        estimated_cost_usd=cost_usd,
        portfolio_beta_before=beta_before,
        portfolio_beta_after=beta_after,
        binding_constraint=binding,
        constraint_trace=trace,
        feasible=feasible,
        fit_score=fit,
        objective_value=value,
        objective_value_current=current_value,
        expected_return_pct=terms.expected_return * 100.0,
        lower_bound=lower,
        upper_bound=upper,
        unconstrained_weight=finite_number(solution.unconstrained),
        no_trade_band=band,
        terms=terms,
        inputs=inputs,
        note=" ".join([_note(action, binding, feasible, delta), *drivers(inputs, terms, model)]),
    )


def _action(delta: float, target: float, current: float) -> str:
    """hold when |δ| < 0.002; exit when target ≤ 0.002 with a position; add when δ > 0; trim."""
    if abs(delta) < MIN_TRADE_WEIGHT:
        return "hold"
    if target <= MIN_TRADE_WEIGHT and current > 0:
        return "exit"
    if delta > 0:
        return "add"
    return "trim"


def _whole_shares_toward_zero(shares: float) -> float:
    """Truncate toward zero, forgiving a float error of 1e-9 relative (99.9999999999 → 100)."""
    nudged = shares + math.copysign(1e-9 * max(1.0, abs(shares)), shares)
    return float(math.trunc(nudged))


def _fit_score(value: float, current: float, best: float) -> float:
    """``100·(f(target) − f(w0)) / (f(w_best) − f(w0))`` clamped to [0, 100] (see the result)."""
    possible = best - current
    gained = value - current
    if possible <= TOLERANCE:
        return 100.0 if gained >= -TOLERANCE else 0.0
    return min(100.0, max(0.0, 100.0 * gained / possible))


def _note(action: str, binding: str, feasible: bool, delta: float) -> str:
    if not feasible:
        return (
            "No weight meets every limit within the turnover: the target goes as far toward "
            f"the limits as the turnover allows ({binding} holds it there)."
        )
    parts = {
        "position_limit": "The position limit (0 ≤ w ≤ max_position) binds.",
        "sector_limit": "The sector limit binds.",
        "turnover_limit": "The turnover limit binds.",
        "no_trade_band": "The expected gain does not cover the transaction cost: no trade.",
        "none": "Interior optimum: no limit binds.",
    }
    text = parts[binding]
    if action == "hold" and abs(delta) > 0:
        text += f" The change is below the {MIN_TRADE_WEIGHT:.1%} minimum trade: hold."
    return text


def _no_portfolio(inputs: OptimizerInputs, terms: SignalTerms) -> OptimizerResult:
    """With no market value there is nothing to weight against: hold, explained."""
    trace = unchecked_trace(inputs)
    return OptimizerResult(
        ticker=inputs.ticker,
        action="hold",
        current_weight=0.0,
        target_weight=0.0,
        delta_weight=0.0,
        shares_to_trade=0.0,
        estimated_cost_usd=0.0,
        portfolio_beta_before=None,
        portfolio_beta_after=None,
        binding_constraint="no_portfolio",
        constraint_trace=trace,
        feasible=True,
        fit_score=None,
        objective_value=None,
        objective_value_current=None,
        expected_return_pct=terms.expected_return * 100.0,
        lower_bound=None,
        upper_bound=None,
        unconstrained_weight=None,
        no_trade_band=None,
        terms=terms,
        inputs=inputs,
        note=(
            "The portfolio has no market value, so there is nothing to weight this ticker "
            "against: no target weight is proposed. Size a first position by hand."
        ),
    )
