"""Restating later prices on the basis of the share held at an analysis (pure, no Django).

An outcome's baseline is the close as known at the analysis. The bars read when the outcome is
scored are adjusted as known at that later moment, so a split or dividend in between changes
their level (a 4:1 split quarters every earlier close). Comparing the two directly would turn
a split into a loss. Both ends of the return are therefore read from the one later series,
and the later prices are scaled onto the analysis's basis by one factor:

    factor = close of session T0 as known at the analysis / close of T0 in the later series

with T0 the last session the analysis saw. A price P of the later series restated is
P × factor: what one share held at the analysis is worth then, splits and the dividends
the vendor's adjustment reinvests included. The realised return is then restated P / baseline − 1,
the same as P / (close of T0 in the later series) − 1 whenever the baseline is that close.
"""

from __future__ import annotations

import math


def basis_factor(*, close_then: float, close_now: float) -> float:
    """How many shares of the later series one share held at the analysis has become.

    ``close_then``: close of T0 as known at the analysis, US dollars (> 0).
    ``close_now``: close of the same session T0 in the series read later, US dollars (> 0).

    ``factor = close_then / close_now``: 1 when nothing happened in between; 4 after a 4:1
    split (100 then, 25 now); 1 / 0.98 after a dividend the vendor adjusts by 0.98. Raises
    ValueError for a non-positive or non-finite close.
    """
    for name, value in (("close_then", close_then), ("close_now", close_now)):
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0.0:
            raise ValueError(f"{name} must be a positive finite price (got {value!r})")
    return float(close_then) / float(close_now)
