"""The closed-form maximiser of the objective over an interval, with the no-trade band
(package docstring, "The solution"). No grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portfolio.optimizer.objective import ObjectiveModel


@dataclass(frozen=True)
class Solution:
    weight: float
    unconstrained: float  # may be ±inf
    cost_free: float  # the maximiser with c = 0, may be ±inf
    buy: float | None  # w_buy, None when a = 0
    sell: float | None  # w_sell, None when a = 0


def clip(x: float, lower: float, upper: float) -> float:
    return min(max(x, lower), upper)


def maximise(model: ObjectiveModel, lower: float, upper: float) -> Solution:
    """The closed-form maximiser of ``model.f`` over ``[lower, upper]`` (``lower ≤ upper``)."""
    a, g, c, w0 = model.curvature, model.slope0, model.cost, model.w0
    buy: float | None
    sell: float | None
    if a > 0:
        buy, sell = (g - c) / a, (g + c) / a
        free = g / a
        if buy > w0:
            star = buy
        elif sell < w0:
            star = sell
        else:
            star = w0
    else:
        buy = sell = None
        star = math.inf if g - c > 0 else -math.inf if g + c < 0 else w0
        free = math.inf if g > 0 else -math.inf if g < 0 else w0
    best = clip(star, lower, upper)
    best_value = model.f(best)
    candidates = [clip(w0, lower, upper), lower, upper]
    candidates += [clip(x, lower, upper) for x in (buy, sell) if x is not None]
    for x in candidates:
        value = model.f(x)
        if value > best_value + 1e-14 * max(1.0, abs(best_value)):  # better beyond rounding
            best, best_value = x, value
    return Solution(weight=best, unconstrained=star, cost_free=free, buy=buy, sell=sell)
