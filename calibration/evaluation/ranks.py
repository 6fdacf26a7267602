"""Ranks within groups, rank IC (Spearman) and quantile buckets, vectorised over all groups at once.

Pure maths on numpy arrays: no Django import. A "group" is an integer label per value (a date's
index for a cross-section, or one label for everything pooled).
"""

from __future__ import annotations

import numpy as np

#: The cross-section a date needs before its own IC (and quintiles) are computed (alphalens' rule).
MIN_TICKERS_PER_DATE = 5
QUANTILES = 5


def grouped_average_ranks(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values`` within each group, ties sharing the average of their ranks.

    The same ranks ``scipy.stats.rankdata(method="average")`` gives each group on its own, computed
    in one sort: order by (group, value), find the runs of equal (group, value), and give every
    member of a run the mean of its first and last position, counted from the group's start.
    """
    x = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    n = x.size
    ranks = np.empty(n, dtype=float)
    if n == 0:
        return ranks
    order = np.lexsort((x, g))
    xs, gs = x[order], g[order]
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    new_group[1:] = gs[1:] != gs[:-1]
    new_run = new_group.copy()
    new_run[1:] |= xs[1:] != xs[:-1]
    positions = np.arange(n)
    run_id = np.cumsum(new_run) - 1
    run_first = positions[new_run]
    run_last = np.append(run_first[1:] - 1, n - 1)
    group_start = np.maximum.accumulate(np.where(new_group, positions, 0))
    ranks[order] = (run_first[run_id] + run_last[run_id]) / 2.0 - group_start + 1.0
    return ranks


def grouped_rank_ic(
    scores: np.ndarray, returns: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spearman rank correlation of score against return within each group.

    Returns ``(labels, ic, counts)`` with the distinct group labels in ascending order. The IC is
    the Pearson correlation of the average ranks (so ties are handled as
    ``scipy.stats.spearmanr`` handles them); NaN for a group with fewer than two values or no
    spread in either ranking.
    """
    s, r, g = np.asarray(scores, dtype=float), np.asarray(returns, dtype=float), np.asarray(groups)
    labels, index = np.unique(g, return_inverse=True)
    if labels.size == 0:
        return labels, np.empty(0), np.empty(0, dtype=int)
    rs = grouped_average_ranks(s, index)
    rr = grouped_average_ranks(r, index)
    count = np.bincount(index, minlength=labels.size).astype(float)
    mean_s = np.bincount(index, weights=rs, minlength=labels.size) / count
    mean_r = np.bincount(index, weights=rr, minlength=labels.size) / count
    ds, dr = rs - mean_s[index], rr - mean_r[index]
    cov = np.bincount(index, weights=ds * dr, minlength=labels.size)
    var_s = np.bincount(index, weights=ds * ds, minlength=labels.size)
    var_r = np.bincount(index, weights=dr * dr, minlength=labels.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        ic = cov / np.sqrt(var_s * var_r)
    # Rounding can leave a zero variance a hair above zero: treat tiny spreads as none.
    ic[(var_s <= 1e-12) | (var_r <= 1e-12)] = np.nan
    return labels, ic, count.astype(int)


def grouped_quantiles(values: np.ndarray, groups: np.ndarray, quantiles: int = QUANTILES) -> np.ndarray:
    """Quantile bucket, 1 (lowest) to ``quantiles`` (highest), of each value within its group.

    ``bucket = floor(q·(rank − ½)/n) + 1`` with ``rank`` the average rank in the group (1..n) and
    ``n`` the group's size. Equal values share their average rank, so ties always land in the
    same bucket, whatever their order in the input (deterministic); without ties and with ``n``
    a multiple of ``q`` every bucket holds ``n/q`` values. A tie straddling a boundary joins the
    bucket of its average rank, so buckets can be unequal, and some can be empty.
    """
    g = np.asarray(groups)
    _, index = np.unique(g, return_inverse=True)
    ranks = grouped_average_ranks(values, index)
    sizes = np.bincount(index)[index].astype(float)
    bucket = np.floor(quantiles * (ranks - 0.5) / sizes).astype(int) + 1
    clipped: np.ndarray = np.clip(bucket, 1, quantiles)
    return clipped


def dates_with_cross_section(groups: np.ndarray, minimum: int = MIN_TICKERS_PER_DATE) -> np.ndarray:
    """A mask of the values whose group (date) holds at least ``minimum`` values."""
    _, index, counts = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    return counts[index] >= minimum
