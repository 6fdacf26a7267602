"""Confidence intervals and t-statistics (pure maths; numpy and scipy only).

Which interval goes with which figure (all two-sided 95 %):

* a mean (a quintile's net return, a month's IC): Student t on the sample standard deviation,
  ``mean ± t(0.975, n−1)·s/√n``;
* a group's mean net return (by call, regime, data quality): Student t with a standard error
  clustered by market date (:func:`clustered_mean_interval`), because the outcomes of one date
  share the market's move and are not independent draws;
* the mean of a per-date IC series: the same with the Newey–West standard error
  (:func:`newey_west_se`), because 7- and 30-day outcomes sampled more often than their horizon
  overlap and their ICs are autocorrelated;
* a correlation pooled over all outcomes: Fisher z, ``tanh(atanh r ± 1.96/√(n_eff − 3))``;
* a hit rate: Wilson (:func:`calibration.stats.wilson_interval`);
* the difference of two means (the top-minus-bottom spread): Welch.
"""

from __future__ import annotations

import math

import numpy as np

# scipy.special's Student t quantile, the function scipy.stats.t.ppf calls: importing scipy.stats
# took about a second of every evaluate_signals run (and of each web process's start).
from scipy.special import stdtrit

Z_95 = 1.959963984540054


def t_quantile_975(dof: float) -> float:
    """The 97.5th percentile of Student's t with ``dof`` degrees of freedom (two-sided 95 %)."""
    return float(stdtrit(dof, 0.975))


def mean_interval(values: np.ndarray) -> tuple[float | None, float | None, float | None]:
    """``(mean, lower, upper)`` with a Student t 95 % interval; bounds None below two values."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (None, None, None)
    mean = float(x.mean())
    if x.size < 2:
        return (mean, None, None)
    half = t_quantile_975(x.size - 1) * float(x.std(ddof=1)) / math.sqrt(x.size)
    return (mean, mean - half, mean + half)


def welch_difference_interval(
    a: np.ndarray, b: np.ndarray
) -> tuple[float | None, float | None, float | None]:
    """``mean(a) − mean(b)`` with a Welch 95 % interval (Welch–Satterthwaite degrees of freedom)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.size == 0 or y.size == 0:
        return (None, None, None)
    diff = float(x.mean() - y.mean())
    if x.size < 2 or y.size < 2:
        return (diff, None, None)
    vx, vy = x.var(ddof=1) / x.size, y.var(ddof=1) / y.size
    se = math.sqrt(vx + vy)
    if se == 0.0:
        return (diff, diff, diff)
    dof = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1))
    half = t_quantile_975(dof) * se
    return (diff, diff - half, diff + half)


def fisher_z_interval(r: float, n_effective: float) -> tuple[float | None, float | None]:
    """95 % interval of a correlation by Fisher's z; None when ``n_effective <= 3``."""
    if not math.isfinite(r) or n_effective <= 3:
        return (None, None)
    z = math.atanh(min(max(r, -0.999999999), 0.999999999))
    half = Z_95 / math.sqrt(n_effective - 3.0)
    return (math.tanh(z - half), math.tanh(z + half))


def overlap_lag(horizon_days: int, step_days: float) -> int:
    """Newey–West lag for returns over ``horizon_days`` sampled every ``step_days`` calendar days.

    Consecutive samples overlap when the step is shorter than the horizon; a sample shares
    returns with the next ``ceil(h/step) − 1`` ones, so that is the lag (0 for weekly samples of
    a 7-day return, 4 for weekly samples of a 30-day return, 6 for daily samples of a 7-day one).
    """
    if step_days <= 0:
        return 0
    return max(0, math.ceil(horizon_days / step_days - 1e-9) - 1)


def newey_west_se(values: np.ndarray, lag: int) -> float | None:
    """Newey–West (Bartlett kernel) standard error of the mean of a series.

    With ``T`` values, deviations ``e_t = x_t − x̄`` and autocovariances
    ``γ_l = (1/T)·Σ_{t>l} e_t·e_{t−l}``, the long-run variance is
    ``γ_0 + 2·Σ_{l=1..L} (1 − l/(L+1))·γ_l`` and the standard error ``√(LRV/T)``. The lag is
    capped at ``T − 1``; ``L = 0`` is the ordinary (population-variance) standard error.
    None below two values or for a non-positive long-run variance.
    """
    x = np.asarray(values, dtype=float)
    t_count = x.size
    if t_count < 2:
        return None
    e = x - x.mean()
    lags = min(max(int(lag), 0), t_count - 1)
    lrv = float(e @ e) / t_count
    for lag_l in range(1, lags + 1):
        gamma = float(e[lag_l:] @ e[:-lag_l]) / t_count
        lrv += 2.0 * (1.0 - lag_l / (lags + 1.0)) * gamma
    if lrv <= 0.0:
        return None
    return math.sqrt(lrv / t_count)


def newey_west_t(values: np.ndarray, lag: int) -> float | None:
    """``x̄ / newey_west_se(x, lag)``: the t-statistic of a mean under overlap; None when undefined."""
    se = newey_west_se(values, lag)
    if se is None or se == 0.0:
        return None
    return float(np.mean(values)) / se


def clustered_mean_interval(
    values: np.ndarray, clusters: np.ndarray, lag: int = 0
) -> tuple[float | None, float | None, float | None]:
    """``(mean, lower, upper)``: a 95 % t interval whose standard error is clustered by ``clusters``.

    Outcomes of the same market date share the market's move, so counting them as independent
    understates the uncertainty of a mean. With ``n`` values in ``G`` clusters (ordered by their
    label, the dates), ``u_g = Σ_{i∈g} (x_i − x̄)`` and ``Γ_l = Σ_g u_g·u_{g−l}``, the variance of
    the mean is ``G/(G−1) · (Γ_0 + 2·Σ_{l=1..L} (1 − l/(L+1))·Γ_l) / n²`` (Bartlett weights
    across neighbouring dates, for horizons that overlap the spacing of the dates) and the
    quantile is Student t with ``G − 1`` degrees of freedom. With one value per cluster and
    ``L = 0`` this is exactly :func:`mean_interval`. Bounds are None below two clusters or when
    the variance is not positive.
    """
    x = np.asarray(values, dtype=float)
    groups = np.asarray(clusters)
    finite = np.isfinite(x)
    x, groups = x[finite], groups[finite]
    if x.size == 0:
        return (None, None, None)
    mean = float(x.mean())
    labels, inverse = np.unique(groups, return_inverse=True)
    g_count = labels.size
    if g_count < 2:
        return (mean, None, None)
    u = np.bincount(inverse, weights=x - mean, minlength=g_count)
    lags = min(max(int(lag), 0), g_count - 1)
    variance = float(u @ u)
    for lag_l in range(1, lags + 1):
        variance += 2.0 * (1.0 - lag_l / (lags + 1.0)) * float(u[lag_l:] @ u[:-lag_l])
    variance *= g_count / (g_count - 1.0) / (x.size**2)
    if variance <= 0.0:
        return (mean, None, None)
    half = t_quantile_975(g_count - 1) * math.sqrt(variance)
    return (mean, mean - half, mean + half)
