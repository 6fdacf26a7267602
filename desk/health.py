"""Calibration health: is the last month's calibration worse than the quarter before it? (pure)

A horizon is flagged when, with at least `MIN_OUTCOMES` evaluated outcomes in each window, the
recent window's expected calibration error (ECE) is at least `ECE_WORSENING` (0.03) above the
prior window's, or its hit rate is at least `HIT_RATE_DROP` (5 percentage points) below it.
Windows: the last `RECENT_DAYS` (30) days, and the `PRIOR_DAYS` (90) days before them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calibration.stats import DEFAULT_N_BINS, expected_calibration_error, reliability_bins

RECENT_DAYS = 30
PRIOR_DAYS = 90
MIN_OUTCOMES = 30
ECE_WORSENING = 0.03
HIT_RATE_DROP = 0.05
# Thresholds are inclusive ("at least"); this absorbs float noise such as 0.58 - 0.53.
_EPSILON = 1e-9


@dataclass(frozen=True)
class WindowStats:
    """One window's evaluated outcomes.

    sample_size: outcomes judged (direction known); hit_rate: share correct, a fraction (None
    when empty); ece: expected calibration error of the outcomes with a confidence, a fraction
    (None when none has one); ece_sample_size: how many had one.
    """

    sample_size: int
    hit_rate: float | None
    ece: float | None
    ece_sample_size: int


@dataclass(frozen=True)
class HorizonHealth:
    horizon_days: int
    recent: WindowStats
    prior: WindowStats
    # Both windows hold at least MIN_OUTCOMES outcomes: only then is a comparison made.
    enough_evidence: bool
    degraded: bool
    reasons: tuple[str, ...]

    @property
    def ece_change(self) -> float | None:
        if self.recent.ece is None or self.prior.ece is None:
            return None
        return self.recent.ece - self.prior.ece

    @property
    def hit_rate_change(self) -> float | None:
        if self.recent.hit_rate is None or self.prior.hit_rate is None:
            return None
        return self.recent.hit_rate - self.prior.hit_rate


def window_stats(
    hits: Sequence[bool], confidences: Sequence[float | None], n_bins: int = DEFAULT_N_BINS
) -> WindowStats:
    """Hit rate over every outcome; ECE over those with a confidence (`calibration.stats`)."""
    if len(hits) != len(confidences):
        raise ValueError(f"hits and confidences differ in length ({len(hits)} vs {len(confidences)})")
    pairs = [(c, h) for c, h in zip(confidences, hits, strict=True) if c is not None]
    bins = reliability_bins([c for c, _ in pairs], [h for _, h in pairs], n_bins=n_bins)
    return WindowStats(
        sample_size=len(hits),
        hit_rate=sum(1 for h in hits if h) / len(hits) if hits else None,
        ece=expected_calibration_error(bins),
        ece_sample_size=len(pairs),
    )


def assess_horizon(horizon_days: int, *, recent: WindowStats, prior: WindowStats) -> HorizonHealth:
    """Compare the recent window with the prior one (see the module doc for the rule)."""
    enough = recent.sample_size >= MIN_OUTCOMES and prior.sample_size >= MIN_OUTCOMES
    reasons: list[str] = []
    if enough:
        if (
            recent.ece is not None
            and prior.ece is not None
            and recent.ece_sample_size >= MIN_OUTCOMES
            and prior.ece_sample_size >= MIN_OUTCOMES
            and recent.ece - prior.ece >= ECE_WORSENING - _EPSILON
        ):
            reasons.append(f"ECE rose from {prior.ece:.3f} to {recent.ece:.3f}")
        if (
            recent.hit_rate is not None
            and prior.hit_rate is not None
            and prior.hit_rate - recent.hit_rate >= HIT_RATE_DROP - _EPSILON
        ):
            reasons.append(f"hit rate fell from {prior.hit_rate:.1%} to {recent.hit_rate:.1%}")
    return HorizonHealth(
        horizon_days=horizon_days,
        recent=recent,
        prior=prior,
        enough_evidence=enough,
        degraded=bool(reasons),
        reasons=tuple(reasons),
    )
