"""Wilson intervals, equal-width reliability bins and the expected calibration error."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from calibration.stats import BinStat, expected_calibration_error, reliability_bins, wilson_interval

# ------------------------------------------------------------------------------ Wilson


def test_wilson_eight_of_ten() -> None:
    # p̂ = 0.8, n = 10, z = 1.959964, z² = 3.841459:
    #   1 + z²/n = 1.3841459
    #   centre = (0.8 + 3.841459/20)/1.3841459 = 0.9920729/1.3841459 = 0.7167402
    #   half   = 1.959964/1.3841459 · sqrt(0.8·0.2/10 + 3.841459/400)
    #          = 1.4160105 · sqrt(0.016 + 0.0096036) = 1.4160105 · 0.1600114 = 0.2265777
    #   → (0.7167402 − 0.2265777, 0.7167402 + 0.2265777) = (0.4902, 0.9433)
    lower, upper = wilson_interval(8, 10)
    assert round(lower, 4) == 0.4902
    assert round(upper, 4) == 0.9433


def test_wilson_edges() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    lower, upper = wilson_interval(0, 10)
    assert lower == 0.0
    # z²/(n + z²) = 3.841459/13.841459 = 0.2775
    assert upper == pytest.approx(0.2775, abs=1e-4)
    lower, upper = wilson_interval(10, 10)
    assert upper == 1.0
    assert lower == pytest.approx(1 - 0.2775, abs=1e-4)


def test_wilson_is_symmetric_and_narrows_with_n() -> None:
    low, high = wilson_interval(3, 10)
    mirror_low, mirror_high = wilson_interval(7, 10)
    assert low == pytest.approx(1 - mirror_high)
    assert high == pytest.approx(1 - mirror_low)
    widths = [np.subtract(*wilson_interval(n // 2, n)[::-1]) for n in (10, 40, 160, 640)]
    assert all(b < a for a, b in itertools.pairwise(widths))
    # A wider z widens the interval.
    assert wilson_interval(5, 10, z=2.575829)[0] < wilson_interval(5, 10)[0]


@pytest.mark.parametrize(
    ("successes", "n", "z"), [(11, 10, 1.96), (-1, 10, 1.96), (1, -1, 1.96), (2.5, 10, 1.96), (1, 10, 0.0)]
)
def test_wilson_rejects_bad_counts(successes: float, n: int, z: float) -> None:
    with pytest.raises(ValueError):
        wilson_interval(successes, n, z)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ bins

# Ten calls over five bins of width 0.2 (bin 2 stays empty):
#   bin 0 [0.0, 0.2): 0.0 (miss), 0.1 (hit)              → n 2, hit rate 1/2, mean conf 0.05
#   bin 1 [0.2, 0.4): 0.2 (hit), 0.35 (miss)             → n 2, hit rate 1/2, mean conf 0.275
#   bin 2 [0.4, 0.6): —                                  → n 0
#   bin 3 [0.6, 0.8): 0.6 (hit), 0.65 (hit), 0.79 (miss) → n 3, hit rate 2/3, mean conf 2.04/3 = 0.68
#   bin 4 [0.8, 1.0]: 0.8, 1.0, 0.95 (all hits)          → n 3, hit rate 1, mean conf 2.75/3
CONFIDENCES = [0.0, 0.1, 0.2, 0.35, 0.65, 0.6, 0.79, 0.8, 1.0, 0.95]
HITS = [False, True, True, False, True, True, False, True, True, True]


def test_bins_by_hand() -> None:
    bins = reliability_bins(CONFIDENCES, HITS)
    assert [(b.index, b.lower, b.upper) for b in bins] == [
        (0, 0.0, 0.2),
        (1, 0.2, 0.4),
        (2, 0.4, 0.6),
        (3, 0.6, 0.8),
        (4, 0.8, 1.0),
    ]
    assert [b.sample_size for b in bins] == [2, 2, 0, 3, 3]
    rates = [b.hit_rate for b in bins]
    assert rates[2] is None
    assert rates[:2] == [0.5, 0.5]
    assert rates[3] == pytest.approx(2 / 3)
    assert rates[4] == 1.0
    means = [b.mean_confidence for b in bins]
    assert means[2] is None
    assert means[0] == pytest.approx(0.05)
    assert means[1] == pytest.approx(0.275)
    assert means[3] == pytest.approx(0.68)
    assert means[4] == pytest.approx(2.75 / 3)
    assert (bins[0].ci_lower, bins[0].ci_upper) == wilson_interval(1, 2)
    assert (bins[3].ci_lower, bins[3].ci_upper) == wilson_interval(2, 3)
    assert bins[4].ci_upper == 1.0
    assert bins[2] == BinStat(2, 0.4, 0.6, 0, None, 0.0, 1.0, None)


def test_bin_edges_are_left_closed_and_the_last_bin_holds_one() -> None:
    def index_of(confidence: float, n_bins: int = 5) -> int:
        bins = reliability_bins([confidence], [True], n_bins=n_bins)
        return next(b.index for b in bins if b.sample_size)

    assert index_of(0.0) == 0
    assert index_of(0.19999) == 0
    assert index_of(0.2) == 1
    assert index_of(0.6) == 3
    assert index_of(0.8) == 4
    assert index_of(1.0) == 4
    assert index_of(0.3, n_bins=10) == 3
    assert index_of(0.7, n_bins=10) == 7
    assert index_of(1.0, n_bins=1) == 0


def test_every_bin_is_returned_when_there_is_no_data() -> None:
    bins = reliability_bins([], [])
    assert len(bins) == 5
    assert all(b.sample_size == 0 and b.hit_rate is None and (b.ci_lower, b.ci_upper) == (0, 1) for b in bins)
    assert expected_calibration_error(bins) is None


def test_bins_match_a_plain_loop_on_many_samples() -> None:
    rng = np.random.default_rng(7)
    confidences = [*rng.uniform(0.0, 1.0, 5000).tolist(), 1.0, 0.0, 0.4]
    hits = (rng.uniform(size=len(confidences)) < 0.6).tolist()
    bins = reliability_bins(confidences, hits, n_bins=10)
    assert sum(b.sample_size for b in bins) == len(confidences)
    for b in bins:
        members = [
            (c, h)
            for c, h in zip(confidences, hits, strict=True)
            if b.lower <= c < b.upper or (b.index == 9 and c == 1.0)
        ]
        assert b.sample_size == len(members)
        assert b.hit_rate == pytest.approx(sum(h for _, h in members) / len(members))
        assert b.mean_confidence == pytest.approx(sum(c for c, _ in members) / len(members))


@pytest.mark.parametrize(
    ("confidences", "hits", "n_bins"),
    [
        ([0.5, 0.6], [True], 5),
        ([1.01], [True], 5),
        ([-0.01], [True], 5),
        ([math.nan], [True], 5),
        ([0.5], [2], 5),
        ([0.5], [True], 0),
        (["high"], [True], 5),
    ],
)
def test_bins_reject_bad_inputs(confidences: list, hits: list, n_bins: int) -> None:
    with pytest.raises(ValueError):
        reliability_bins(confidences, hits, n_bins=n_bins)


# ------------------------------------------------------------------------------ ECE


def test_ece_by_hand() -> None:
    # N = 10: (2/10)·|0.5 − 0.05| + (2/10)·|0.5 − 0.275| + (3/10)·|2/3 − 0.68| + (3/10)·|1 − 2.75/3|
    #       = 0.2·0.45 + 0.2·0.225 + 0.3·0.013333 + 0.3·0.083333
    #       = 0.09 + 0.045 + 0.004 + 0.025 = 0.164
    assert expected_calibration_error(reliability_bins(CONFIDENCES, HITS)) == pytest.approx(0.164)


def test_ece_of_a_perfectly_calibrated_set_is_zero() -> None:
    bins = [BinStat(0, 0.0, 0.5, 4, 0.25, 0.0, 1.0, 0.25), BinStat(1, 0.5, 1.0, 4, 0.75, 0.0, 1.0, 0.75)]
    assert expected_calibration_error(bins) == 0.0


def test_ece_rejects_a_filled_bin_without_rates() -> None:
    with pytest.raises(ValueError, match="bin 0"):
        expected_calibration_error([BinStat(0, 0.0, 1.0, 3, None, 0.0, 1.0, None)])
