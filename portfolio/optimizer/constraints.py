"""The limits: the feasible interval ``[L, U]``, which limit binds, and the constraint trace
(package docstring, "The feasible set" and "Binding constraint and action").
"""

from __future__ import annotations

from portfolio.optimizer.inputs import OptimizerInputs
from portfolio.optimizer.maximise import Solution, clip
from portfolio.optimizer.parameters import TOLERANCE
from portfolio.optimizer.result import ConstraintCheck


def feasible_interval(inputs: OptimizerInputs) -> tuple[float, float]:
    """``(L, U) = (max(0, w0 − T), min(max_position, max_sector − sector_ex, w0 + T))``.

    Empty (``U < L``) when no weight meets every limit within the turnover; :func:`optimize`
    reads an interval empty by at most 1e-12 (a rounding error) as the single point ``L``.
    """
    w0 = inputs.current_weight
    turnover = float(inputs.max_turnover_pct)
    lower = max(0.0, w0 - turnover)
    upper = min(
        float(inputs.max_position_pct),
        float(inputs.max_sector_pct) - inputs.sector_weight_ex,
        w0 + turnover,
    )
    return lower, upper


def binding_of(
    solution: Solution,
    target: float,
    w0: float,
    cost: float,
    lower: float,
    upper: float,
    position_limit: float,
    sector_room: float,
    turnover: float,
) -> str:
    """Which limit stops the target short of the unconstrained optimum (package docstring)."""
    star = solution.unconstrained
    if star > upper + TOLERANCE and target >= upper - TOLERANCE:
        for name, bound in (
            ("position_limit", position_limit),
            ("sector_limit", sector_room),
            ("turnover_limit", w0 + turnover),
        ):
            if bound == upper:
                return name
    if star < lower - TOLERANCE and target <= lower + TOLERANCE:
        # L is w0 − T (turnover) when positive, else the long-only floor of the position limit.
        return "turnover_limit" if lower > 0 else "position_limit"
    # Held by the no-trade band: no trade, while the cost-free optimum would move the weight.
    cost_free = clip(solution.cost_free, lower, upper)
    if abs(target - w0) <= TOLERANCE and cost > 0 and abs(cost_free - w0) > TOLERANCE:
        return "no_trade_band"
    return "none"


def checked_trace(
    inputs: OptimizerInputs, target: float, delta: float, binding: str
) -> tuple[ConstraintCheck, ...]:
    """Each limit against the weight after the trade: position, sector, turnover."""
    position_limit = float(inputs.max_position_pct)
    turnover = float(inputs.max_turnover_pct)
    return (
        ConstraintCheck(
            name="position_limit",
            limit=position_limit,
            projected=target,
            passed=-TOLERANCE <= target <= position_limit + TOLERANCE,
            binding=binding == "position_limit",
        ),
        ConstraintCheck(
            name="sector_limit",
            limit=float(inputs.max_sector_pct),
            projected=inputs.sector_weight_ex + target,
            passed=inputs.sector_weight_ex + target <= float(inputs.max_sector_pct) + TOLERANCE,
            binding=binding == "sector_limit",
        ),
        ConstraintCheck(
            name="turnover_limit",
            limit=turnover,
            projected=abs(delta),
            passed=abs(delta) <= turnover + TOLERANCE,
            binding=binding == "turnover_limit",
        ),
    )


def unchecked_trace(inputs: OptimizerInputs) -> tuple[ConstraintCheck, ...]:
    """Every limit, passed and not binding: with no portfolio there is no weight to check."""
    return tuple(
        ConstraintCheck(name=name, limit=float(limit), projected=0.0, passed=True, binding=False)
        for name, limit in (
            ("position_limit", inputs.max_position_pct),
            ("sector_limit", inputs.max_sector_pct),
            ("turnover_limit", inputs.max_turnover_pct),
        )
    )
