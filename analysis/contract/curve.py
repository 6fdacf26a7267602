"""A calibration curve that cannot overclaim: raw confidence → hit rate, per horizon (fractions).

Pure maths on one horizon's reliability bins (equal-width over raw confidence, each with its
sample size and hit count), as stored point-in-time by the calibration job: the bins dated on
or before an analysis's date hold only outcomes realised by then.

**The prior comes from outside the bin.** Each bin ``j`` with ``n_j`` calls and ``k_j`` hits
is read as a beta-binomial posterior mean

    ``v_j = (k_j + K·p_j) / (n_j + K)``,  ``K = PRIOR_STRENGTH = 10`` pseudo-calls,

whose prior mean ``p_j`` is the pooled hit rate of the *other* bins of the horizon, itself
shrunk toward a coin flip with the same strength:

    ``p_j = (Σ_{i≠j} k_i + K·0.5) / (Σ_{i≠j} n_i + K)``.

So a bin never lends itself its own prior: one correct call alone in a horizon gives
``(1 + 10·0.5)/(1 + 10) = 6/11 ≈ 0.545``, not 1.0. ``K = 10`` means a bin needs ten calls of
its own before they weigh as much as everything else it knows; the posterior moves from its
prior by ``n/(n + K)`` of the distance to the bin's raw rate, never more.

**Isotonic where the sample allows.** When the horizon holds at least
``ISOTONIC_MIN_SAMPLES = 100`` evaluated calls across at least two filled bins, the bin
posteriors are made non-decreasing in raw confidence by weighted isotonic regression
(``scipy.optimize.isotonic_regression``, pool-adjacent-violators, weights ``n_j + K``): a
higher raw confidence is never mapped to a lower hit rate, and bins whose order the outcomes
contradict are pooled to their common rate. Below 100 calls the ordering is too noisy to
impose and each bin keeps its own posterior.

**Walk-forward, no threshold tuned in-sample.** ``K = 10``, the coin-flip hyperprior and the
100-call isotonic threshold were fixed before any outcome was looked at; nothing here is fitted
to the period it is judged on. The procedure that judges them is walk-forward: replay the engine
over past dates, each date calibrated only with outcomes realised by then (the curve is re-fitted
from the bins of each date), then report on the later half of the replayed dates only, the
earlier half serving as the fitting period. ``bench/signal_quality.py --csv-dir DIR`` runs it.
Any change to these constants must be justified on the earlier half and reported on the later.

Figures (``bench/README.md``, "signal_quality.py"): ten large caps, weekly, 2016-07-05 ..
2020-08-26, 2,100 analyses, the later half (2018-08-03 on, 1,040 scored 7-day outcomes) judged,
with the synthesis at commit acbede1 (every call HOLD). 7-day ECE of the calibrated confidence
0.0329 (bootstrap 95 % [0.017, 0.064]) against 0.1739 raw and 0.0384 with the earlier shrinkage
toward a base rate that included the bin; Brier reliability 0.0028 (earlier 0.0040). The
30-day curve 0.0226, the 1-day curve 0.0725 (earlier 0.0703). The fitting half gave 0.0312 at
7 days; the hit rate fell from 0.665 to 0.516 between the halves, which a trailing calibration
follows only with a lag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Strength of a bin's prior, in pseudo-calls (``K``).
PRIOR_STRENGTH = 10.0
#: The hyperprior: what a horizon with no other evidence believes (a coin flip).
NEUTRAL_PRIOR = 0.5
#: Evaluated calls of a horizon from which the curve is made monotone (isotonic).
ISOTONIC_MIN_SAMPLES = 100

METHOD_ISOTONIC = "isotonic"
METHOD_POSTERIOR = "posterior"


@dataclass(frozen=True)
class CurveBin:
    """One reliability bin: ``lower <= c < upper`` (fractions), ``samples`` calls, ``hits`` right."""

    lower: float
    upper: float
    samples: int
    hits: float


@dataclass(frozen=True)
class CurvePoint:
    """The curve at one raw confidence.

    ``value`` the calibrated hit rate (fraction); ``samples`` the matching bin's calls (0 when
    it is empty or absent); ``prior`` that bin's prior mean ``p_j`` (fraction); ``method``
    ``"isotonic"`` or ``"posterior"``; ``horizon_samples`` the calls behind the whole curve.
    """

    value: float
    samples: int
    prior: float
    method: str
    horizon_samples: int


def posterior_mean(hits: float, samples: int, prior: float, strength: float = PRIOR_STRENGTH) -> float:
    """Beta-binomial posterior mean ``(hits + strength·prior)/(samples + strength)`` (fraction).

    Raises ValueError unless ``0 <= hits <= samples``, ``prior`` in ``[0, 1]`` and ``strength > 0``.
    """
    if samples < 0 or not 0.0 <= hits <= samples:
        raise ValueError(f"need 0 <= hits <= samples (got hits={hits!r}, samples={samples!r})")
    if not 0.0 <= prior <= 1.0:
        raise ValueError(f"prior must be a fraction in [0, 1] (got {prior!r})")
    if not strength > 0.0:
        raise ValueError(f"strength must be positive (got {strength!r})")
    return (hits + strength * prior) / (samples + strength)


def outside_priors(bins: Sequence[CurveBin], strength: float = PRIOR_STRENGTH) -> list[float]:
    """Per bin, the pooled hit rate of every *other* bin shrunk toward 0.5 (see the module doc)."""
    total_hits = sum(b.hits for b in bins)
    total_samples = sum(b.samples for b in bins)
    return [
        posterior_mean(total_hits - b.hits, total_samples - b.samples, NEUTRAL_PRIOR, strength) for b in bins
    ]


def monotone(values: Sequence[float], weights: Sequence[float]) -> np.ndarray:
    """Weighted least-squares non-decreasing fit (pool-adjacent-violators, via scipy)."""
    # Imported here: scipy.optimize costs about 0.5 s of every process's start (web, engine
    # workers, each manage.py command), and only curves of 100 calls or more need it.
    from scipy.optimize import isotonic_regression

    return np.asarray(
        isotonic_regression(np.asarray(values, dtype=float), weights=np.asarray(weights, dtype=float)).x
    )


def calibration_curve(bins: Sequence[CurveBin], strength: float = PRIOR_STRENGTH) -> tuple[list[float], str]:
    """The calibrated hit rate of each bin (in the order given, which must be by confidence)."""
    for b in bins:
        posterior_mean(b.hits, b.samples, NEUTRAL_PRIOR, strength)  # validates each bin
    priors = outside_priors(bins, strength)
    values = [posterior_mean(b.hits, b.samples, p, strength) for b, p in zip(bins, priors, strict=True)]
    filled = sum(1 for b in bins if b.samples > 0)
    if sum(b.samples for b in bins) >= ISOTONIC_MIN_SAMPLES and filled >= 2:
        fitted = monotone(values, [b.samples + strength for b in bins])
        return [float(v) for v in fitted], METHOD_ISOTONIC
    return values, METHOD_POSTERIOR


def _holds(b: CurveBin, confidence: float) -> bool:
    return b.lower <= confidence < b.upper or (b.upper >= 1.0 and b.lower <= confidence)


def curve_at(
    bins: Sequence[CurveBin], confidence: float, strength: float = PRIOR_STRENGTH
) -> CurvePoint | None:
    """The curve at ``confidence``; None when no bin holds a single call.

    A confidence whose bin is absent is placed as an empty bin (prior only) at its position, so
    the isotonic fit keeps it between its neighbours.
    """
    ordered = sorted((b for b in bins if b.samples >= 0), key=lambda b: (b.lower, b.upper))
    total = sum(b.samples for b in ordered)
    if total <= 0:
        return None
    position = next((i for i, b in enumerate(ordered) if _holds(b, confidence)), None)
    if position is None:
        position = sum(1 for b in ordered if b.lower <= confidence)
        ordered.insert(position, CurveBin(confidence, confidence, 0, 0.0))
    values, method = calibration_curve(ordered, strength)
    prior = outside_priors(ordered, strength)[position]
    return CurvePoint(
        value=min(max(values[position], 0.0), 1.0),
        samples=ordered[position].samples,
        prior=prior,
        method=method,
        horizon_samples=total,
    )
