"""Shrinkage toward the base rate, as calibration.stats exposes it (one formula, in analysis.contract)."""

from __future__ import annotations

import itertools

import pytest

from analysis import contract
from calibration import stats


def test_there_is_one_formula() -> None:
    assert stats.shrunk_confidence is contract.shrunk_confidence
    assert stats.MIN_BIN_SAMPLES == contract.MIN_BIN_SAMPLES == 30


def test_worked_example() -> None:
    # w = 10/(10 + 30) = 0.25 → 0.25·0.70 + 0.75·0.55 = 0.5875
    assert stats.shrunk_confidence(bin_hit_rate=0.70, bin_samples=10, base_rate=0.55) == pytest.approx(0.5875)


def test_no_samples_give_the_base_rate_and_thirty_the_bin_rate() -> None:
    assert stats.shrunk_confidence(bin_hit_rate=None, bin_samples=0, base_rate=0.55) == 0.55
    assert stats.shrunk_confidence(bin_hit_rate=0.70, bin_samples=30, base_rate=0.55) == 0.70


def test_monotone_in_the_sample_size() -> None:
    values = [stats.shrunk_confidence(bin_hit_rate=0.70, bin_samples=n, base_rate=0.55) for n in range(31)]
    assert all(b > a for a, b in itertools.pairwise(values))
    assert values[0] == 0.55
    assert values[-1] == 0.70


def test_shrinking_a_computed_bin() -> None:
    # A bin of 6 calls with 5 hits (0.8333) in a horizon of 40 calls with 22 hits (0.55):
    # w = 6/36 = 1/6 → 0.8333/6 + 0.55·5/6 = 0.13889 + 0.45833 = 0.59722
    bins = stats.reliability_bins([0.9] * 6 + [0.5] * 34, [True] * 5 + [False] + [True] * 17 + [False] * 17)
    top = bins[4]
    base = sum(b.hit_rate * b.sample_size for b in bins if b.sample_size) / 40
    assert (top.sample_size, base) == (6, pytest.approx(0.55))
    value = stats.shrunk_confidence(bin_hit_rate=top.hit_rate, bin_samples=top.sample_size, base_rate=base)
    assert value == pytest.approx(5 / 6 / 6 + 0.55 * 5 / 6)
    assert value == pytest.approx(0.59722, abs=1e-5)
