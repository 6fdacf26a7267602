"""Hit rates and calibrated confidence from reliability bins (fractions).

The calibrated confidence is the horizon's calibration curve at the raw confidence
(:mod:`analysis.contract.curve`: a posterior whose prior comes from outside the bin, monotone by
isotonic regression where the sample allows); without evidence the raw confidence stands. The
EV's hit rate (:func:`hit_rate`) keeps the earlier rule: a bin's rate from 30 samples on.
:func:`shrunk_confidence` is the earlier shrinkage toward a base rate that includes the bin
itself; it is kept for callers of ``calibration.stats`` and no longer calibrates a contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.contract import curve
from analysis.contract.inputs import ReliabilityEvidence
from analysis.contract.numeric import clamp, unit_interval
from analysis.contract.vocabulary import normalise_recommendation
from core.numeric import finite_number

#: A reliability bin is trusted from this many samples on.
MIN_BIN_SAMPLES = 30
#: Uncertainty band (percentage points) of a confidence shrunk toward the base rate. The same
#: as the raw fallback's: a bin below 30 samples is never presented as tighter than the
#: earlier system's below-threshold band, and shrinkage moves the value, not the band.
SHRUNK_BAND_PCT = 15.0
#: Uncertainty band (percentage points) of the raw confidence.
RAW_BAND_PCT = 15.0


@dataclass(frozen=True)
class CalibratedConfidence:
    """Calibrated confidence.

    ``value`` a fraction in ``[0, 1]``; ``band_pct`` the uncertainty band in percentage points;
    ``sample_size`` the bin's sample (0 without a bin); ``source`` ``"reliability_bin"`` (a bin
    of at least 30 samples), ``"shrunk"`` (a smaller bin, its value then mostly its prior from
    the other bins; :mod:`analysis.contract.curve`) or ``"raw"`` (no reliability evidence).
    """

    value: float
    band_pct: float
    sample_size: int
    source: str


def fallback_hit_rate(recommendation: str, confidence: float) -> float:
    """Hit rate without a trusted bin (fraction).

    BUY / SELL: ``clamp(0.45 + 0.45·c, 0.35, 0.90)``; HOLD: ``clamp(0.40 + 0.30·c, 0.35, 0.75)``,
    with ``c`` the raw confidence clamped to ``[0, 1]``.
    """
    c = unit_interval(confidence)
    if normalise_recommendation(recommendation) == "HOLD":
        return clamp(0.40 + 0.30 * c, 0.35, 0.75)
    return clamp(0.45 + 0.45 * c, 0.35, 0.90)


def _trusted(evidence: ReliabilityEvidence | None) -> bool:
    return (
        evidence is not None
        and finite_number(evidence.hit_rate) is not None
        and finite_number(evidence.sample_size) is not None
        and evidence.sample_size >= MIN_BIN_SAMPLES
    )


def hit_rate(recommendation: str, confidence: float, evidence: ReliabilityEvidence | None) -> float:
    """Hit rate for one horizon (fraction): the bin's empirical hit rate (clamped to
    ``[0, 1]``) when it has at least 30 samples, otherwise :func:`fallback_hit_rate`.
    """
    if evidence is not None and _trusted(evidence):
        return unit_interval(evidence.hit_rate)
    return fallback_hit_rate(recommendation, confidence)


def _is_count(value: Any) -> bool:
    """True for a whole number (an int, or an integral finite float); bools excluded."""
    number = finite_number(value)
    return number is not None and number.is_integer()


def shrunk_confidence(
    *,
    bin_hit_rate: float | None,
    bin_samples: int,
    base_rate: float,
    min_samples: int = MIN_BIN_SAMPLES,
) -> float:
    """A bin's hit rate shrunk toward the base rate when the bin is small (all fractions).

    With ``n = bin_samples`` and ``m = min_samples``:

    * ``n >= m``: ``bin_hit_rate`` unchanged;
    * ``n < m``: ``w = n / (n + m)`` and ``value = w·bin_hit_rate + (1 − w)·base_rate``
      (``n = 0`` gives ``base_rate``; ``bin_hit_rate`` may then be None).

    Worked example: bin 0.70 over 10 samples, base 0.55, ``m = 30`` → ``w = 10/40 = 0.25`` →
    ``0.25·0.70 + 0.75·0.55 = 0.5875``. The weight rises monotonically with ``n``; the jump at
    ``n = m`` (from ``w = 0.5`` to 1) is where the earlier system's 30-sample rule takes over.

    The single definition of the formula: ``calibration.stats`` re-exports it (``analysis`` is
    the lower layer). Raises ValueError for a negative ``n``, a non-positive ``m``, a
    ``base_rate`` outside ``[0, 1]``, or a missing/out-of-range ``bin_hit_rate`` when ``n > 0``.
    """
    if not _is_count(bin_samples) or bin_samples < 0:
        raise ValueError(f"bin_samples must be a non-negative integer (got {bin_samples!r})")
    if not _is_count(min_samples) or min_samples <= 0:
        raise ValueError(f"min_samples must be a positive integer (got {min_samples!r})")
    base = finite_number(base_rate)
    if base is None or not 0.0 <= base <= 1.0:
        raise ValueError(f"base_rate must be a fraction in [0, 1] (got {base_rate!r})")
    n = int(bin_samples)
    if n == 0:
        return base
    rate = finite_number(bin_hit_rate)
    if rate is None or not 0.0 <= rate <= 1.0:
        raise ValueError(
            f"bin_hit_rate must be a fraction in [0, 1] when bin_samples > 0 (got {bin_hit_rate!r})"
        )
    if n >= min_samples:
        return rate
    weight = n / (n + min_samples)
    return weight * rate + (1.0 - weight) * base


def _posterior_from_evidence(evidence: ReliabilityEvidence) -> float | None:
    """The bin's posterior mean with its prior from the horizon's *other* bins (no curve given).

    Outside the bin: ``hits = base·N − rate·n`` over ``N − n`` calls (none when no base rate is
    given), shrunk toward 0.5 with strength ``K`` (``analysis.contract.curve``); then
    ``(rate·n + K·p)/(n + K)``. None when neither the bin nor the base holds a call.
    """
    rate = finite_number(evidence.hit_rate)
    n = max(0, int(finite_number(evidence.sample_size) or 0)) if rate is not None else 0
    hits = unit_interval(rate) * n
    base = finite_number(evidence.base_rate)
    total = max(0, int(finite_number(evidence.base_sample_size) or 0)) if base is not None else 0
    outside = max(total - n, 0)
    if n == 0 and outside == 0:
        return None
    outside_hits = min(max(unit_interval(base) * total - hits, 0.0), float(outside)) if outside else 0.0
    prior = curve.posterior_mean(outside_hits, outside, curve.NEUTRAL_PRIOR)
    return curve.posterior_mean(hits, n, prior)


def calibrate_confidence(raw: float, bin: ReliabilityEvidence | None) -> CalibratedConfidence:
    """Calibrated confidence from the 7-day evidence matching the raw confidence.

    * With evidence (a curve fitted over the horizon's bins, ``curve_rate``, or else a base
      rate behind the bin): the curve's value (:mod:`analysis.contract.curve`: a beta posterior
      whose prior comes from the other bins, strength 10 calls, made monotone by isotonic
      regression from 100 calls on), or without a curve the bin's posterior alone. Source
      ``"reliability_bin"`` with a band of 5 / 8 / 12 percentage points when the bin holds
      >= 200 / >= 100 / >= 30 calls; below 30, source ``"shrunk"`` and band 15.
    * Otherwise (no evidence at all): the raw confidence (clamped to ``[0, 1]``) with a band of
      15 points, source ``"raw"``; ``sample_size`` still reports the bin's sample (0 without one).

    Never raises: rates are clamped to ``[0, 1]``; a non-finite bin hit rate counts as an empty
    bin, a non-finite base rate as no base rate.
    """
    samples = 0
    if bin is not None and finite_number(bin.sample_size) is not None:
        samples = max(0, int(bin.sample_size))
    value = None
    if bin is not None:
        value = finite_number(bin.curve_rate)
        if value is None:
            value = _posterior_from_evidence(bin)
    if value is None:
        return CalibratedConfidence(unit_interval(raw), RAW_BAND_PCT, samples, "raw")
    if samples >= MIN_BIN_SAMPLES:
        band = 5.0 if samples >= 200 else 8.0 if samples >= 100 else 12.0
        return CalibratedConfidence(unit_interval(value), band, samples, "reliability_bin")
    return CalibratedConfidence(unit_interval(value), SHRUNK_BAND_PCT, samples, "shrunk")
