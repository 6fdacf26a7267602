"""Calibration statistics: outcome economics, Wilson intervals, reliability bins, Brier, ECE.

Pure maths on plain data: no Django import, no database. The scheduled jobs read rows, call
these functions and persist what they return (``calibration.models``).

Units, used everywhere below:

* returns, drawdowns and utilities are in **percent** (``2.85`` means 2.85 %);
* costs and slippage are in **basis points** (``10`` bps = 0.10 percentage points);
* probabilities, confidences, hit rates, accuracies, Brier scores, ECE and interval bounds are
  **fractions** in ``[0, 1]``.

The earlier system's rules (``spec/earlier-system.md``, "Calibration") with this project's
changes (``DESIGN.md`` §10): drawdown over the holding period, Wilson intervals and mean
confidence per bin, expected calibration error, and shrinkage toward the base rate when a bin
is small. The calibration curve that turns these bins into a calibrated confidence (a beta
posterior whose prior comes from outside the bin, made monotone by isotonic regression where the
sample allows; its walk-forward procedure and figures in its docstring) lives in
:mod:`analysis.contract.curve` (the lower layer, which must not import other apps) and is
re-exported here, as is the earlier shrinkage :func:`shrunk_confidence`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis.contract import MIN_BIN_SAMPLES, shrunk_confidence
from analysis.contract.curve import CurveBin, calibration_curve, curve_at, posterior_mean

__all__ = [
    "DEFAULT_N_BINS",
    "HOLD_BAND_PCT",
    "MIN_BIN_SAMPLES",
    "RECOMMENDATIONS",
    "WILSON_Z_95",
    "BinStat",
    "CurveBin",
    "OutcomeInputs",
    "OutcomeResult",
    "SnapshotStats",
    "calibration_curve",
    "curve_at",
    "evaluate_outcome",
    "expected_calibration_error",
    "posterior_mean",
    "reliability_bins",
    "shrunk_confidence",
    "snapshot_stats",
    "wilson_interval",
]

RECOMMENDATIONS: tuple[str, ...] = ("BUY", "HOLD", "SELL")
#: A HOLD is correct when the return stays within ±2 percent (inclusive).
HOLD_BAND_PCT = 2.0
#: Weight of the drawdown in the utility: ``utility = net − 0.5·drawdown`` (percent).
DRAWDOWN_PENALTY = 0.5
#: Two-sided 95 % normal quantile.
WILSON_Z_95 = 1.959964
#: The earlier system's five equal-width confidence bins.
DEFAULT_N_BINS = 5
#: Tolerance, in percentage points, for floating-point noise in the direction rules
#: (e.g. ``(1.02 − 1)·100 = 2.0000000000000018``).
_EPS_PCT = 1e-9


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _real(value: Any, name: str) -> float:
    """``float(value)`` for a finite real number (bools excluded); ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} must be a finite number (got {value!r})")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a finite number (got {value!r})") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number (got {value!r})")
    return number


def _positive(value: Any, name: str) -> float:
    number = _real(value, name)
    if number <= 0.0:
        raise ValueError(f"{name} must be a positive price (got {value!r})")
    return number


def _fraction(value: Any, name: str) -> float:
    number = _real(value, name)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"{name} must be a fraction in [0, 1] (got {value!r})")
    return number


def _whole(value: Any, name: str) -> int:
    number = _real(value, name)
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number (got {value!r})")
    return int(number)


# --------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeInputs:
    """One due outcome to evaluate.

    Fields (units):
        recommendation: ``BUY`` / ``HOLD`` / ``SELL`` (case-insensitive).
        baseline_price: price at the analysis, US dollars (> 0).
        realized_price: close of the realised session (the first session on or after the
            target date), US dollars (> 0).
        lows: the daily lows, US dollars, of every session strictly after the analysis up to
            and including the realised session (the holding period); may be empty.
        predicted_up_probability: probability of an up move, fraction in ``[0, 1]``.
        transaction_cost_bps: transaction cost, basis points (>= 0; the profile default is 10).
        slippage_bps: slippage, basis points (>= 0; default 5).
        economics: whether the outcome-economics fields (net return, drawdown, utility) are
            computed; costs are only validated when it is on.
    """

    recommendation: str
    baseline_price: float
    realized_price: float
    lows: Sequence[float]
    predicted_up_probability: float
    transaction_cost_bps: float = 10.0
    slippage_bps: float = 5.0
    economics: bool = True


@dataclass(frozen=True)
class OutcomeResult:
    """An evaluated outcome.

    Fields (units):
        realized_return_pct: gross return, percent.
        realized_return_net_pct: net of costs and slippage, percent; None without economics.
        max_drawdown_pct: fall from the baseline to the lowest price of the holding period,
            percent, >= 0; None without economics.
        utility_score: ``net − 0.5·drawdown``, percent; None without economics.
        direction_correct: whether the call was right (see :func:`evaluate_outcome`).
        outcome_up: whether the gross return is positive.
        brier_component: ``(p_up − up)²``, a fraction in ``[0, 1]``.
    """

    realized_return_pct: float
    realized_return_net_pct: float | None
    max_drawdown_pct: float | None
    utility_score: float | None
    direction_correct: bool
    outcome_up: bool
    brier_component: float


def _direction_correct(recommendation: str, return_pct: float) -> bool:
    if recommendation == "BUY":
        return return_pct > _EPS_PCT
    if recommendation == "SELL":
        return return_pct < -_EPS_PCT
    return abs(return_pct) <= HOLD_BAND_PCT + _EPS_PCT


def evaluate_outcome(inputs: OutcomeInputs) -> OutcomeResult:
    """Evaluate one outcome (returns, drawdown and utility in percent; Brier a fraction).

    With ``B`` the baseline price, ``P`` the realised price and ``L`` the lows:

    * gross ``g = (P − B)/B·100`` (percent; the same as ``(P/B − 1)·100``);
    * with economics:

      - net ``= g − (cost_bps + slippage_bps)/100`` (basis points → percentage points:
        10 + 5 bps = 0.15 points);
      - drawdown ``= max(0, (B − min(L ∪ {P}))/B·100)`` over the holding period: a dip below
        the baseline that recovered by the target date still counts. The realised close is
        included in the minimum (it is at or above that session's low, so it only matters
        when ``L`` is empty: then the drawdown is ``max(0, −g)``);
      - utility ``= net − 0.5·drawdown``;

      without economics these three are None;
    * direction correct, with ``r`` the net return when economics is on, else the gross:
      BUY and ``r > 0``; SELL and ``g + costs < 0`` (costs count against the short side, so a
      flat move is never a correct SELL); HOLD and ``|r| <= 2`` (comparisons tolerate 1e-9
      percentage points of floating-point noise);
    * ``outcome_up = g > 0``; Brier component ``= (p_up − up)²`` with ``up`` 1 or 0.

    Raises ValueError for an unknown recommendation, a non-positive or non-finite price or low,
    ``p_up`` outside ``[0, 1]``, or (with economics) a negative or non-finite cost.
    """
    recommendation = str(inputs.recommendation or "").strip().upper()
    if recommendation not in RECOMMENDATIONS:
        raise ValueError(
            f"recommendation must be one of {', '.join(RECOMMENDATIONS)} (got {inputs.recommendation!r})"
        )
    baseline = _positive(inputs.baseline_price, "baseline_price")
    realized = _positive(inputs.realized_price, "realized_price")
    lows = [_positive(low, f"lows[{index}]") for index, low in enumerate(inputs.lows)]
    p_up = _fraction(inputs.predicted_up_probability, "predicted_up_probability")

    gross = (realized - baseline) / baseline * 100.0
    up = gross > 0.0
    brier = (p_up - (1.0 if up else 0.0)) ** 2

    net: float | None = None
    drawdown: float | None = None
    utility: float | None = None
    if inputs.economics:
        cost = _real(inputs.transaction_cost_bps, "transaction_cost_bps")
        slippage = _real(inputs.slippage_bps, "slippage_bps")
        if cost < 0.0 or slippage < 0.0:
            raise ValueError(
                f"transaction_cost_bps and slippage_bps must be >= 0 (got {cost!r} and {slippage!r})"
            )
        net = gross - (cost + slippage) / 100.0
        lowest = min([*lows, realized])
        drawdown = max(0.0, (baseline - lowest) / baseline * 100.0)
        utility = net - DRAWDOWN_PENALTY * drawdown

    judged = net if net is not None else gross
    if recommendation == "SELL" and net is not None:
        # Costs work against the short side too: a SELL is right only when the fall
        # beats them (gross + costs < 0), not when costs merely push a flat move below zero.
        judged = gross + (gross - net)
    return OutcomeResult(
        realized_return_pct=gross,
        realized_return_net_pct=net,
        max_drawdown_pct=drawdown,
        utility_score=utility,
        direction_correct=_direction_correct(recommendation, judged),
        outcome_up=up,
        brier_component=brier,
    )


# --------------------------------------------------------------------------------------------
# Wilson interval
# --------------------------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = WILSON_Z_95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion, as fractions ``(lower, upper)``.

    With ``p̂ = successes/n``::

        centre     = (p̂ + z²/(2n)) / (1 + z²/n)
        half-width = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/(4n²))

    ``z = 1.959964`` gives the 95 % interval. ``n = 0`` gives ``(0.0, 1.0)`` (nothing known);
    ``successes = 0`` has lower bound exactly 0 and ``successes = n`` upper bound exactly 1;
    bounds are clipped to ``[0, 1]``. Raises ValueError unless ``0 <= successes <= n`` are
    whole numbers and ``z > 0``.
    """
    k = _whole(successes, "successes")
    total = _whole(n, "n")
    z_value = _real(z, "z")
    if z_value <= 0.0:
        raise ValueError(f"z must be positive (got {z!r})")
    if total < 0 or not 0 <= k <= total:
        raise ValueError(f"need 0 <= successes <= n (got successes={successes!r}, n={n!r})")
    if total == 0:
        return (0.0, 1.0)
    p_hat = k / total
    z2 = z_value * z_value
    denominator = 1.0 + z2 / total
    centre = (p_hat + z2 / (2.0 * total)) / denominator
    half = z_value / denominator * math.sqrt(p_hat * (1.0 - p_hat) / total + z2 / (4.0 * total * total))
    lower = 0.0 if k == 0 else max(0.0, centre - half)
    upper = 1.0 if k == total else min(1.0, centre + half)
    return (lower, upper)


# --------------------------------------------------------------------------------------------
# Reliability bins and ECE
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BinStat:
    """One confidence bin.

    Fields (units):
        index: 0-based bin number.
        lower / upper: the bin's confidence range, fractions; ``lower <= c < upper``, the last
            bin also holding ``c = 1``.
        sample_size: number of evaluated calls in the bin.
        hit_rate: share of them that were correct, fraction; None when the bin is empty.
        ci_lower / ci_upper: Wilson 95 % interval of the hit rate, fractions; ``(0, 1)`` when
            empty.
        mean_confidence: mean confidence of the calls in the bin, fraction; None when empty.
    """

    index: int
    lower: float
    upper: float
    sample_size: int
    hit_rate: float | None
    ci_lower: float
    ci_upper: float
    mean_confidence: float | None


def _bin_edges(n_bins: int) -> np.ndarray:
    """``[0, 1/n, 2/n, …, 1]``, each edge the correctly rounded ``i/n`` (so 3/5 is 0.6 exactly)."""
    return np.arange(n_bins + 1, dtype=float) / n_bins


def reliability_bins(
    confidences: Sequence[float] | np.ndarray,
    hits: Sequence[bool | int] | np.ndarray,
    n_bins: int = DEFAULT_N_BINS,
) -> list[BinStat]:
    """Equal-width reliability bins over ``[0, 1]`` (confidences fractions; hits 0/1 or bools).

    Bin ``i`` holds the confidences ``c`` with ``i/n <= c < (i + 1)/n``; the last bin is closed
    at 1.0, so ``c = 1`` lands there and ``c = 0.2`` (with 5 bins) lands in bin 1. For each bin:
    ``sample_size = N_b``, ``hit_rate = Σ hits / N_b``, the Wilson 95 % interval of that rate
    and ``mean_confidence = Σ c / N_b``. Every bin is returned, in order; an empty one has
    ``sample_size = 0``, ``hit_rate = None``, interval ``(0, 1)`` and ``mean_confidence = None``.

    Raises ValueError when the sequences differ in length, a confidence is outside ``[0, 1]``
    or not finite, a hit is not 0/1, or ``n_bins < 1``.
    """
    bins_count = _whole(n_bins, "n_bins")
    if bins_count < 1:
        raise ValueError(f"n_bins must be at least 1 (got {n_bins!r})")
    try:
        conf = np.asarray(confidences, dtype=float).reshape(-1)
        hit = np.asarray(hits, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError("confidences and hits must be sequences of numbers") from None
    if conf.shape != hit.shape:
        raise ValueError(f"confidences and hits differ in length ({conf.size} vs {hit.size})")
    if not np.all(np.isfinite(conf)) or np.any((conf < 0.0) | (conf > 1.0)):
        raise ValueError("every confidence must be a finite fraction in [0, 1]")
    if np.any((hit != 0.0) & (hit != 1.0)):
        raise ValueError("every hit must be 0/1 or a bool")

    edges = _bin_edges(bins_count)
    index = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, bins_count - 1)
    counts = np.bincount(index, minlength=bins_count)
    hit_sums = np.bincount(index, weights=hit, minlength=bins_count)
    conf_sums = np.bincount(index, weights=conf, minlength=bins_count)

    result: list[BinStat] = []
    for i in range(bins_count):
        n = int(counts[i])
        k = round(float(hit_sums[i]))
        ci_lower, ci_upper = wilson_interval(k, n)
        result.append(
            BinStat(
                index=i,
                lower=float(edges[i]),
                upper=float(edges[i + 1]),
                sample_size=n,
                hit_rate=k / n if n else None,
                ci_lower=ci_lower,
                ci_upper=ci_upper,
                mean_confidence=float(conf_sums[i]) / n if n else None,
            )
        )
    return result


def expected_calibration_error(bins: Sequence[BinStat]) -> float | None:
    """Expected calibration error, a fraction: ``Σ_b (N_b/N)·|hit_rate_b − mean_conf_b|``.

    Over the non-empty bins, ``N = Σ N_b``. None when ``N = 0``.
    """
    filled = [b for b in bins if b.sample_size > 0]
    total = sum(b.sample_size for b in filled)
    if total == 0:
        return None
    error = 0.0
    for b in filled:
        if b.hit_rate is None or b.mean_confidence is None:
            raise ValueError(f"bin {b.index} has samples but no hit rate or mean confidence")
        error += b.sample_size / total * abs(b.hit_rate - b.mean_confidence)
    return error


# --------------------------------------------------------------------------------------------
# Snapshots
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotStats:
    """One horizon's calibration snapshot over a window of evaluated outcomes.

    Fields (units):
        sample_size: number of evaluated outcomes.
        directional_accuracy: share with ``direction_correct``, fraction.
        avg_realized_return_pct: mean gross return, percent.
        mean_confidence: mean confidence, fraction.
        brier_score: mean Brier component, fraction.
        mean_net_return_pct: mean net return, percent.
        mean_drawdown_pct: mean holding-period drawdown, percent (>= 0).
        utility_mean: mean utility, percent.
        expected_calibration_error: ECE of the confidence bins, fraction.

    Every mean but the accuracy is over the rows that have the field, None when no row has it.
    """

    sample_size: int
    directional_accuracy: float
    avg_realized_return_pct: float | None
    mean_confidence: float | None
    brier_score: float | None
    mean_net_return_pct: float | None
    mean_drawdown_pct: float | None
    utility_mean: float | None
    expected_calibration_error: float | None


def _mean_of(rows: Sequence[Mapping[str, Any]], key: str) -> float | None:
    values = [_real(row[key], key) for row in rows if row.get(key) is not None]
    return float(np.mean(values)) if values else None


def snapshot_stats(rows: Sequence[Mapping[str, Any]], n_bins: int = DEFAULT_N_BINS) -> SnapshotStats | None:
    """Aggregate evaluated outcomes into a snapshot; None when there are no rows.

    Each row is a mapping with ``direction_correct`` (bool, required) and ``realized_return_pct``,
    ``realized_return_net_pct``, ``max_drawdown_pct``, ``utility_score`` (percent),
    ``confidence`` and ``brier_component`` (fractions), any of which may be None or absent.

    * ``directional_accuracy = Σ correct / N`` over all ``N`` rows;
    * each other field's mean is over the rows that have it (so the economics means are None
      unless some row has economics);
    * ``expected_calibration_error`` from :func:`reliability_bins` (``n_bins`` bins) over the
      rows with a confidence, hits being ``direction_correct``.

    Raises ValueError when a row lacks ``direction_correct`` or holds a non-finite number or a
    confidence outside ``[0, 1]``.
    """
    if not rows:
        return None
    correct: list[bool] = []
    for index, row in enumerate(rows):
        value = row.get("direction_correct")
        if value is None:
            raise ValueError(f"rows[{index}] has no direction_correct")
        correct.append(bool(value))
    with_confidence = [
        (_real(row["confidence"], "confidence"), flag)
        for row, flag in zip(rows, correct, strict=True)
        if row.get("confidence") is not None
    ]
    bins = reliability_bins(
        [c for c, _ in with_confidence], [flag for _, flag in with_confidence], n_bins=n_bins
    )
    return SnapshotStats(
        sample_size=len(rows),
        directional_accuracy=sum(correct) / len(rows),
        avg_realized_return_pct=_mean_of(rows, "realized_return_pct"),
        mean_confidence=_mean_of(rows, "confidence"),
        brier_score=_mean_of(rows, "brier_component"),
        mean_net_return_pct=_mean_of(rows, "realized_return_net_pct"),
        mean_drawdown_pct=_mean_of(rows, "max_drawdown_pct"),
        utility_mean=_mean_of(rows, "utility_score"),
        expected_calibration_error=expected_calibration_error(bins),
    )
