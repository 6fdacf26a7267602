"""Technical indicators as pure, vectorised numpy functions.

Conventions shared by every function in this module:

* Inputs are 1-D float arrays ordered oldest first (index 0 is the oldest bar). Anything
  array-like is accepted and converted to ``float64``.
* Every output is a ``float64`` array of the **same length as the input**. Positions where the
  indicator is not yet defined (the warm-up) hold ``NaN``; an input shorter than the warm-up
  gives an all-``NaN`` result, and an empty input gives an empty result.
* Inputs are assumed NaN-free, except that *leading* NaNs (for instance the warm-up of another
  indicator) are tolerated: the recursive smoothers (:func:`ema`, :func:`wilder_smooth`) start
  their warm-up at the first non-NaN value, and the window-based functions return NaN for every
  window that contains a NaN. A NaN *after* a recursive smoother has started propagates to every
  later value, as it would in any recursive filter.
* No per-bar Python loops: rolling windows use ``numpy.lib.stride_tricks.sliding_window_view``
  and the exponential recursions are evaluated a block of bars at a time in closed form
  (:func:`first_order_filter`). Not ``scipy.signal.lfilter``: importing ``scipy.signal`` took
  about a second of every process start, worker processes included.
* Degenerate inputs that have a defined answer (zero variance, no losses) produce that answer
  without floating-point warnings; nothing here silences warnings globally.

This module deliberately imports nothing from Django so it can be used (and tested) anywhere.
"""

from __future__ import annotations

import functools
import operator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "atr",
    "bollinger",
    "ema",
    "macd",
    "percentile_rank",
    "realized_volatility",
    "rolling_std",
    "rsi",
    "simple_returns",
    "sma",
    "true_range",
    "wilder_smooth",
]

TRADING_DAYS_PER_YEAR = 252


# --------------------------------------------------------------------------- helpers


def _as_1d(values: np.ndarray, name: str = "values") -> np.ndarray:
    """Return ``values`` as a 1-D ``float64`` array (no copy when it already is one)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}")
    return arr


def _check_period(period: int, name: str = "period") -> int:
    """Validate a window length / smoothing period: an integer >= 1."""
    if isinstance(period, bool):
        raise TypeError(f"{name} must be an integer, not bool")
    try:
        value = operator.index(period)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(period).__name__}") from None
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def _same_length(*arrays: np.ndarray) -> None:
    lengths = {arr.shape[0] for arr in arrays}
    if len(lengths) > 1:
        raise ValueError(f"input arrays must have the same length, got lengths {sorted(lengths)}")


def _first_valid(arr: np.ndarray) -> int:
    """Index of the first non-NaN element, or ``len(arr)`` when there is none."""
    valid = ~np.isnan(arr)
    return int(np.argmax(valid)) if valid.any() else arr.shape[0]


def _seeded_recursion(values: np.ndarray, period: int, alpha: float) -> np.ndarray:
    """Exponential smoothing ``y[t] = alpha * x[t] + (1 - alpha) * y[t-1]`` seeded with an SMA.

    The seed ``y[s + period - 1]`` is the simple mean of ``x[s .. s + period - 1]`` where ``s`` is
    the first non-NaN index; everything before it is NaN. The recursion after the seed is a
    first-order filter started from the seed (:func:`first_order_filter`).
    """
    out = np.full(values.shape[0], np.nan)
    start = _first_valid(values)
    seed_idx = start + period - 1
    if seed_idx >= values.shape[0]:
        return out
    seed = values[start : seed_idx + 1].mean()
    out[seed_idx] = seed
    tail = values[seed_idx + 1 :]
    if tail.size:
        out[seed_idx + 1 :] = first_order_filter(tail, alpha=alpha, start=seed)
    return out


FILTER_BLOCK = 64  # bars per block: a 64 x 64 matrix of powers, never a power above 1


@functools.lru_cache(maxsize=64)
def _decay_powers(decay: float) -> tuple[np.ndarray, np.ndarray]:
    """(W, p): W[j, k] = decay**(j - k) for k <= j, else 0; p[j] = decay**(j + 1)."""
    lags = np.arange(FILTER_BLOCK)[:, None] - np.arange(FILTER_BLOCK)[None, :]
    weights = np.where(lags >= 0, decay ** np.maximum(lags, 0), 0.0)
    powers = decay ** np.arange(1, FILTER_BLOCK + 1)
    weights.flags.writeable = powers.flags.writeable = False
    return weights, powers


def first_order_filter(values: np.ndarray, *, alpha: float, start: float) -> np.ndarray:
    """``y[n] = alpha * x[n] + (1 - alpha) * y[n-1]`` with ``y[-1] = start``.

    Within a block of B bars, ``y[b+j] = decay**(j+1) * y[b-1] + alpha * sum_k decay**(j-k) x[b+k]``:
    one matrix product for every block's own part, then each block's carry-in from the one
    before (a loop over blocks, not bars). A NaN propagates forward only, as in the recursion.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.shape[0]
    if n == 0:
        return np.empty(0)
    decay = 1.0 - alpha
    nan_at = np.flatnonzero(np.isnan(x))
    if nan_at.size:  # everything from the first NaN on is NaN
        head = first_order_filter(x[: nan_at[0]], alpha=alpha, start=start)
        return np.concatenate([head, np.full(n - nan_at[0], np.nan)])
    weights, powers = _decay_powers(decay)
    blocks = -(-n // FILTER_BLOCK)
    padded = np.zeros(blocks * FILTER_BLOCK)
    padded[:n] = x
    own = alpha * (padded.reshape(blocks, FILTER_BLOCK) @ weights.T)
    carry = np.empty(blocks)
    previous = start
    for block in range(blocks):
        carry[block] = previous
        previous = own[block, -1] + powers[-1] * previous
    out: np.ndarray = (own + carry[:, None] * powers[None, :]).ravel()[:n]
    return out


def _windows(values: np.ndarray, window: int) -> np.ndarray:
    """Read-only (n - window + 1, window) view; row ``j`` holds ``values[j : j + window]``."""
    return sliding_window_view(values, window)


# --------------------------------------------------------------------------- moving averages


def sma(values: np.ndarray, period: int) -> np.ndarray:
    """Simple moving average.

    ``sma[i] = mean(values[i - period + 1 .. i])`` for ``i >= period - 1``; NaN before that.
    Each window's mean is computed directly (no running cumulative sum), so there is no drift
    on long series.
    """
    arr = _as_1d(values)
    period = _check_period(period)
    out = np.full(arr.shape[0], np.nan)
    if arr.shape[0] >= period:
        out[period - 1 :] = _windows(arr, period).mean(axis=1)
    return out


def ema(values: np.ndarray, period: int) -> np.ndarray:
    """Exponential moving average, SMA-seeded (the StockCharts / TA-Lib convention).

    ``alpha = 2 / (period + 1)``;
    ``ema[period - 1] = mean(values[0 .. period - 1])`` (the seed, first defined value);
    ``ema[t] = alpha * values[t] + (1 - alpha) * ema[t - 1]`` for ``t >= period``.

    Leading NaNs are skipped: with the first non-NaN value at ``s`` the seed sits at
    ``s + period - 1`` (this is how :func:`macd` builds its signal line).
    """
    arr = _as_1d(values)
    period = _check_period(period)
    return _seeded_recursion(arr, period, 2.0 / (period + 1.0))


def wilder_smooth(values: np.ndarray, period: int) -> np.ndarray:
    """Wilder's smoothing (a.k.a. RMA / SMMA), seeded with a simple average.

    ``alpha = 1 / period``;
    ``w[period - 1] = mean(values[0 .. period - 1])`` (first defined value);
    ``w[t] = (w[t - 1] * (period - 1) + values[t]) / period`` for ``t >= period``.

    Leading NaNs are skipped exactly as in :func:`ema`.
    """
    arr = _as_1d(values)
    period = _check_period(period)
    return _seeded_recursion(arr, period, 1.0 / period)


# --------------------------------------------------------------------------- oscillators


def rsi(close: np.ndarray, period: int = 14) -> np.ndarray:
    """Wilder's Relative Strength Index, in 0..100.

    With ``d[t] = close[t] - close[t - 1]``, ``gain = max(d, 0)`` and ``loss = max(-d, 0)``:

    * the first average gain/loss is the simple mean of the first ``period`` changes
      (``d[1] .. d[period]``), so the first RSI value is at index ``period``;
    * afterwards ``avg = (avg_prev * (period - 1) + current) / period`` (:func:`wilder_smooth`);
    * ``RSI = 100 - 100 / (1 + avg_gain / avg_loss)``, evaluated as the algebraically identical
      ``100 * avg_gain / (avg_gain + avg_loss)`` so that no division by zero occurs.

    Degenerate cases (a documented choice): average loss 0 with average gain > 0 gives **100**;
    average gain 0 with average loss > 0 gives **0**; both 0 (a perfectly flat window) gives
    **50**, the neutral reading. (TA-Lib returns 0 in the flat case.)
    """
    arr = _as_1d(close, "close")
    period = _check_period(period)
    out = np.full(arr.shape[0], np.nan)
    if arr.shape[0] <= period:
        return out
    change = np.diff(arr)
    avg_gain = wilder_smooth(np.maximum(change, 0.0), period)
    avg_loss = wilder_smooth(np.maximum(-change, 0.0), period)
    total = avg_gain + avg_loss
    defined = ~np.isnan(total)
    moving = defined & (total > 0.0)
    values = np.full(change.shape[0], np.nan)
    values[defined] = 50.0
    values[moving] = 100.0 * avg_gain[moving] / total[moving]
    out[1:] = values
    return out


def true_range(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Wilder's True Range.

    ``TR[0] = high[0] - low[0]`` (there is no previous close);
    ``TR[t] = max(high[t] - low[t], |high[t] - close[t-1]|, |low[t] - close[t-1]|)`` for ``t >= 1``.
    """
    h = _as_1d(high, "high")
    lo = _as_1d(low, "low")
    c = _as_1d(close, "close")
    _same_length(h, lo, c)
    out: np.ndarray = h - lo
    if out.shape[0] > 1:
        prev_close = c[:-1]
        out[1:] = np.maximum(out[1:], np.maximum(np.abs(h[1:] - prev_close), np.abs(lo[1:] - prev_close)))
    return out


def atr(high: np.ndarray, low: np.ndarray, close: np.ndarray, period: int = 14) -> np.ndarray:
    """Average True Range, Wilder smoothing, TA-Lib convention.

    The seed is the simple mean of ``TR[1] .. TR[period]`` — the first ``period`` true ranges
    that have a previous close — so ``TR[0] = high[0] - low[0]`` is **not** used, and the first
    ATR value is at index ``period``. Afterwards
    ``ATR[t] = (ATR[t - 1] * (period - 1) + TR[t]) / period``.

    (StockCharts' ChartSchool instead seeds with ``TR[0] .. TR[period - 1]`` and starts at index
    ``period - 1``; that variant is ``wilder_smooth(true_range(high, low, close), period)``.)
    """
    period = _check_period(period)
    tr = true_range(high, low, close)
    out = np.full(tr.shape[0], np.nan)
    if tr.shape[0] > period:
        out[1:] = wilder_smooth(tr[1:], period)
    return out


def macd(
    close: np.ndarray, fast: int = 12, slow: int = 26, signal: int = 9
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Moving Average Convergence/Divergence.

    * ``macd_line = ema(close, fast) - ema(close, slow)``; both EMAs are SMA-seeded over the
      start of the series, so the line is defined from index ``slow - 1``.
    * ``signal_line = ema(macd_line, signal)``: an SMA-seeded EMA that starts where the MACD
      line starts, so its first value (the mean of the first ``signal`` MACD values) is at index
      ``slow + signal - 2`` (33 for 12/26/9).
    * ``histogram = macd_line - signal_line``.

    Returns ``(macd_line, signal_line, histogram)``. TA-Lib's ``MACD`` seeds the fast EMA later
    (so that it starts together with the slow one), which makes its early values differ from
    these; ``MACDEXT`` with EMA moving averages follows the convention used here.
    """
    arr = _as_1d(close, "close")
    fast = _check_period(fast, "fast")
    slow = _check_period(slow, "slow")
    signal = _check_period(signal, "signal")
    if fast >= slow:
        raise ValueError(f"fast ({fast}) must be shorter than slow ({slow})")
    macd_line = ema(arr, fast) - ema(arr, slow)
    signal_line = ema(macd_line, signal)
    return macd_line, signal_line, macd_line - signal_line


# --------------------------------------------------------------------------- volatility


def rolling_std(values: np.ndarray, window: int, ddof: int = 1) -> np.ndarray:
    """Rolling standard deviation over the trailing ``window`` values.

    ``std[i] = sqrt(sum((x - mean)**2) / (window - ddof))`` over ``values[i - window + 1 .. i]``,
    for ``i >= window - 1``; NaN before that. ``ddof=1`` is the sample, ``ddof=0`` the population
    standard deviation; ``0 <= ddof < window`` is required.

    Each window is evaluated with numpy's two-pass ``std`` on a ``sliding_window_view`` (no
    running sums, so no drift or catastrophic cancellation on long series). A window whose values
    are all identical gives exactly ``0.0``.
    """
    arr = _as_1d(values)
    window = _check_period(window, "window")
    ddof = operator.index(ddof)
    if not 0 <= ddof < window:
        raise ValueError(f"ddof must satisfy 0 <= ddof < window, got ddof={ddof}, window={window}")
    out = np.full(arr.shape[0], np.nan)
    if arr.shape[0] < window:
        return out
    wins = _windows(arr, window)
    std = wins.std(axis=1, ddof=ddof)
    # The two-pass formula can leave ~1e-17 of rounding noise on a constant window.
    flat = wins.max(axis=1) == wins.min(axis=1)
    std[flat] = 0.0
    out[window - 1 :] = std
    return out


def bollinger(
    close: np.ndarray, period: int = 20, num_std: float = 2.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bollinger Bands: ``(upper, middle, lower)``.

    ``middle = sma(close, period)``; ``sigma`` = the **population** standard deviation
    (``ddof=0``) of the same window, as StockCharts and TA-Lib compute it;
    ``upper = middle + num_std * sigma`` and ``lower = middle - num_std * sigma``.
    First defined value at index ``period - 1``. On a constant window the three bands coincide.
    """
    arr = _as_1d(close, "close")
    period = _check_period(period)
    middle = sma(arr, period)
    width = float(num_std) * rolling_std(arr, period, ddof=0)
    return middle + width, middle, middle - width


def simple_returns(close: np.ndarray) -> np.ndarray:
    """Simple (arithmetic) returns: ``r[i] = close[i] / close[i - 1] - 1``; ``r[0] = NaN``.

    Prices are assumed positive. A zero previous close yields ``inf`` (or NaN for 0/0) without
    emitting a floating-point warning.
    """
    arr = _as_1d(close, "close")
    out = np.full(arr.shape[0], np.nan)
    if arr.shape[0] > 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            out[1:] = arr[1:] / arr[:-1] - 1.0
    return out


def realized_volatility(close: np.ndarray, window: int = 20, annualize: bool = True) -> np.ndarray:
    """Close-to-close realised volatility, as a fraction (0.25 means 25 %).

    ``vol[i] = std(r[i - window + 1 .. i], ddof=1)`` of the daily simple returns
    ``r = simple_returns(close)``, multiplied by ``sqrt(252)`` when ``annualize`` is true.
    A window of ``window`` returns needs ``window + 1`` closes, so the first value is at index
    ``window``; ``window >= 2`` is required (the sample std of one return is undefined).
    """
    window = _check_period(window, "window")
    if window < 2:
        raise ValueError(f"window must be >= 2 for a sample standard deviation, got {window}")
    vol = rolling_std(simple_returns(close), window, ddof=1)
    if annualize:
        vol *= np.sqrt(TRADING_DAYS_PER_YEAR)
    return vol


# --------------------------------------------------------------------------- ranking


def percentile_rank(values: np.ndarray, lookback: int) -> np.ndarray:
    """Point-in-time percentile rank of each value against the ``lookback`` values before it.

    ``rank[i] = count(values[j] <= values[i] for j in i - lookback .. i - 1) / lookback``, a share
    in 0..1. The window holds only *earlier* values — neither ``values[i]`` itself nor anything
    after ``i`` — so the result never looks ahead. Ties count as "<=" (a value equal to the whole
    window ranks 1.0).

    The result is NaN until ``lookback`` prior non-NaN values exist (first value at index
    ``lookback`` for NaN-free input), wherever the window contains a NaN, and wherever
    ``values[i]`` itself is NaN. Memory use is O(len(values) * lookback) booleans.
    """
    arr = _as_1d(values)
    lookback = _check_period(lookback, "lookback")
    out = np.full(arr.shape[0], np.nan)
    if arr.shape[0] <= lookback:
        return out
    history = _windows(arr[:-1], lookback)  # row j holds values[j .. j + lookback - 1]
    current = arr[lookback:]  # the value each row is ranked against: i = j + lookback
    share = (history <= current[:, None]).mean(axis=1)
    undefined = np.isnan(current) | np.isnan(history).any(axis=1)
    share[undefined] = np.nan
    out[lookback:] = share
    return out
