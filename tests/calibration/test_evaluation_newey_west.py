"""Newey–West t-statistic of a mean, and the lag that the horizon's overlap calls for."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibration.evaluation.intervals import fisher_z_interval, newey_west_se, newey_west_t, overlap_lag


def test_it_matches_the_bartlett_formula_worked_by_hand_on_four_values() -> None:
    # x = 1, 3, 2, 4: mean 2.5, deviations −1.5, 0.5, −0.5, 1.5.
    # γ0 = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; γ1 = (0.5·−1.5 + −0.5·0.5 + 1.5·−0.5)/4 = −0.4375.
    # Lag 1: LRV = γ0 + 2·(1 − 1/2)·γ1 = 0.8125; se = √(0.8125/4); t = 2.5/se.
    x = np.array([1.0, 3.0, 2.0, 4.0])
    assert newey_west_se(x, 1) == pytest.approx(math.sqrt(0.8125 / 4))
    assert newey_west_t(x, 1) == pytest.approx(2.5 / math.sqrt(0.203125))
    assert newey_west_t(x, 1) == pytest.approx(5.547001962)


def test_it_is_the_plain_standard_error_at_lag_zero() -> None:
    x = np.array([0.2, -0.1, 0.05, 0.3, 0.0])
    assert newey_west_se(x, 0) == pytest.approx(x.std(ddof=0) / math.sqrt(x.size))


def test_it_uses_two_lags_as_written_out() -> None:
    x = np.array([0.5, 0.1, -0.2, 0.4, 0.3, -0.1])
    e = x - x.mean()
    g = [sum(e[t] * e[t - lag] for t in range(lag, 6)) / 6 for lag in range(3)]
    lrv = g[0] + 2 * (2 / 3) * g[1] + 2 * (1 / 3) * g[2]
    assert newey_west_se(x, 2) == pytest.approx(math.sqrt(lrv / 6))


def test_it_takes_the_lag_from_the_overlap_of_horizon_and_sampling() -> None:
    assert overlap_lag(7, 7.0) == 0  # weekly 7-day returns do not overlap
    assert overlap_lag(30, 7.0) == 4  # weekly 30-day returns share up to four later samples
    assert overlap_lag(7, 1.0) == 6
    assert overlap_lag(1, 1.0) == 0


def test_it_gives_the_fisher_interval_of_a_correlation() -> None:
    lower, upper = fisher_z_interval(0.5, 28.0)
    half = 1.959963984540054 / 5.0
    z = math.atanh(0.5)
    assert (lower, upper) == pytest.approx((math.tanh(z - half), math.tanh(z + half)))
    assert fisher_z_interval(0.5, 3.0) == (None, None)
