"""Market regime from an index's closing prices, combined with the macro environment.

Pure maths: numpy only, no Django. Everything is point-in-time: the value computed for bar
``t`` uses bars ``0..t`` only, so the result for a series equals the result for that series'
prefix, and appending future bars never changes an earlier value.

The earlier system's regime label was a macro heuristic. Here the label comes from price:

* **trend with hysteresis** (:func:`trend_state`): the close against its long simple moving
  average (SMA, default 200 bars) with a band (default 2 %, a *fraction* ``0.02``):
  enter an uptrend when ``close > SMA·(1 + band)``, enter a downtrend when
  ``close < SMA·(1 − band)``, otherwise keep the previous state. A price wiggling inside the
  band therefore never flips the state;
* **volatility percentile** (:func:`volatility_percentile`): the latest 20-bar realised
  volatility's percentile rank (a *fraction* in ``[0, 1]``) among the trailing 252 values;

and is then combined with the macro environment and the data quality (:func:`classify_regime`).
Labels stay ``risk_on`` / ``transition`` / ``risk_off`` for compatibility, with the detail
alongside in :class:`RegimeAssessment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from analysis.indicators import percentile_rank, realized_volatility, sma

RISK_ON = "risk_on"
TRANSITION = "transition"
RISK_OFF = "risk_off"
REGIME_LABELS: tuple[str, ...] = (RISK_ON, TRANSITION, RISK_OFF)

UPTREND = "uptrend"
DOWNTREND = "downtrend"
UNDETERMINED = "undetermined"

#: Volatility percentile (fraction) below which volatility is "low".
LOW_VOL_BELOW = 0.33
#: Volatility percentile (fraction) at or above which volatility is "high".
HIGH_VOL_FROM = 0.8

#: Macro environments leaning risk-on / risk-off / neutral (lower-case). The macro agent
#: reports its risk environment as hawkish / dovish / transitional and its direction as
#: supportive / restrictive; ``risk_on`` / ``risk_off`` are accepted as aliases.
SUPPORTIVE_MACRO = frozenset({"supportive", "dovish", "risk_on"})
RESTRICTIVE_MACRO = frozenset({"restrictive", "hawkish", "risk_off"})
NEUTRAL_MACRO = frozenset({"transitional", "neutral"})

DATA_QUALITY_LEVELS = frozenset({"good", "warn", "poor"})


def _as_1d_float(values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"expected a 1-D price series, got shape {array.shape}")
    return array


def trend_state(
    close: np.ndarray,
    *,
    long_window: int = 200,
    band: float = 0.02,
    slope_window: int | None = None,
) -> np.ndarray:
    """Trend state per bar: ``+1`` uptrend, ``-1`` downtrend, ``0`` undetermined.

    With ``m_t = SMA(close, long_window)_t`` (price units) and ``band`` a fraction
    (``0.02`` = 2 %):

    * an *up signal* at bar ``t`` when ``close_t > m_t·(1 + band)``;
    * a *down signal* at bar ``t`` when ``close_t < m_t·(1 − band)``;
    * the state at ``t`` is the most recent signal at or before ``t`` (hysteresis: inside the
      band the previous state is kept), and ``0`` before the first signal (including the
      ``long_window − 1`` warm-up bars where the SMA is undefined).

    Optional slope confirmation (off by default, so the rule above is exact): with
    ``slope_window = k``, an up signal additionally needs ``m_t > m_{t−k}`` and a down signal
    ``m_t < m_{t−k}``; bars where ``m_{t−k}`` is undefined give no signal.

    Vectorised: signals are ``±1`` where a band is crossed and NaN elsewhere, then
    forward-filled with a running maximum over the signal indices. Uses bars ``0..t`` only
    for bar ``t`` (point-in-time). A NaN close gives no signal (the state is kept).

    Returns an ``int64`` array the length of ``close``.
    """
    if long_window < 1:
        raise ValueError("long_window must be at least 1")
    if not 0.0 <= band < 1.0:
        raise ValueError("band is a fraction in [0, 1)")
    if slope_window is not None and slope_window < 1:
        raise ValueError("slope_window must be at least 1 when given")
    prices = _as_1d_float(close)
    n = prices.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ma = np.asarray(sma(prices, long_window), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        up = prices > ma * (1.0 + band)
        down = prices < ma * (1.0 - band)
        if slope_window is not None:
            earlier = np.full(n, np.nan)
            if slope_window < n:
                earlier[slope_window:] = ma[:-slope_window]
            up &= ma > earlier
            down &= ma < earlier
    signal = np.where(up, 1.0, np.where(down, -1.0, np.nan))
    last_signal_index = np.where(np.isnan(signal), 0, np.arange(n))
    np.maximum.accumulate(last_signal_index, out=last_signal_index)
    filled = signal[last_signal_index]
    return np.where(np.isnan(filled), 0.0, filled).astype(np.int64)


def volatility_percentile_series(close: np.ndarray, *, window: int = 20, lookback: int = 252) -> np.ndarray:
    """Per-bar percentile rank (fraction in ``[0, 1]``) of the ``window``-bar realised volatility.

    ``v_t = realized_volatility(close, window)_t`` (annualised fraction; the unit cancels in a
    rank); the result at ``t`` is the share of the ``lookback`` previous values
    ``v_{t−lookback}..v_{t−1}`` that are ``<= v_t`` (``percentile_rank``). NaN while any of them
    is undefined, so the first value needs ``window + 1 + lookback`` bars (273 with the
    defaults). Point-in-time: bar ``t`` uses closes ``0..t`` only.
    """
    prices = _as_1d_float(close)
    vol = np.asarray(realized_volatility(prices, window=window, annualize=True), dtype=np.float64)
    return np.asarray(percentile_rank(vol, lookback), dtype=np.float64)


def volatility_percentile(close: np.ndarray, *, window: int = 20, lookback: int = 252) -> float | None:
    """The latest bar's volatility percentile (fraction in ``[0, 1]``), or None when undefined.

    See :func:`volatility_percentile_series`: the latest ``window``-bar realised volatility
    ranked against the trailing ``lookback`` values (a trailing year with the defaults).
    """
    series = volatility_percentile_series(close, window=window, lookback=lookback)
    if series.size == 0 or not np.isfinite(series[-1]):
        return None
    return float(series[-1])


def volatility_regime(percentile: float | None) -> str:
    """``"low"`` below 0.33, ``"high"`` at or above 0.8, else ``"normal"``; ``"unknown"`` for None.

    ``percentile`` is a fraction in ``[0, 1]`` (see :func:`volatility_percentile`).
    """
    if percentile is None or not np.isfinite(percentile):
        return "unknown"
    if percentile < LOW_VOL_BELOW:
        return "low"
    if percentile >= HIGH_VOL_FROM:
        return "high"
    return "normal"


def macro_stance(macro_environment: str | None) -> str:
    """``"supportive"``, ``"restrictive"``, ``"neutral"`` or ``"unknown"`` for a macro environment.

    Supportive: supportive / dovish / risk_on. Restrictive: restrictive / hawkish / risk_off.
    Neutral: transitional / neutral. Case and surrounding spaces are ignored; None and any
    other value are ``"unknown"`` (which leans neither way).
    """
    if macro_environment is None:
        return "unknown"
    value = str(macro_environment).strip().lower()
    if value in SUPPORTIVE_MACRO:
        return "supportive"
    if value in RESTRICTIVE_MACRO:
        return "restrictive"
    if value in NEUTRAL_MACRO:
        return "neutral"
    return "unknown"


class _CommonFields(TypedDict):
    """The :class:`RegimeAssessment` fields both branches of :func:`classify_regime` share."""

    volatility_percentile: float | None
    volatility_regime: str
    macro_environment: str | None
    macro_stance: str
    data_quality_level: str | None
    insufficient_history: bool
    bars: int
    long_window: int
    band_pct: float


@dataclass(frozen=True)
class RegimeAssessment:
    """A point-in-time market regime.

    Fields:
        label: ``risk_on`` / ``transition`` / ``risk_off`` (compatibility label).
        trend: ``uptrend`` / ``downtrend`` / ``undetermined`` at the latest bar.
        trend_days: bars (trading days for daily data) the current trend state has lasted,
            including the latest bar; 0 when history is insufficient.
        distance_from_long_ma_pct: ``(close / SMA_long − 1)·100`` at the latest bar, in
            *percent*; None when history is insufficient.
        volatility_percentile: fraction in ``[0, 1]`` or None (see :func:`volatility_percentile`).
        volatility_regime: ``low`` (< 0.33) / ``normal`` / ``high`` (>= 0.8) / ``unknown``.
        macro_environment: the macro environment as given (lower-cased, stripped) or None.
        macro_stance: ``supportive`` / ``restrictive`` / ``neutral`` / ``unknown``.
        data_quality_level: ``good`` / ``warn`` / ``poor`` as given (lower-cased) or None.
        drivers: short strings explaining the label, most decisive first.
        insufficient_history: True when fewer than ``long_window + 1`` bars were given.
        bars: number of bars classified.
        long_window: the SMA window used (bars).
        band_pct: the hysteresis band in *percent* (2.0 for the default 0.02).
    """

    label: str
    trend: str
    trend_days: int
    distance_from_long_ma_pct: float | None
    volatility_percentile: float | None
    volatility_regime: str
    macro_environment: str | None
    macro_stance: str
    data_quality_level: str | None
    drivers: tuple[str, ...]
    insufficient_history: bool
    bars: int
    long_window: int
    band_pct: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain dict (floats rounded to 4 decimals, drivers as a list)."""

        def rounded(value: float | None) -> float | None:
            if value is None or not np.isfinite(value):
                return None
            return round(float(value), 4) + 0.0

        return {
            "label": self.label,
            "trend": self.trend,
            "trend_days": int(self.trend_days),
            "distance_from_long_ma_pct": rounded(self.distance_from_long_ma_pct),
            "volatility_percentile": rounded(self.volatility_percentile),
            "volatility_regime": self.volatility_regime,
            "macro_environment": self.macro_environment,
            "macro_stance": self.macro_stance,
            "data_quality_level": self.data_quality_level,
            "drivers": list(self.drivers),
            "insufficient_history": bool(self.insufficient_history),
            "bars": int(self.bars),
            "long_window": int(self.long_window),
            "band_pct": rounded(self.band_pct),
        }


def _normalise(value: str | None) -> str | None:
    if value is None:
        return None
    return str(value).strip().lower()


def classify_regime(
    index_close: np.ndarray,
    *,
    macro_environment: str | None,
    data_quality_level: str | None,
    long_window: int = 200,
    band: float = 0.02,
    vol_window: int = 20,
    vol_lookback: int = 252,
) -> RegimeAssessment:
    """Classify the regime at the latest bar of ``index_close`` (point-in-time).

    Rules, first match wins:

    With at least ``long_window + 1`` bars (trend from :func:`trend_state`, volatility regime
    from :func:`volatility_percentile` and :func:`volatility_regime`):

    1. ``risk_off`` when data quality is ``poor``;
    2. ``risk_off`` when in a downtrend and volatility is ``high`` (percentile >= 0.8);
    3. ``risk_off`` when in a downtrend and the macro stance is restrictive (hawkish);
    4. ``risk_on`` when in an uptrend, volatility is not ``high`` and the macro stance is not
       restrictive. An ``unknown`` volatility percentile (fewer than ~273 bars) counts as
       "not high"; a driver says it is unavailable;
    5. otherwise ``transition`` (undetermined trend, uptrend with high volatility or restrictive
       macro, downtrend with calm volatility and non-restrictive macro).

    With fewer than ``long_window + 1`` bars (``insufficient_history=True``, trend
    ``undetermined``), the earlier system's macro rule:

    1. ``risk_off`` when the macro stance is restrictive or data quality is ``poor``;
    2. ``risk_on`` when the macro stance is supportive and data quality is ``good``;
    3. otherwise ``transition``.

    Unrecognised macro environments or quality levels lean neither way (a driver notes them).
    """
    prices = _as_1d_float(index_close)
    n = prices.size
    macro = _normalise(macro_environment)
    stance = macro_stance(macro)
    quality = _normalise(data_quality_level)
    quality_poor = quality == "poor"
    quality_good = quality == "good"

    vol_pct = volatility_percentile(prices, window=vol_window, lookback=vol_lookback)
    vol_regime = volatility_regime(vol_pct)

    notes: list[str] = []
    if macro is not None and stance == "unknown":
        notes.append(f"macro environment '{macro}' not recognised; treated as neutral")
    if quality is not None and quality not in DATA_QUALITY_LEVELS:
        notes.append(f"data quality level '{quality}' not recognised")

    insufficient = n < long_window + 1
    common: _CommonFields = {
        "volatility_percentile": vol_pct,
        "volatility_regime": vol_regime,
        "macro_environment": macro,
        "macro_stance": stance,
        "data_quality_level": quality,
        "insufficient_history": insufficient,
        "bars": int(n),
        "long_window": int(long_window),
        "band_pct": float(band) * 100.0,
    }

    if insufficient:
        history = f"only {n} bars (< {long_window + 1}); regime from macro alone"
        if stance == "restrictive" or quality_poor:
            reasons = []
            if quality_poor:
                reasons.append("data quality poor")
            if stance == "restrictive":
                reasons.append(f"macro {macro}")
            label, drivers = RISK_OFF, [*reasons, history]
        elif stance == "supportive" and quality_good:
            label, drivers = RISK_ON, [f"macro {macro}", "data quality good", history]
        else:
            label, drivers = (
                TRANSITION,
                [f"macro {macro or 'unknown'}", f"data quality {quality or 'unknown'}", history],
            )
        return RegimeAssessment(
            label=label,
            trend=UNDETERMINED,
            trend_days=0,
            distance_from_long_ma_pct=None,
            drivers=(*drivers, *notes),
            **common,
        )

    states = trend_state(prices, long_window=long_window, band=band)
    current = int(states[-1])
    changes = np.flatnonzero(states[1:] != states[:-1])
    trend_days = int(n - (changes[-1] + 1)) if changes.size else int(n)
    trend = {1: UPTREND, -1: DOWNTREND}.get(current, UNDETERMINED)
    ma_last = float(np.asarray(sma(prices, long_window), dtype=np.float64)[-1])
    distance: float | None = None
    if np.isfinite(ma_last) and ma_last != 0.0 and np.isfinite(prices[-1]):
        distance = (float(prices[-1]) / ma_last - 1.0) * 100.0

    where = f" ({distance:+.1f}% vs {long_window}-bar MA)" if distance is not None else ""
    trend_text = (
        f"{trend} for {trend_days} bars{where}"
        if trend != UNDETERMINED
        else f"trend undetermined (inside the ±{band * 100:g}% band){where}"
    )
    if vol_pct is None:
        vol_text = "volatility percentile unavailable (short history)"
    else:
        vol_text = f"volatility {vol_regime} (percentile {vol_pct:.2f} of the last {vol_lookback} bars)"
    macro_text = f"macro {macro or 'unknown'}"

    if quality_poor:
        label, drivers = RISK_OFF, ["data quality poor", trend_text, vol_text, macro_text]
    elif trend == DOWNTREND and vol_regime == "high":
        label, drivers = RISK_OFF, [trend_text, vol_text, macro_text]
    elif trend == DOWNTREND and stance == "restrictive":
        label, drivers = RISK_OFF, [trend_text, macro_text, vol_text]
    elif trend == UPTREND and vol_regime != "high" and stance != "restrictive":
        label, drivers = RISK_ON, [trend_text, vol_text, macro_text]
    else:
        label, drivers = TRANSITION, [trend_text, vol_text, macro_text]

    return RegimeAssessment(
        label=label,
        trend=trend,
        trend_days=trend_days,
        distance_from_long_ma_pct=distance,
        drivers=(*drivers, *notes),
        **common,
    )
