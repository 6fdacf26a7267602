"""Number hygiene shared by the contract's modules: clamping and rounding (finite-or-None is
`core.numeric.finite_number`).

Every float in a built contract is rounded to ``DECIMALS`` decimals; non-finite values become None.
"""

from __future__ import annotations

from typing import Any

from core.numeric import finite_number

DECIMALS = 4


def clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def unit_interval(value: Any) -> float:
    """Clamp to ``[0, 1]``; non-finite or missing becomes 0."""
    number = finite_number(value)
    return 0.0 if number is None else clamp(number, 0.0, 1.0)


def rounded(value: Any, digits: int = DECIMALS) -> float | None:
    """Round a finite number to ``digits`` decimals as a plain float (``-0.0`` becomes 0.0)."""
    number = finite_number(value)
    if number is None:
        return None
    return round(number, digits) + 0.0
