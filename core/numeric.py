"""The one "finite number or None" rule. Pure: no Django.

Payloads, stored JSON, form fields and numpy results all pass through here before a value is
shown, ranked, compared or sized: a value is a number when `float()` takes it, it is finite,
and it is not a boolean (True is not 1 here). Text counts only when the caller says so.
"""

from __future__ import annotations

import math


def finite_number(value: object, *, text: bool = False) -> float | None:
    """`value` as a float when it is a finite real number, else None.

    Booleans and None are not numbers; NaN, infinities and numbers too large for a float are
    None. With `text`, a numeric string ("1.5", " 2 ", "1e3") counts too: form fields, query
    strings and payloads written by hand carry numbers as text.
    """
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not text):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
