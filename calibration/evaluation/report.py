"""One horizon's signal evaluation from arrays of outcomes (pure maths: no Django import).

How the figures are formed (alphalens' way where it has one):

* **Rank IC.** Spearman correlation of the analysis score against the realised gross return
  (costs shift every return by about the same amount and do not change ranks). ``per_date``:
  an IC per market date with at least 5 tickers; the mean, standard deviation and a Newey–West
  t-statistic of that series, the lag being the overlap of the horizon with the spacing of the
  dates (:func:`overlap_lag`; 0 for weekly 7-day samples, 4 for weekly 30-day ones).
  Chosen when at least half of the scored outcomes sit on such dates and there are two such
  dates; otherwise ``pooled``: one Spearman correlation over all outcomes, its t-statistic and
  Fisher z interval on an overlap-adjusted sample size ``n/(lag + 1)`` (lag from the spacing of
  the distinct dates). The adjustment does not remove correlation between tickers of the same date.
* **Quintiles** of the score per date (``per_date``) or over all outcomes (``pooled``), ties in
  the same quintile (:func:`grouped_quantiles`); mean net return per quintile over its outcomes,
  the spread is quintile 5 minus quintile 1 with a Welch interval.
* **Groups**: hit rate (``direction_correct``, Wilson interval) and mean net return (t interval
  with the standard error clustered by market date, Bartlett-weighted across dates when the
  horizon overlaps their spacing) by call, regime and data-quality band.
* **Calibration**: ECE and the Brier score's Murphy decomposition for calibrated confidence
  against ``direction_correct`` (raw confidence when no outcome has a calibrated one), over the
  reliability bins the snapshots use, with bootstrap intervals, and ``ece_if_calibrated``: the
  ECE that sampling alone gives a perfectly calibrated forecaster with the same confidences
  (consistency resampling), so a PM can tell miscalibration from a small sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from calibration.evaluation.intervals import (
    fisher_z_interval,
    mean_interval,
    newey_west_se,
    overlap_lag,
    t_quantile_975,
    welch_difference_interval,
)
from calibration.evaluation.ranks import (
    MIN_TICKERS_PER_DATE,
    QUANTILES,
    dates_with_cross_section,
    grouped_quantiles,
    grouped_rank_ic,
)
from calibration.evaluation.scoring import calibration_figures, group_table, net_source_summary

RECOMMENDATION_ORDER = ("BUY", "HOLD", "SELL", "unknown")
REGIME_ORDER = ("risk_on", "transition", "risk_off", "unknown")
#: Data-quality bands, points in [0, 100]: [0, 50), [50, 75), [75, 100].
QUALITY_BANDS = ((50.0, "0-50"), (75.0, "50-75"), (float("inf"), "75-100"))
QUALITY_ORDER = ("0-50", "50-75", "75-100", "unknown")
INTERVALS_NOTE = (
    "95% intervals: IC mean t with Newey-West standard error (per_date) or Fisher z on the "
    "overlap-adjusted sample (pooled); quintile means Student t; group means Student t clustered "
    "by date (Newey-West across dates when horizons overlap); spread Welch; hit rates Wilson; "
    "ECE and Brier components percentile bootstrap (200 resamples, fixed seed); ece_if_calibrated: "
    "the ECE of 1000 outcome samples drawn from the confidences themselves (mean, 95th percentile)."
)


class _ClusterArgs(TypedDict):
    """The keyword arguments of :func:`group_table` that cluster a mean's interval by date."""

    clusters: np.ndarray
    lag: int


@dataclass(frozen=True)
class EvaluationArrays:
    """One row per complete outcome of one horizon (NaN or "" where a value is missing).

    dates: the analysis's New York market date (``datetime64[D]``); scores: the analysis score;
    gross_pct / net_pct: realised return, percent; net_source: how each net was obtained;
    hits: ``direction_correct`` as 0/1; confidence: calibrated confidence (NaN when none);
    raw_confidence: the outcome's raw confidence; recommendation, regime: labels;
    data_quality: points in [0, 100].
    """

    dates: np.ndarray
    scores: np.ndarray
    gross_pct: np.ndarray
    net_pct: np.ndarray
    net_source: np.ndarray
    hits: np.ndarray
    confidence: np.ndarray
    raw_confidence: np.ndarray
    recommendation: np.ndarray
    regime: np.ndarray
    data_quality: np.ndarray


def _f(value: Any) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _correlation_bounds(lower: float | None, upper: float | None) -> list[float | None]:
    """An interval of a correlation, within [−1, 1] (a t interval on few dates can overshoot)."""
    return [None if lower is None else max(-1.0, lower), None if upper is None else min(1.0, upper)]


def _step_days(dates: np.ndarray, horizon_days: int) -> float:
    """Median calendar-day spacing of the distinct dates (the horizon itself for a single date)."""
    distinct = np.unique(dates)
    if distinct.size < 2:
        return float(horizon_days)
    return float(np.median(np.diff(distinct).astype("timedelta64[D]").astype(float)))


def _months(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[M]")


def _per_date_ic(dates: np.ndarray, scores: np.ndarray, returns: np.ndarray, horizon: int) -> dict[str, Any]:
    labels, ic, counts = grouped_rank_ic(scores, returns, dates)
    ok = np.isfinite(ic)
    labels, ic, counts = labels[ok], ic[ok], counts[ok]
    lag = overlap_lag(horizon, _step_days(labels, horizon))
    se = newey_west_se(ic, lag)
    mean = float(ic.mean())
    t_stat = mean / se if se else None
    half = t_quantile_975(ic.size - 1) * se if se else None
    months = _months(labels)
    by_month = []
    for month in np.unique(months):
        in_month = months == month
        m_mean, m_lower, m_upper = mean_interval(ic[in_month])
        by_month.append(
            {
                "month": str(month),
                "ic": m_mean,
                "count": int(counts[in_month].sum()),
                "dates": int(in_month.sum()),
                "ci": _correlation_bounds(m_lower, m_upper),
            }
        )
    return {
        "ic_mean": mean,
        "ic_std": float(ic.std(ddof=1)) if ic.size > 1 else None,
        "ic_t_stat": t_stat,
        "ic_t_method": "newey_west",
        "ic_lag": lag,
        "ic_ci": _correlation_bounds(mean - half, mean + half) if half is not None else [None, None],
        "ic_dates": int(ic.size),
        "ic_by_month": by_month,
        "ic_series": [
            {"date": str(day), "ic": float(value), "count": int(n)}
            for day, value, n in zip(labels, ic, counts, strict=True)
        ],
    }


def _pooled_ic(dates: np.ndarray, scores: np.ndarray, returns: np.ndarray, horizon: int) -> dict[str, Any]:
    lag = overlap_lag(horizon, _step_days(dates, horizon))
    _, ic, _ = grouped_rank_ic(scores, returns, np.zeros(scores.size, dtype=int))
    r = float(ic[0]) if ic.size else float("nan")
    n_eff = scores.size / (lag + 1.0)
    t_stat = None
    if np.isfinite(r) and n_eff > 2 and abs(r) < 1.0:
        t_stat = r * float(np.sqrt((n_eff - 2.0) / (1.0 - r * r)))
    months = _months(dates)
    m_labels, m_ic, m_counts = grouped_rank_ic(scores, returns, months)
    by_month = [
        {
            "month": str(month),
            "ic": _f(value),
            "count": int(n),
            "dates": int(np.unique(dates[months == month]).size),
            "ci": list(fisher_z_interval(float(value), n / (lag + 1.0))),
        }
        for month, value, n in zip(m_labels, m_ic, m_counts, strict=True)
    ]
    return {
        "ic_mean": _f(r),
        "ic_std": None,
        "ic_t_stat": t_stat,
        "ic_t_method": "overlap_adjusted_n",
        "ic_lag": lag,
        "ic_ci": list(fisher_z_interval(r, n_eff)),
        "ic_dates": int(np.unique(dates).size),
        "ic_by_month": by_month,
        "ic_series": [],
    }


def _quantiles(scores: np.ndarray, net: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    bucket = grouped_quantiles(scores, groups, QUANTILES)
    rows = []
    for q in range(1, QUANTILES + 1):
        mask = bucket == q
        mean, lower, upper = mean_interval(net[mask])
        rows.append(
            {
                "quantile": q,
                "count": int(mask.sum()),
                "mean_net_return_pct": mean,
                "ci": [lower, upper],
                "mean_score": _f(scores[mask].mean()) if mask.any() else None,
            }
        )
    spread, lower, upper = welch_difference_interval(net[bucket == QUANTILES], net[bucket == 1])
    return {"quantiles": rows, "spread_pct": spread, "spread_ci": [lower, upper]}


def _quality_bands(points: np.ndarray) -> np.ndarray:
    labels = np.full(points.size, "unknown", dtype=object)
    finite = np.isfinite(points)
    edges = np.array([edge for edge, _ in QUALITY_BANDS])
    names = np.array([name for _, name in QUALITY_BANDS], dtype=object)
    labels[finite] = names[np.searchsorted(edges, points[finite], side="right").clip(0, len(names) - 1)]
    return labels.astype(str)


def evaluate(arrays: EvaluationArrays, *, horizon_days: int, n_bins: int) -> dict[str, Any]:
    """Every figure of one horizon's evaluation, as plain JSON-ready data (see the module docstring)."""
    a = arrays
    scored = np.isfinite(a.scores) & np.isfinite(a.gross_pct)
    dates, scores = a.dates[scored], a.scores[scored]
    gross, net = a.gross_pct[scored], a.net_pct[scored]
    deep = dates_with_cross_section(dates, MIN_TICKERS_PER_DATE)
    ic_dates = np.unique(dates[deep])
    per_date = scored.sum() > 0 and deep.sum() * 2 >= scores.size and ic_dates.size >= 2
    result: dict[str, Any] = {"horizon_days": horizon_days, "sample_size": int(a.scores.size)}
    result["scored_sample_size"] = int(scores.size)
    if per_date:
        ic = _per_date_ic(dates[deep], scores[deep], gross[deep], horizon_days)
        if ic["ic_dates"] < 2:
            per_date = False
    if per_date:
        quant = _quantiles(scores[deep], net[deep], dates[deep])
    elif scores.size:
        ic = _pooled_ic(dates, scores, gross, horizon_days)
        quant = _quantiles(scores, net, np.zeros(scores.size, dtype=int))
    else:
        ic = {
            "ic_mean": None, "ic_std": None, "ic_t_stat": None, "ic_t_method": None, "ic_lag": None,
            "ic_ci": [None, None], "ic_dates": 0, "ic_by_month": [], "ic_series": [],
        }  # fmt: skip
        quant = {"quantiles": [], "spread_pct": None, "spread_ci": [None, None]}
    method = ("per_date" if per_date else "pooled") if scores.size else None
    result.update({"ic_method": method, **ic, "quantile_method": method, **quant})
    result["ic_sample_size"] = int(deep.sum()) if per_date else int(scores.size)

    by_date: _ClusterArgs = {
        "clusters": a.dates,
        "lag": overlap_lag(horizon_days, _step_days(a.dates, horizon_days)),
    }
    result["by_recommendation"] = group_table(
        a.recommendation, a.hits, a.net_pct, RECOMMENDATION_ORDER, **by_date
    )
    result["by_regime"] = group_table(a.regime, a.hits, a.net_pct, REGIME_ORDER, **by_date)
    result["by_data_quality"] = group_table(
        _quality_bands(a.data_quality), a.hits, a.net_pct, QUALITY_ORDER, **by_date
    )

    calibrated = np.isfinite(a.confidence)
    source: str | None
    if calibrated.any():
        source, confidence, hits = "calibrated", a.confidence[calibrated], a.hits[calibrated]
    else:
        raw = np.isfinite(a.raw_confidence)
        source, confidence, hits = ("raw" if raw.any() else None), a.raw_confidence[raw], a.hits[raw]
    figures = calibration_figures(np.clip(confidence, 0.0, 1.0), hits, n_bins)
    result["confidence_source"] = source
    result["calibration_sample_size"] = figures["sample_size"] if figures else 0
    result["ece"] = figures["ece"] if figures else None
    result["ece_ci"] = figures["ece_ci"] if figures else [None, None]
    result["ece_if_calibrated"] = figures["ece_if_calibrated"] if figures else None
    result["brier"] = figures["brier"] if figures else None
    result["net_source"], result["net_source_counts"] = net_source_summary(a.net_source)
    result["intervals"] = INTERVALS_NOTE
    return result
