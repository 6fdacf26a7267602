"""Reliability evidence for one confidence from a horizon's stored reliability bins (fractions).

The engine asks :func:`pick_bin` for each horizon's bins at the call's raw confidence, and so
do the backfill and the calibration replays; :mod:`analysis.contract.calibration` then turns the
evidence into a calibrated confidence. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.contract.curve import CurveBin, curve_at
from analysis.contract.inputs import ReliabilityEvidence


@dataclass(frozen=True)
class ReliabilityBinRow:
    """One stored reliability bin of a horizon.

    ``lower`` / ``upper`` the bin's confidence range (fractions; left-closed, the bin reaching
    1.0 also closed on the right); ``sample_size`` evaluated calls in the bin; ``hit_rate`` their
    empirical hit rate (fraction; meaningless when ``sample_size`` is 0).
    """

    lower: float
    upper: float
    sample_size: int
    hit_rate: float


def pick_bin(bins: Sequence[ReliabilityBinRow], confidence: float) -> ReliabilityEvidence | None:
    """Reliability evidence for `confidence` from one horizon's bins.

    The bin whose range holds `confidence` (``lower <= c < upper``; the bin reaching 1.0 also
    holds ``c = 1``) gives ``hit_rate`` and ``sample_size``. The horizon's base rate is
    ``Σ hits / Σ samples`` over all its bins with ``hits = hit_rate·sample_size`` (bins with a
    non-finite hit rate or no samples are left out), over ``base_sample_size = Σ samples``.

    ``curve_rate`` is the horizon's calibration curve at `confidence`
    (:func:`curve_at` over all its bins). An empty or missing bin gives
    ``sample_size = 0`` and ``hit_rate = base_rate``; its curve value is its outside prior, kept
    between its neighbours. None when there is no evidence at all: no bin
    matches and no bin has samples.
    """

    def _count(value: Any) -> int:  # a positive whole sample count; anything else counts as 0
        try:
            number = float(value)
        except (TypeError, ValueError):
            return 0
        return int(number) if np.isfinite(number) and number > 0 else 0

    def _fraction(value: Any) -> float | None:  # a finite hit rate clamped to [0, 1], else None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return min(max(number, 0.0), 1.0) if np.isfinite(number) else None

    samples_total = 0
    hits_total = 0.0
    for row in bins:
        n = _count(row.sample_size)
        rate = _fraction(row.hit_rate)
        if n > 0 and rate is not None:
            samples_total += n
            hits_total += rate * n
    base_rate = hits_total / samples_total if samples_total > 0 else None

    match = None
    c = float(confidence)
    for row in bins:
        if row.lower <= c < row.upper or (row.upper >= 1.0 and c >= row.lower):
            match = row
            break
    n = _count(match.sample_size) if match is not None else 0
    rate = _fraction(match.hit_rate) if match is not None else None
    # The horizon's curve over every bin (prior from outside the bin, isotonic where the sample allows).
    point = curve_at(
        [
            CurveBin(row.lower, row.upper, _count(row.sample_size), round(rate_i * _count(row.sample_size)))
            for row in bins
            if (rate_i := _fraction(row.hit_rate)) is not None
        ],
        c,
    )
    fitted: dict[str, Any] = (
        {"curve_rate": point.value, "curve_method": point.method} if point is not None else {}
    )
    if match is not None and n > 0 and rate is not None:
        return ReliabilityEvidence(
            hit_rate=rate, sample_size=n, base_rate=base_rate, base_sample_size=samples_total, **fitted
        )
    if base_rate is not None:
        return ReliabilityEvidence(
            hit_rate=base_rate, sample_size=0, base_rate=base_rate, base_sample_size=samples_total, **fitted
        )
    if match is not None:
        return ReliabilityEvidence(hit_rate=rate if rate is not None else 0.0, sample_size=0)
    return None
