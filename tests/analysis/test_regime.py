"""Market regime: trend with hysteresis, volatility percentile, macro fallback, point-in-time."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.indicators import sma
from analysis.regime import (
    RegimeAssessment,
    classify_regime,
    macro_stance,
    trend_state,
    volatility_percentile,
    volatility_percentile_series,
    volatility_regime,
)


def _path(segments: list[tuple[int, float, float]], *, seed: int = 7, start: float = 100.0) -> np.ndarray:
    """Closes from (bars, daily log drift, daily log noise std) segments, seeded."""
    rng = np.random.default_rng(seed)
    steps = np.concatenate([drift + noise * rng.standard_normal(bars) for bars, drift, noise in segments])
    return start * np.exp(np.cumsum(steps))


# A steady rise whose last 30 bars are calmer than the year before: uptrend, low volatility.
STEADY_RISE = _path([(370, 0.002, 0.01), (30, 0.002, 0.003)])
# The mirror image: a steady fall, calm at the end.
STEADY_FALL = _path([(370, -0.002, 0.01), (30, -0.002, 0.003)])
# A calm rise, then a violent 40-bar crash.
CRASH = _path([(320, 0.001, 0.006), (40, -0.02, 0.04)])


# ------------------------------------------------------------------------------ trend_state


def test_it_enters_a_trend_only_beyond_the_band() -> None:
    flat = np.full(200, 100.0)
    # SMA(200) at the last bar includes it: (199·100 + x)/200.
    assert trend_state(np.r_[flat, 103.0])[-1] == 1  # 103 > 100.015·1.02 = 102.0153
    assert trend_state(np.r_[flat, 102.0])[-1] == 0  # 102 < 100.01·1.02 = 102.0102
    assert trend_state(np.r_[flat, 98.0])[-1] == 0  # 98 > 99.99·0.98 = 97.9902
    assert trend_state(np.r_[flat, 97.0])[-1] == -1  # 97 < 99.985·0.98 = 97.9853
    states = trend_state(np.r_[flat, 103.0])
    assert states.dtype == np.int64
    assert states.tolist()[:200] == [0] * 200


def test_it_treats_the_band_edges_as_strict() -> None:
    base = np.full(198, 100.0)
    # The SMA at the last bar is exactly 100, so the close sits exactly on the band edge.
    assert trend_state(np.r_[base, 98.0, 102.0], band=0.02)[-1] == 0
    assert trend_state(np.r_[base, 102.0, 98.0], band=0.02)[-1] == 0
    assert (trend_state(np.full(10, 100.0), long_window=5, band=0.0) == 0).all()


def test_it_keeps_the_state_while_the_price_wiggles_inside_the_band() -> None:
    """Hysteresis: crossing the moving average inside the band never flips the state."""
    wiggle = np.tile([99.0, 101.0], 50)
    close = np.r_[np.full(200, 100.0), np.full(5, 104.0), wiggle, np.full(5, 95.0), wiggle]
    states = trend_state(close, long_window=200, band=0.02)
    ma = sma(close, 200)

    up_block = slice(205, 305)
    assert states[200] == 1
    assert (states[up_block] == 1).all()
    assert (close[up_block] < ma[up_block]).any()  # below the MA, yet still an uptrend

    down_block = slice(310, 410)
    assert states[305] == -1
    assert (states[down_block] == -1).all()
    assert (close[down_block] > ma[down_block]).any()  # above the MA, yet still a downtrend


def test_it_is_undetermined_during_the_warm_up() -> None:
    close = np.linspace(100.0, 200.0, 50)
    assert (trend_state(close, long_window=60) == 0).all()
    assert trend_state(np.array([]), long_window=5).size == 0


def test_it_follows_a_steady_rise_and_a_steady_fall() -> None:
    rise = trend_state(STEADY_RISE)
    fall = trend_state(STEADY_FALL)
    assert (rise[:199] == 0).all() and rise[-1] == 1 and (rise[260:] == 1).all()
    assert (fall[:199] == 0).all() and fall[-1] == -1 and (fall[260:] == -1).all()


def test_it_can_require_the_moving_average_slope_to_confirm() -> None:
    """A spike above the band while the long MA still falls is not an uptrend with slope_window."""
    close = np.r_[np.linspace(150.0, 100.0, 260), np.full(3, 130.0)]
    plain = trend_state(close, long_window=200)
    confirmed = trend_state(close, long_window=200, slope_window=20)
    assert plain[-1] == 1
    assert confirmed[-1] == -1
    assert confirmed[259] == -1


def test_it_rejects_bad_parameters() -> None:
    close = np.full(10, 1.0)
    with pytest.raises(ValueError):
        trend_state(close, long_window=0)
    with pytest.raises(ValueError):
        trend_state(close, band=1.5)
    with pytest.raises(ValueError):
        trend_state(np.ones((2, 2)))


# ------------------------------------------------------------------------------ volatility


def test_it_ranks_the_latest_volatility_against_the_trailing_year() -> None:
    calm = volatility_percentile(STEADY_RISE)
    assert calm is not None and calm < 0.05  # calm tail: among the lowest of the year
    assert volatility_percentile(CRASH) >= 0.8  # crash: among the highest of the year
    assert volatility_percentile(STEADY_RISE[:272]) is None  # needs 20 + 1 + 252 bars
    assert volatility_percentile(STEADY_RISE[:273]) is not None


@pytest.mark.parametrize(
    ("percentile", "regime"),
    [
        (None, "unknown"),
        (0.0, "low"),
        (0.3299, "low"),
        (0.33, "normal"),
        (0.7999, "normal"),
        (0.8, "high"),
        (1.0, "high"),
    ],
)
def test_it_buckets_the_volatility_percentile(percentile: float | None, regime: str) -> None:
    assert volatility_regime(percentile) == regime


# ------------------------------------------------------------------------------ classify_regime


def test_it_labels_a_steady_rise_risk_on() -> None:
    result = classify_regime(STEADY_RISE, macro_environment=None, data_quality_level="good")
    assert result.label == "risk_on"
    assert result.trend == "uptrend"
    assert result.volatility_regime == "low"
    assert result.insufficient_history is False
    assert result.distance_from_long_ma_pct is not None and result.distance_from_long_ma_pct > 2.0
    states = trend_state(STEADY_RISE)
    changes = np.flatnonzero(states[1:] != states[:-1])
    assert result.trend_days == len(STEADY_RISE) - (changes[-1] + 1)
    assert result.drivers and result.drivers[0].startswith("uptrend for")


def test_it_labels_a_steady_fall_by_the_macro_environment() -> None:
    hawkish = classify_regime(STEADY_FALL, macro_environment="hawkish", data_quality_level="good")
    dovish = classify_regime(STEADY_FALL, macro_environment="dovish", data_quality_level="good")
    assert hawkish.trend == dovish.trend == "downtrend"
    assert hawkish.volatility_regime == "low"
    assert hawkish.label == "risk_off"  # downtrend with restrictive macro
    assert dovish.label == "transition"  # downtrend, calm volatility, supportive macro


def test_it_labels_a_high_volatility_crash_risk_off_whatever_the_macro() -> None:
    result = classify_regime(CRASH, macro_environment="supportive", data_quality_level="good")
    assert result.trend == "downtrend"
    assert result.volatility_regime == "high"
    assert result.label == "risk_off"
    assert any("volatility high" in driver for driver in result.drivers)


def test_it_labels_poor_data_quality_risk_off() -> None:
    result = classify_regime(STEADY_RISE, macro_environment="dovish", data_quality_level="poor")
    assert result.trend == "uptrend"
    assert result.label == "risk_off"
    assert result.drivers[0] == "data quality poor"


def test_it_holds_back_from_risk_on_in_an_uptrend_with_restrictive_macro_or_high_volatility() -> None:
    restrictive = classify_regime(STEADY_RISE, macro_environment="Restrictive ", data_quality_level="good")
    assert restrictive.label == "transition"
    assert restrictive.macro_environment == "restrictive"
    spiky_rise = _path([(370, 0.003, 0.005), (30, 0.006, 0.03)])
    high_vol = classify_regime(spiky_rise, macro_environment="dovish", data_quality_level="good")
    assert high_vol.trend == "uptrend"
    assert high_vol.volatility_regime == "high"
    assert high_vol.label == "transition"


def test_it_labels_an_undetermined_trend_transition() -> None:
    close = np.r_[np.full(200, 100.0), np.tile([99.0, 101.0], 40)]
    result = classify_regime(close, macro_environment="dovish", data_quality_level="good")
    assert result.trend == "undetermined"
    assert result.label == "transition"
    assert result.trend_days == len(close)


def test_it_counts_unknown_volatility_as_not_high() -> None:
    close = STEADY_RISE[:230]  # enough for the trend, not for a volatility percentile
    result = classify_regime(close, macro_environment=None, data_quality_level=None)
    assert result.insufficient_history is False
    assert result.volatility_percentile is None
    assert result.volatility_regime == "unknown"
    assert result.label == "risk_on"
    assert any("unavailable" in driver for driver in result.drivers)


@pytest.mark.parametrize(
    ("macro", "quality", "label"),
    [
        ("hawkish", "good", "risk_off"),
        ("restrictive", None, "risk_off"),
        ("dovish", "poor", "risk_off"),
        (None, "poor", "risk_off"),
        ("dovish", "good", "risk_on"),
        ("supportive", "good", "risk_on"),
        ("dovish", "warn", "transition"),
        ("supportive", None, "transition"),
        ("transitional", "good", "transition"),
        ("neutral", "good", "transition"),
        (None, "good", "transition"),
        (None, None, "transition"),
    ],
)
def test_it_falls_back_to_the_macro_rule_with_insufficient_history(
    macro: str | None, quality: str | None, label: str
) -> None:
    result = classify_regime(STEADY_RISE[:150], macro_environment=macro, data_quality_level=quality)
    assert result.insufficient_history is True
    assert result.trend == "undetermined"
    assert result.trend_days == 0
    assert result.distance_from_long_ma_pct is None
    assert result.label == label


def test_it_needs_long_window_plus_one_bars() -> None:
    hawkish_uptrend = {"macro_environment": "hawkish", "data_quality_level": "good"}
    assert classify_regime(STEADY_RISE[:200], **hawkish_uptrend).insufficient_history is True
    assert classify_regime(STEADY_RISE[:201], **hawkish_uptrend).insufficient_history is False
    short = classify_regime(np.linspace(1.0, 2.0, 30), long_window=20, **hawkish_uptrend)
    assert short.insufficient_history is False
    assert short.trend == "uptrend"


def test_it_reads_macro_aliases_and_notes_unknown_values() -> None:
    assert macro_stance("Dovish") == "supportive"
    assert macro_stance("risk_off") == "restrictive"
    assert macro_stance("transitional") == "neutral"
    assert macro_stance(None) == "unknown"
    result = classify_regime(
        STEADY_RISE[:100], macro_environment="stagflation", data_quality_level="excellent"
    )
    assert result.label == "transition"
    assert result.macro_stance == "unknown"
    assert any("not recognised" in driver for driver in result.drivers)


def test_it_serialises_to_plain_json() -> None:
    result = classify_regime(CRASH, macro_environment="hawkish", data_quality_level="warn")
    assert isinstance(result, RegimeAssessment)
    data = result.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["label"] == "risk_off"
    assert isinstance(data["drivers"], list) and all(isinstance(d, str) for d in data["drivers"])
    assert isinstance(data["trend_days"], int) and not isinstance(data["volatility_percentile"], np.floating)
    with pytest.raises(AttributeError):
        result.label = "risk_on"  # type: ignore[misc]


# ------------------------------------------------------------------------------ point-in-time


def _regime_walk() -> np.ndarray:
    return _path([(250, 0.002, 0.01), (120, -0.003, 0.02), (150, 0.0025, 0.008), (80, 0.0, 0.015)], seed=11)


def test_it_never_changes_earlier_trend_states_when_bars_are_appended() -> None:
    close = _regime_walk()
    full = trend_state(close)
    assert set(np.unique(full)) == {-1, 0, 1}
    for k in range(1, len(close) + 1, 7):
        assert np.array_equal(trend_state(close[:k]), full[:k])
    shocked = np.r_[close[:400], close[400:] * 0.3]  # a future crash
    assert np.array_equal(trend_state(shocked)[:400], full[:400])


def test_it_computes_the_volatility_percentile_point_in_time() -> None:
    close = _regime_walk()
    full = volatility_percentile_series(close)
    for k in range(260, len(close) + 1, 11):
        np.testing.assert_array_equal(volatility_percentile_series(close[:k]), full[:k])


def test_it_classifies_each_prefix_from_that_prefix_only() -> None:
    close = _regime_walk()
    states = trend_state(close)
    vol = volatility_percentile_series(close)
    names = {1: "uptrend", -1: "downtrend", 0: "undetermined"}
    future = np.r_[close, close[-1] * np.linspace(1.0, 0.2, 60)]
    for k in range(201, len(close) + 1, 13):
        prefix = classify_regime(close[:k], macro_environment="neutral", data_quality_level="good")
        assert prefix.trend == names[int(states[k - 1])]
        expected_vol = None if np.isnan(vol[k - 1]) else float(vol[k - 1])
        assert prefix.volatility_percentile == expected_vol
        same = classify_regime(future[:k], macro_environment="neutral", data_quality_level="good")
        assert same == prefix
