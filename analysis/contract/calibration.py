"""Hit rates and calibrated confidence from reliability bins (fractions).

A bin of at least ``MIN_BIN_SAMPLES`` evaluated calls is trusted as it is; a smaller one is
shrunk toward the horizon's base rate (:func:`shrunk_confidence`, the single definition of that
formula, re-exported by ``calibration.stats``); without evidence the raw confidence stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.contract.inputs import ReliabilityEvidence
from analysis.contract.numeric import _clamp, _finite, _unit
from analysis.contract.vocabulary import normalise_recommendation

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
    of at least 30 samples), ``"shrunk"`` (a smaller bin shrunk toward the horizon's base rate)
    or ``"raw"`` (no reliability evidence).
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
    c = _unit(confidence)
    if normalise_recommendation(recommendation) == "HOLD":
        return _clamp(0.40 + 0.30 * c, 0.35, 0.75)
    return _clamp(0.45 + 0.45 * c, 0.35, 0.90)


def _trusted(evidence: ReliabilityEvidence | None) -> bool:
    return (
        evidence is not None
        and _finite(evidence.hit_rate) is not None
        and _finite(evidence.sample_size) is not None
        and evidence.sample_size >= MIN_BIN_SAMPLES
    )


def hit_rate(recommendation: str, confidence: float, evidence: ReliabilityEvidence | None) -> float:
    """Hit rate for one horizon (fraction): the bin's empirical hit rate (clamped to
    ``[0, 1]``) when it has at least 30 samples, otherwise :func:`fallback_hit_rate`.
    """
    if evidence is not None and _trusted(evidence):
        return _unit(evidence.hit_rate)
    return fallback_hit_rate(recommendation, confidence)


def _is_count(value: Any) -> bool:
    """True for a whole number (an int, or an integral finite float); bools excluded."""
    number = _finite(value)
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
    base = _finite(base_rate)
    if base is None or not 0.0 <= base <= 1.0:
        raise ValueError(f"base_rate must be a fraction in [0, 1] (got {base_rate!r})")
    n = int(bin_samples)
    if n == 0:
        return base
    rate = _finite(bin_hit_rate)
    if rate is None or not 0.0 <= rate <= 1.0:
        raise ValueError(
            f"bin_hit_rate must be a fraction in [0, 1] when bin_samples > 0 (got {bin_hit_rate!r})"
        )
    if n >= min_samples:
        return rate
    weight = n / (n + min_samples)
    return weight * rate + (1.0 - weight) * base


def calibrate_confidence(raw: float, bin: ReliabilityEvidence | None) -> CalibratedConfidence:
    """Calibrated confidence from the 7-day reliability bin matching the raw confidence.

    * Bin with at least 30 samples: the bin's hit rate (clamped to ``[0, 1]``) with an
      uncertainty band of 5 / 8 / 12 percentage points for samples >= 200 / >= 100 / >= 30,
      source ``"reliability_bin"`` (the earlier system's rule, unchanged).
    * Otherwise, when the horizon's base rate is known (``base_sample_size > 0``): the bin's hit
      rate shrunk toward the base rate by :func:`shrunk_confidence` with ``m = 30``
      (``w = n/(n + 30)``; an empty or missing bin, ``n = 0``, gives the base rate), band
      ``SHRUNK_BAND_PCT`` = 15 points, source ``"shrunk"``, ``sample_size`` the bin's ``n``.
    * Otherwise (no evidence at all): the raw confidence (clamped to ``[0, 1]``) with a band of
      15 points, source ``"raw"``; ``sample_size`` still reports the bin's sample (0 without one).

    Never raises: hit and base rates are clamped to ``[0, 1]``; a non-finite bin hit rate counts
    as an empty bin, a non-finite base rate as no base rate.
    """
    if bin is not None and _trusted(bin):
        samples = int(bin.sample_size)
        band = 5.0 if samples >= 200 else 8.0 if samples >= 100 else 12.0
        return CalibratedConfidence(_unit(bin.hit_rate), band, samples, "reliability_bin")
    samples = 0
    if bin is not None and _finite(bin.sample_size) is not None:
        samples = max(0, int(bin.sample_size))
    base = _finite(bin.base_rate) if bin is not None else None
    base_samples = _finite(bin.base_sample_size) if bin is not None else None
    if bin is not None and base is not None and base_samples is not None and base_samples > 0:
        bin_rate = _finite(bin.hit_rate)
        value = shrunk_confidence(
            bin_hit_rate=None if bin_rate is None else _unit(bin_rate),
            bin_samples=samples if bin_rate is not None else 0,
            base_rate=_unit(base),
            min_samples=MIN_BIN_SAMPLES,
        )
        return CalibratedConfidence(_unit(value), SHRUNK_BAND_PCT, samples, "shrunk")
    return CalibratedConfidence(_unit(raw), RAW_BAND_PCT, samples, "raw")
