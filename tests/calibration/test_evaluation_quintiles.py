"""Quintile buckets: ties share a bucket, whatever their order, and untied groups split evenly."""

from __future__ import annotations

import numpy as np

from calibration.evaluation.ranks import grouped_quantiles


def test_it_splits_ten_distinct_scores_two_per_quintile() -> None:
    scores = np.array([9.0, 1.0, 5.0, 3.0, 7.0, 2.0, 10.0, 4.0, 8.0, 6.0])
    assert grouped_quantiles(scores, np.zeros(10)).tolist() == [5, 1, 3, 2, 4, 1, 5, 2, 4, 3]


def test_it_keeps_tied_scores_in_one_quintile() -> None:
    # Sorted: 1, 2, 2, 3, 4, 5, 5, 5, 6, 7; average ranks 1, 2.5, 2.5, 4, 5, 7, 7, 7, 9, 10;
    # bucket = floor(5·(rank − ½)/10) + 1 → 1, 2, 2, 2, 3, 4, 4, 4, 5, 5.
    scores = np.array([5.0, 2.0, 7.0, 5.0, 1.0, 3.0, 2.0, 6.0, 5.0, 4.0])
    expected = [4, 2, 5, 4, 1, 2, 2, 5, 4, 3]
    assert grouped_quantiles(scores, np.zeros(10)).tolist() == expected
    reversed_order = grouped_quantiles(scores[::-1], np.zeros(10))[::-1]
    assert reversed_order.tolist() == expected


def test_it_buckets_each_date_on_its_own() -> None:
    scores = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 50.0, 40.0, 30.0, 20.0, 10.0])
    groups = np.array([0] * 5 + [1] * 5)
    assert grouped_quantiles(scores, groups).tolist() == [1, 2, 3, 4, 5, 5, 4, 3, 2, 1]


def test_it_puts_a_date_of_identical_scores_in_the_middle_bucket() -> None:
    assert grouped_quantiles(np.full(5, 42.0), np.zeros(5)).tolist() == [3, 3, 3, 3, 3]
