"""From 100 calls on, the calibration curve is monotone in raw confidence (isotonic regression)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from analysis.contract.curve import (
    ISOTONIC_MIN_SAMPLES,
    METHOD_ISOTONIC,
    METHOD_POSTERIOR,
    CurveBin,
    calibration_curve,
    curve_at,
    monotone,
)


def test_it_pools_adjacent_violators_as_by_hand() -> None:
    # Equal weights: 0.3 0.5 0.4 → pool (0.5 + 0.4)/2 = 0.45; then 0.45 > 0.2 → pool
    # (0.5 + 0.4 + 0.2)/3 = 1.1/3; 0.3 <= 0.3667 stops; 0.6 is above.
    assert monotone([0.3, 0.5, 0.4, 0.2, 0.6], [1, 1, 1, 1, 1]) == pytest.approx(
        [0.3, 1.1 / 3, 1.1 / 3, 1.1 / 3, 0.6]
    )
    # Weight 2 on the second: (2·0.5 + 0.4)/3 = 1.4/3, then (1.4 + 0.2)/4 = 0.4.
    assert monotone([0.3, 0.5, 0.4, 0.2, 0.6], [1, 2, 1, 1, 1]) == pytest.approx([0.3, 0.4, 0.4, 0.4, 0.6])


def test_it_fits_a_small_table_as_by_hand() -> None:
    # Three bins of 40 calls, 20 / 28 / 24 right (120 calls, so isotonic applies).
    # Priors from the other bins, K = 10: (52 + 5)/90, (44 + 5)/90, (48 + 5)/90.
    # Posteriors (k + 10·p)/50: (20 + 57/9)/50 = 237/450, (28 + 49/9)/50 = 301/450,
    # (24 + 53/9)/50 = 269/450. 301/450 > 269/450 violates the order: pool with weights 50 and 50,
    # (301 + 269)/900 = 570/900.
    bins = [CurveBin(0.2, 0.4, 40, 20), CurveBin(0.4, 0.6, 40, 28), CurveBin(0.6, 0.8, 40, 24)]
    values, method = calibration_curve(bins)
    assert method == METHOD_ISOTONIC
    assert values == pytest.approx([237 / 450, 570 / 900, 570 / 900])
    point = curve_at(bins, 0.75)
    assert point is not None and point.value == pytest.approx(570 / 900)


def test_it_keeps_each_posterior_below_the_isotonic_threshold() -> None:
    # The same table at 4 calls a bin (12 in all): too few to impose an order.
    bins = [CurveBin(0.2, 0.4, 4, 2), CurveBin(0.4, 0.6, 4, 3), CurveBin(0.6, 0.8, 4, 1)]
    values, method = calibration_curve(bins)
    assert method == METHOD_POSTERIOR
    # Middle: prior (3 + 5)/(8 + 10) = 8/18; (3 + 10·8/18)/14 = (54 + 80)/252 = 134/252.
    assert values[1] == pytest.approx(134 / 252)
    assert values[1] > values[2]
    assert ISOTONIC_MIN_SAMPLES == 100


@pytest.mark.parametrize("seed", range(20))
def test_it_never_maps_a_higher_confidence_lower(seed: int) -> None:
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, 80, size=5)
    samples[rng.integers(0, 5)] += ISOTONIC_MIN_SAMPLES
    bins = [CurveBin(i / 5, (i + 1) / 5, int(n), int(rng.integers(0, n + 1))) for i, n in enumerate(samples)]
    grid = np.linspace(0.0, 1.0, 41)
    values = [curve_at(bins, float(c)).value for c in grid]
    assert all(later >= earlier - 1e-12 for earlier, later in itertools.pairwise(values))
    assert all(0.0 < v < 1.0 for v in values)


def test_a_missing_bin_sits_between_its_neighbours() -> None:
    # [0.4, 0.6) absent: 0.5 gets the pooled prior, then the monotone fit keeps it in order.
    bins = [CurveBin(0.2, 0.4, 60, 12), CurveBin(0.6, 0.8, 60, 54)]
    low, middle, high = (curve_at(bins, c).value for c in (0.3, 0.5, 0.7))
    assert low <= middle <= high
    # Its prior is everything: (66 + 5)/(120 + 10) = 71/130, and nothing of its own moves it.
    assert middle == pytest.approx(71 / 130)
