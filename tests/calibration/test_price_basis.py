"""The factor that restates later prices per share held at an analysis."""

from __future__ import annotations

import math

import pytest

from calibration.price_basis import basis_factor


def test_it_is_one_when_nothing_happened_in_between() -> None:
    assert basis_factor(close_then=187.5, close_now=187.5) == 1.0


def test_it_is_four_after_a_four_for_one_split() -> None:
    # 100 as known before the split, 25 for the same session once the split is in the series.
    assert basis_factor(close_then=100.0, close_now=25.0) == 4.0


def test_it_reinvests_a_dividend_the_vendor_adjusted_for() -> None:
    # A $2 dividend on a $100 close: the vendor's 0.98 turns 100 into 98; 100/98 shares held.
    assert basis_factor(close_then=100.0, close_now=98.0) == pytest.approx(1.0204082, rel=1e-7)


@pytest.mark.parametrize(("then", "now"), [(0.0, 25.0), (100.0, -1.0), (math.nan, 25.0), (100.0, math.inf)])
def test_it_rejects_a_price_that_is_not_positive_and_finite(then: float, now: float) -> None:
    with pytest.raises(ValueError, match="positive finite price"):
        basis_factor(close_then=then, close_now=now)
