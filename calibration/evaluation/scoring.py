"""Net returns, hit rates by group, and the Brier score's Murphy decomposition (pure maths).

Units as in :mod:`calibration.stats`: returns in percent, costs in basis points, probabilities,
hit rates and Brier components as fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from calibration import stats
from calibration.evaluation.intervals import clustered_mean_interval, mean_interval

#: How a row's net return was obtained (the ``net_source`` of the output).
NET_STORED = "stored"
NET_FROM_STORED_BPS = "stored_bps"
NET_FROM_DEFAULT_BPS = "profile_default_bps"
#: Bootstrap of the calibration figures: fixed seed, so the same data give the same interval.
BOOTSTRAP_SEED = 20260601
BOOTSTRAP_RESAMPLES = 200
CONSISTENCY_DRAWS = 1000
#: Confidences are grouped to this step for the consistency draws (`ece_if_calibrated`).
CONSISTENCY_GRID = 0.001


def net_returns(
    *,
    gross_pct: np.ndarray,
    stored_net_pct: np.ndarray,
    cost_bps: np.ndarray,
    slippage_bps: np.ndarray,
    default_cost_bps: float,
    default_slippage_bps: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Net return per row (percent) and how it was obtained.

    The stored ``realized_return_net_pct`` when there is one (economics on); otherwise
    ``gross − (cost + slippage)/100`` from the row's stored basis points, each missing one
    replaced by the default (the profile's transaction cost, the configured slippage). NaN
    marks a missing stored value in the inputs. Returns ``(net, source)`` with ``source`` one of
    ``stored``, ``stored_bps`` (both basis points stored on the row), ``profile_default_bps``.
    """
    gross = np.asarray(gross_pct, dtype=float)
    stored = np.asarray(stored_net_pct, dtype=float)
    cost = np.asarray(cost_bps, dtype=float)
    slip = np.asarray(slippage_bps, dtype=float)
    has_bps = np.isfinite(cost) & np.isfinite(slip)
    computed = (
        gross
        - (
            np.where(np.isfinite(cost), cost, default_cost_bps)
            + np.where(np.isfinite(slip), slip, default_slippage_bps)
        )
        / 100.0
    )
    has_stored = np.isfinite(stored)
    net = np.where(has_stored, stored, computed)
    source = np.where(has_stored, NET_STORED, np.where(has_bps, NET_FROM_STORED_BPS, NET_FROM_DEFAULT_BPS))
    return net, source


def net_source_summary(source: np.ndarray) -> tuple[str | None, dict[str, int]]:
    """The single source when every row shares it, else ``"mixed"``; and the count of each."""
    labels, counts = np.unique(np.asarray(source, dtype=str), return_counts=True)
    tally = {str(label): int(count) for label, count in zip(labels, counts, strict=True)}
    if not tally:
        return None, tally
    return (next(iter(tally)) if len(tally) == 1 else "mixed"), tally


def group_table(
    labels: np.ndarray,
    hits: np.ndarray,
    net_pct: np.ndarray,
    order: tuple[str, ...] = (),
    *,
    clusters: np.ndarray | None = None,
    lag: int = 0,
) -> list[dict[str, Any]]:
    """Per label: count, hit rate with its Wilson 95 % interval, mean net return with a t interval.

    With ``clusters`` (the market date of each row) the mean's interval is clustered by date,
    Bartlett-weighted over ``lag`` neighbouring dates (:func:`clustered_mean_interval`); without,
    it treats rows as independent. Labels in ``order`` come first (when present), the rest
    alphabetically.
    """
    labels = np.asarray(labels, dtype=str)
    present = set(np.unique(labels).tolist())
    ordered = [label for label in order if label in present] + sorted(present - set(order))
    rows = []
    for label in ordered:
        mask = labels == label
        n = int(mask.sum())
        k = int(np.asarray(hits)[mask].sum())
        lower, upper = stats.wilson_interval(k, n)
        values = np.asarray(net_pct)[mask]
        if clusters is None:
            mean, mean_lower, mean_upper = mean_interval(values)
        else:
            mean, mean_lower, mean_upper = clustered_mean_interval(values, np.asarray(clusters)[mask], lag)
        rows.append(
            {
                "group": label,
                "count": n,
                "hit_rate": k / n if n else None,
                "hit_rate_ci": [lower, upper],
                "mean_net_return_pct": mean,
                "mean_net_return_ci": [mean_lower, mean_upper],
            }
        )
    return rows


@dataclass(frozen=True)
class Murphy:
    """Brier score and its decomposition over forecast bins (fractions).

    ``score = reliability − resolution + uncertainty + within_bin``; ``within_bin`` is zero when
    every forecast in a bin is the same value (Murphy's original setting) and otherwise carries
    the within-bin variance and covariance terms (Stephenson, Coelho and Jolliffe, 2008).
    """

    score: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin: float
    sample_size: int


def murphy_decomposition(
    forecasts: np.ndarray, outcomes: np.ndarray, bin_index: np.ndarray | None = None
) -> Murphy | None:
    """Murphy (1973) decomposition of the Brier score ``(1/N)·Σ (f − o)²``.

    With ``K`` bins of ``n_k`` forecasts, mean forecast ``f̄_k``, observed frequency ``ō_k`` and
    overall frequency ``ō``:

    * reliability ``= (1/N)·Σ_k n_k·(f̄_k − ō_k)²`` (lower is better);
    * resolution ``= (1/N)·Σ_k n_k·(ō_k − ō)²`` (higher is better);
    * uncertainty ``= ō·(1 − ō)``.

    ``bin_index`` (0-based, one per forecast) groups the forecasts; None groups equal forecast
    values, for which the identity ``Brier = REL − RES + UNC`` is exact. None for no forecasts.
    """
    f = np.asarray(forecasts, dtype=float)
    o = np.asarray(outcomes, dtype=float)
    if f.size == 0:
        return None
    if bin_index is None:
        _, bin_index = np.unique(f, return_inverse=True)
    k = np.asarray(bin_index, dtype=int)
    n = np.bincount(k).astype(float)
    filled = n > 0
    f_bar = np.bincount(k, weights=f)[filled] / n[filled]
    o_bar = np.bincount(k, weights=o)[filled] / n[filled]
    base = float(o.mean())
    total = float(f.size)
    score = float(np.mean((f - o) ** 2))
    reliability = float(np.sum(n[filled] * (f_bar - o_bar) ** 2) / total)
    resolution = float(np.sum(n[filled] * (o_bar - base) ** 2) / total)
    uncertainty = base * (1.0 - base)
    residual = score - (reliability - resolution + uncertainty)
    return Murphy(
        score=score,
        reliability=reliability,
        resolution=resolution,
        uncertainty=uncertainty,
        # Rounding noise of the identity is not a within-bin term.
        within_bin=0.0 if abs(residual) < 1e-12 else residual,
        sample_size=int(f.size),
    )


def confidence_bin_index(confidences: np.ndarray, n_bins: int) -> np.ndarray:
    """The reliability bin of each confidence, as :func:`calibration.stats.reliability_bins` assigns it."""
    edges = np.arange(n_bins + 1, dtype=float) / n_bins
    return np.clip(np.searchsorted(edges, confidences, side="right") - 1, 0, n_bins - 1)


def calibration_figures(confidences: np.ndarray, hits: np.ndarray, n_bins: int) -> dict[str, Any] | None:
    """ECE (from :mod:`calibration.stats`) and the Murphy decomposition over the same bins and pairs.

    Intervals: a percentile bootstrap of the outcomes (``BOOTSTRAP_RESAMPLES`` resamples, seed
    ``BOOTSTRAP_SEED``), so repeated calls on the same data give the same bounds.
    """
    c = np.asarray(confidences, dtype=float)
    h = np.asarray(hits, dtype=float)
    if c.size == 0:
        return None
    bins = stats.reliability_bins(c, h, n_bins=n_bins)
    ece = stats.expected_calibration_error(bins)
    index = confidence_bin_index(c, n_bins)
    murphy = murphy_decomposition(c, h, index)
    assert murphy is not None
    boot = _bootstrap(c, h, index, n_bins)
    return {
        "sample_size": murphy.sample_size,
        "ece": ece,
        "ece_ci": boot["ece"],
        "ece_if_calibrated": ece_if_calibrated(c, index, n_bins),
        "n_bins": n_bins,
        "brier": {
            "score": murphy.score,
            "reliability": murphy.reliability,
            "resolution": murphy.resolution,
            "uncertainty": murphy.uncertainty,
            "within_bin": murphy.within_bin,
            "score_ci": boot["score"],
            "reliability_ci": boot["reliability"],
            "resolution_ci": boot["resolution"],
            "uncertainty_ci": boot["uncertainty"],
            "sample_size": murphy.sample_size,
        },
    }


def _bootstrap(c: np.ndarray, h: np.ndarray, index: np.ndarray, n_bins: int) -> dict[str, list[float | None]]:
    n = c.size
    if n < 2:
        return {key: [None, None] for key in ("ece", "score", "reliability", "resolution", "uncertainty")}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    squared = (c - h) ** 2
    draws = np.empty((BOOTSTRAP_RESAMPLES, 5))
    for i in range(BOOTSTRAP_RESAMPLES):
        pick = rng.integers(0, n, n)
        k = index[pick]
        count = np.bincount(k, minlength=n_bins).astype(float)
        filled = count > 0
        f_bar = np.bincount(k, weights=c[pick], minlength=n_bins)[filled] / count[filled]
        o_bar = np.bincount(k, weights=h[pick], minlength=n_bins)[filled] / count[filled]
        base = h[pick].mean()
        weight = count[filled] / n
        draws[i] = (
            float(np.sum(weight * np.abs(o_bar - f_bar))),
            float(squared[pick].mean()),
            float(np.sum(weight * (f_bar - o_bar) ** 2)),
            float(np.sum(weight * (o_bar - base) ** 2)),
            base * (1.0 - base),
        )
    lower, upper = np.percentile(draws, [2.5, 97.5], axis=0)
    keys = ("ece", "score", "reliability", "resolution", "uncertainty")
    return {key: [float(lower[j]), float(upper[j])] for j, key in enumerate(keys)}


def ece_if_calibrated(
    confidences: np.ndarray, index: np.ndarray, n_bins: int, draws: int = CONSISTENCY_DRAWS
) -> dict[str, float | None]:
    """The ECE a perfectly calibrated forecaster would show on these confidences, by sampling alone.

    Consistency resampling (Bröcker and Smith, 2007): each outcome is drawn as a Bernoulli of its
    own confidence, so every bin is calibrated by construction, and the ECE of ``draws`` such
    samples over the same bins gives its ``mean`` and ``p95``. A measured ECE inside that range
    cannot be told apart from noise at this sample size; one above ``p95`` is miscalibration.
    Seeded (``BOOTSTRAP_SEED``): the same confidences give the same figures.

    The outcomes of equal confidences in one bin are drawn together, as one binomial: the same
    distribution as one Bernoulli each, at a cost set by the distinct confidences instead of
    the outcomes (100,000 outcomes took 0.9 s drawn one by one). Confidences are taken to
    ``CONSISTENCY_GRID`` (0.001, as the contract stores them) for that grouping, both for the
    draws and for the bin means, so the forecaster sampled is calibrated exactly.
    """
    c = np.asarray(confidences, dtype=float)
    n = c.size
    if n == 0:
        return {"mean": None, "p95": None, "draws": 0}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    steps = round(1 / CONSISTENCY_GRID)
    keys, count = np.unique(index * (steps + 1) + np.rint(c * steps).astype(np.int64), return_counts=True)
    p = (keys % (steps + 1)) / steps
    group_bin = keys // (steps + 1)
    starts = np.flatnonzero(np.r_[True, group_bin[1:] != group_bin[:-1]])  # groups are sorted by bin
    bin_count = np.add.reduceat(count, starts).astype(float)
    f_bar = np.add.reduceat(count * p, starts) / bin_count
    weight = bin_count / n
    chunk = max(1, min(draws, 4_000_000 // keys.size))  # bounds the sampled matrix to a few million cells
    ece = np.empty(draws)
    for first in range(0, draws, chunk):
        rows = min(chunk, draws - first)
        hits = rng.binomial(count, p, size=(rows, keys.size))  # each row: one calibrated sample
        o_bar = np.add.reduceat(hits, starts, axis=1) / bin_count
        ece[first : first + rows] = (weight * np.abs(o_bar - f_bar)).sum(axis=1)
    return {"mean": float(ece.mean()), "p95": float(np.percentile(ece, 95)), "draws": draws}
