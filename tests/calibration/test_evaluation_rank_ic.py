"""Rank IC per group: the same numbers scipy.stats.spearmanr gives each group on its own, ties included."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata, spearmanr

from calibration.evaluation.ranks import grouped_average_ranks, grouped_rank_ic

# Two dates; the scores of date 0 tie twice and its returns once, date 1 ties three scores.
GROUPS = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
SCORES = np.array([55.0, 40.0, 40.0, 70.0, 55.0, 10.0, 30.0, 30.0, 30.0, 80.0, 20.0])
RETURNS = np.array([1.2, -0.4, 0.3, 2.5, 0.3, -1.1, 0.8, -0.2, 0.1, 1.9, -0.6])


def test_it_ranks_ties_with_their_average_rank_within_each_group() -> None:
    ranks = grouped_average_ranks(SCORES, GROUPS)
    for group in (0, 1):
        mask = np.equal(GROUPS, group)
        assert ranks[mask] == pytest.approx(rankdata(SCORES[mask], method="average"))


def test_it_matches_scipy_spearman_on_each_date() -> None:
    labels, ic, counts = grouped_rank_ic(SCORES, RETURNS, GROUPS)
    assert labels.tolist() == [0, 1]
    assert counts.tolist() == [6, 5]
    for position, group in enumerate(labels):
        mask = np.equal(GROUPS, group)
        assert ic[position] == pytest.approx(spearmanr(SCORES[mask], RETURNS[mask]).statistic, abs=1e-12)


def test_it_matches_scipy_when_pooled_and_when_groups_arrive_shuffled() -> None:
    order = np.random.default_rng(3).permutation(SCORES.size)
    _, pooled, _ = grouped_rank_ic(SCORES[order], RETURNS[order], np.zeros(SCORES.size))
    assert pooled[0] == pytest.approx(spearmanr(SCORES, RETURNS).statistic, abs=1e-12)


def test_it_leaves_the_ic_undefined_when_a_date_has_no_spread_in_scores() -> None:
    _, ic, _ = grouped_rank_ic(np.array([5.0, 5.0, 5.0]), np.array([1.0, 2.0, 3.0]), np.zeros(3))
    assert np.isnan(ic[0])
