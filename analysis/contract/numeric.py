"""Number hygiene shared by the builder and the validator: finite-or-None, clamping, rounding.

Every float in a built contract is rounded to ``DECIMALS`` decimals; non-finite values become None.
"""

from __future__ import annotations

import math
from typing import Any

DECIMALS = 4


def finite_number(value: Any) -> float | None:
    """``float(value)`` when it is a finite real number (bools excluded), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


_finite = finite_number  # the name the contract's modules use


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _unit(value: Any) -> float:
    """Clamp to ``[0, 1]``; non-finite or missing becomes 0."""
    number = _finite(value)
    return 0.0 if number is None else _clamp(number, 0.0, 1.0)


def _round(value: Any, digits: int = DECIMALS) -> float | None:
    """Round a finite number to ``digits`` decimals as a plain float (``-0.0`` becomes 0.0)."""
    number = _finite(value)
    if number is None:
        return None
    return round(number, digits) + 0.0
