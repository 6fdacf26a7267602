"""A thin bin cannot overclaim: its prior comes from the other bins, with a fixed strength."""

from __future__ import annotations

import pytest

from analysis.contract import ReliabilityEvidence, calibrate_confidence
from analysis.contract.curve import (
    METHOD_POSTERIOR,
    NEUTRAL_PRIOR,
    PRIOR_STRENGTH,
    CurveBin,
    curve_at,
    outside_priors,
    posterior_mean,
)
from analysis.contract.reliability import ReliabilityBinRow, pick_bin


def test_it_uses_a_prior_of_ten_calls_at_a_coin_flip() -> None:
    assert (PRIOR_STRENGTH, NEUTRAL_PRIOR) == (10.0, 0.5)


def test_it_gives_one_correct_call_alone_six_elevenths_not_one() -> None:
    # Nothing outside the bin: prior (0 + 10·0.5)/(0 + 10) = 0.5; posterior (1 + 5)/(1 + 10) = 6/11.
    point = curve_at([CurveBin(0.6, 0.8, 1, 1)], 0.7)
    assert point is not None
    assert point.value == pytest.approx(6 / 11)  # 0.5454…
    assert (point.prior, point.samples, point.method) == (0.5, 1, METHOD_POSTERIOR)


def test_it_gives_the_same_through_the_contract() -> None:
    # The earlier rule: the base rate of that one bin is 1.0, so shrinking toward it gave 1.0.
    evidence = pick_bin([ReliabilityBinRow(0.6, 0.8, 1, 1.0)], 0.7)
    got = calibrate_confidence(0.7, evidence)
    assert got.value == pytest.approx(6 / 11)
    assert (got.source, got.sample_size, got.band_pct) == ("shrunk", 1, 15.0)
    # Without a fitted curve the contract derives the same from the bin and the base rate.
    assert calibrate_confidence(0.7, ReliabilityEvidence(1.0, 1, 1.0, 1)).value == pytest.approx(6 / 11)


def test_it_takes_each_prior_from_the_other_bins() -> None:
    # A: 20 calls, 10 right; B: 1 call, 1 right.
    # prior of B = (10 + 10·0.5)/(20 + 10) = 15/30 = 0.5 → B = (1 + 10·0.5)/(1 + 10) = 6/11;
    # prior of A = (1 + 5)/(1 + 10) = 6/11 → A = (10 + 10·6/11)/(20 + 10) = (110 + 60)/330 = 17/33.
    bins = [CurveBin(0.4, 0.6, 20, 10), CurveBin(0.6, 0.8, 1, 1)]
    assert outside_priors(bins) == pytest.approx([6 / 11, 0.5])
    a, b = curve_at(bins, 0.5), curve_at(bins, 0.7)
    assert a is not None and b is not None
    assert a.value == pytest.approx(17 / 33)
    assert b.value == pytest.approx(6 / 11)
    assert a.horizon_samples == 21


@pytest.mark.parametrize("n", [1, 2, 5, 10, 29])
def test_it_moves_from_the_prior_by_at_most_n_over_n_plus_k(n: int) -> None:
    # All right: (n + 10·0.5)/(n + 10) − 0.5 = n·0.5/(n + 10) = (n/(n + 10))·(1 − 0.5).
    value = posterior_mean(n, n, 0.5)
    assert value - 0.5 == pytest.approx(n / (n + 10) * 0.5)
    assert value < 1.0


def test_an_empty_bin_takes_the_pooled_prior() -> None:
    # Only [0.2, 0.4) holds calls (10, 3 right); 0.9 falls in no bin: its prior is everything,
    # (3 + 5)/(10 + 10) = 0.4, and with no calls of its own that is its value.
    point = curve_at([CurveBin(0.2, 0.4, 10, 3)], 0.9)
    assert point is not None
    assert point.value == pytest.approx(0.4)
    assert point.samples == 0


def test_it_has_nothing_to_say_without_a_single_call() -> None:
    assert curve_at([], 0.5) is None
    assert curve_at([CurveBin(0.0, 0.5, 0, 0)], 0.2) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hits": 2, "samples": 1, "prior": 0.5},
        {"hits": -1, "samples": 1, "prior": 0.5},
        {"hits": 1, "samples": 1, "prior": 1.5},
        {"hits": 1, "samples": 1, "prior": 0.5, "strength": 0.0},
    ],
)
def test_it_rejects_impossible_counts(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        posterior_mean(**kwargs)
