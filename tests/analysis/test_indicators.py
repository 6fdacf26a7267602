"""Tests for analysis.indicators.

Three kinds of expectation, none of them produced by running the code under test:

1. Published reference numbers: StockCharts ChartSchool worked examples (RSI, ATR, Bollinger Bands).
2. TA-Lib as an independent reference implementation (test-only; skipped when not installed).
3. Small cases whose answers can be worked out by hand, plus structural properties
   (output length, warm-up NaNs, no look-ahead, no floating-point warnings).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import indicators as ind

# Any RuntimeWarning (division by zero, invalid value, degrees of freedom <= 0 ...) fails the test.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def nan_prefix(result: np.ndarray) -> int:
    """Number of leading NaNs (the warm-up length)."""
    defined = ~np.isnan(result)
    return int(np.argmax(defined)) if defined.any() else result.shape[0]


# =============================================================================================
# 1. Published references: StockCharts ChartSchool worked examples
# =============================================================================================

# ChartSchool, "Relative Strength Index (RSI)", spreadsheet cs-rsi.xls (QQQQ daily closes):
# https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/relative-strength-index-rsi
# The spreadsheet stores the closes to four decimals; the page shows them rounded to two
# (44.34, 44.09, ...). The published RSI column is computed from the four-decimal closes, which
# is why the two-decimal closes give 70.46 rather than 70.53 at the first value (see
# test_rsi_first_value_from_the_two_decimal_closes_is_hand_checkable).
RSI_CLOSES_SPREADSHEET = [
    44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826,
    45.8931, 46.0328, 45.6140, 46.2820, 46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439,
    46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672,
    43.4205, 42.6628, 43.1314,
]  # fmt: skip
RSI_CLOSES_PAGE = [
    44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61,
    46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35,
    44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
]  # fmt: skip
# Published RSI(14), from the 15th close (index 14) to the last.
RSI_PUBLISHED = [
    70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99,
    41.46, 41.87, 45.46, 37.30, 33.08, 37.77,
]  # fmt: skip

# ChartSchool, "Average True Range (ATR)", spreadsheet cs-atr.xls (QQQQ daily bars):
# https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-indicators/average-true-range-atr
# StockCharts seeds ATR with the mean of the first 14 TR values INCLUDING TR[0] = high - low and
# publishes the first ATR on the 14th bar (index 13); analysis.indicators.atr follows TA-Lib
# instead (seed TR[1..14], first value at index 14). The StockCharts variant is
# wilder_smooth(true_range(...), 14), which is what the published column pins below.
ATR_HIGH = [
    48.70, 48.72, 48.90, 48.87, 48.82, 49.05, 49.20, 49.35, 49.92, 50.19, 50.12, 49.66, 49.88,
    50.19, 50.36, 50.57, 50.65, 50.43, 49.63, 50.33, 50.29, 50.17, 49.32, 48.50, 48.3201, 46.80,
    47.80, 48.39, 48.66, 48.79,
]  # fmt: skip
ATR_LOW = [
    47.79, 48.14, 48.39, 48.37, 48.24, 48.635, 48.94, 48.86, 49.50, 49.87, 49.20, 48.90, 49.43,
    49.725, 49.26, 50.09, 50.30, 49.21, 48.98, 49.61, 49.20, 49.43, 48.08, 47.64, 41.55, 44.2833,
    47.31, 47.20, 47.90, 47.7301,
]  # fmt: skip
ATR_CLOSE = [
    48.16, 48.61, 48.75, 48.63, 48.74, 49.03, 49.07, 49.32, 49.91, 50.13, 49.53, 49.50, 49.75,
    50.03, 50.31, 50.52, 50.41, 49.34, 49.37, 50.23, 49.2375, 49.93, 48.43, 48.18, 46.57, 45.41,
    47.77, 47.72, 48.62, 47.85,
]  # fmt: skip
TR_PUBLISHED = [
    0.91, 0.58, 0.51, 0.50, 0.58, 0.415, 0.26, 0.49, 0.60, 0.32, 0.93, 0.76, 0.45, 0.465, 1.10,
    0.48, 0.35, 1.22, 0.65, 0.96, 1.09, 0.9325, 1.85, 0.86, 6.7701, 2.5167, 2.39, 1.19, 0.94,
    1.0599,
]  # fmt: skip
# Published 14-day ATR from index 13 on.
ATR_STOCKCHARTS_PUBLISHED = [
    0.555, 0.593929, 0.585791, 0.568949, 0.615452, 0.61792, 0.642354, 0.674329, 0.69277,
    0.775429, 0.78147, 1.209229, 1.30262, 1.38029, 1.366698, 1.336219, 1.316482,
]  # fmt: skip

# ChartSchool, "Bollinger Bands", spreadsheet cs-bbands.xls (daily closes, 20-day, 2 std):
# https://chartschool.stockcharts.com/table-of-contents/technical-indicators-and-overlays/technical-overlays/bollinger-bands
BB_CLOSE = [
    86.1557, 89.0867, 88.7829, 90.3228, 89.0671, 91.1453, 89.4397, 89.1750, 86.9302, 87.6752,
    86.9596, 89.4299, 89.3221, 88.7241, 87.4497, 87.2634, 89.4985, 87.9006, 89.1260, 90.7043,
    92.9001, 92.9784, 91.8021, 92.6647, 92.6843, 92.3021, 92.7725, 92.5373, 92.9490, 93.2039,
    91.0669, 89.8318, 89.7435, 90.3994, 90.7387, 88.0177, 88.0867, 88.8439, 90.7781, 90.5416,
    91.3894, 90.6500,
]  # fmt: skip
# Published bands from index 19 (the 20th close) on.
BB_MIDDLE_PUBLISHED = [
    88.70794, 89.04516, 89.239745, 89.390705, 89.5078, 89.68866, 89.7465, 89.91314, 90.081255,
    90.382195, 90.65863, 90.863995, 90.88409, 90.90516, 90.988925, 91.153375, 91.19109, 91.1205,
    91.167665, 91.25027, 91.242135, 91.1666, 91.05018,
]  # fmt: skip
BB_UPPER_PUBLISHED = [
    91.291862, 91.949268, 92.612595, 92.9342, 93.31195, 93.72845, 93.899592, 94.266255,
    94.565096, 94.786912, 95.043001, 94.907605, 94.902912, 94.89532, 94.861013, 94.673629,
    94.556593, 94.678752, 94.575786, 94.534271, 94.532306, 94.369251, 94.148503,
]  # fmt: skip
BB_LOWER_PUBLISHED = [
    86.124018, 86.141052, 85.866895, 85.84721, 85.70365, 85.64887, 85.593408, 85.560025,
    85.597414, 85.977478, 86.274259, 86.820385, 86.865268, 86.915, 87.116837, 87.633121,
    87.825587, 87.562248, 87.759544, 87.966269, 87.951964, 87.963949, 87.951857,
]  # fmt: skip


def test_rsi_matches_stockcharts_published_values() -> None:
    result = ind.rsi(np.array(RSI_CLOSES_SPREADSHEET), 14)

    assert result.shape == (33,)
    assert np.isnan(result[:14]).all()
    np.testing.assert_allclose(result[14:], RSI_PUBLISHED, rtol=0, atol=0.01)


def test_stockcharts_rsi_closes_round_to_the_values_shown_on_the_page() -> None:
    np.testing.assert_array_equal(np.round(RSI_CLOSES_SPREADSHEET, 2), RSI_CLOSES_PAGE)


def test_rsi_first_value_from_the_two_decimal_closes_is_hand_checkable() -> None:
    # The first 14 changes of the page closes: gains sum to 3.34, losses to 1.40, so
    # RSI = 100 - 100 / (1 + 3.34 / 1.40) = 100 * 3.34 / 4.74 = 70.464...
    result = ind.rsi(np.array(RSI_CLOSES_PAGE), 14)

    assert result[14] == pytest.approx(100 * 3.34 / 4.74, abs=1e-9)


def test_true_range_matches_stockcharts_published_column() -> None:
    result = ind.true_range(np.array(ATR_HIGH), np.array(ATR_LOW), np.array(ATR_CLOSE))

    np.testing.assert_allclose(result, TR_PUBLISHED, rtol=0, atol=1e-9)


def test_wilder_smooth_of_true_range_matches_stockcharts_published_atr() -> None:
    tr = ind.true_range(np.array(ATR_HIGH), np.array(ATR_LOW), np.array(ATR_CLOSE))

    result = ind.wilder_smooth(tr, 14)

    assert np.isnan(result[:13]).all()
    np.testing.assert_allclose(result[13:], ATR_STOCKCHARTS_PUBLISHED, rtol=0, atol=1e-6)


def test_atr_seeds_with_true_ranges_one_to_period_on_the_stockcharts_bars() -> None:
    result = ind.atr(np.array(ATR_HIGH), np.array(ATR_LOW), np.array(ATR_CLOSE), 14)

    assert np.isnan(result[:14]).all()
    seed = sum(TR_PUBLISHED[1:15]) / 14
    assert result[14] == pytest.approx(seed, abs=1e-9)
    assert result[15] == pytest.approx((seed * 13 + TR_PUBLISHED[15]) / 14, abs=1e-9)


def test_bollinger_matches_stockcharts_published_values() -> None:
    upper, middle, lower = ind.bollinger(np.array(BB_CLOSE), 20, 2.0)

    for band in (upper, middle, lower):
        assert band.shape == (42,)
        assert np.isnan(band[:19]).all()
    np.testing.assert_allclose(middle[19:], BB_MIDDLE_PUBLISHED, rtol=0, atol=1e-5)
    np.testing.assert_allclose(upper[19:], BB_UPPER_PUBLISHED, rtol=0, atol=1e-5)
    np.testing.assert_allclose(lower[19:], BB_LOWER_PUBLISHED, rtol=0, atol=1e-5)


# =============================================================================================
# 2. TA-Lib as an independent reference (test-only dependency)
# =============================================================================================


@pytest.fixture(scope="module")
def talib():
    return pytest.importorskip("talib")


@pytest.fixture(scope="module")
def walk() -> dict[str, np.ndarray]:
    """Deterministic 300-bar geometric random walk with consistent OHLC."""
    rng = np.random.default_rng(20240601)
    n = 300
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.015, n)))
    open_ = np.concatenate(([100.0], close[:-1])) * np.exp(rng.normal(0.0, 0.004, n))
    high = np.maximum(open_, close) * (1.0 + rng.uniform(0.0, 0.01, n))
    low = np.minimum(open_, close) * (1.0 - rng.uniform(0.0, 0.01, n))
    return {"high": high, "low": low, "close": close}


def assert_matches_reference(ours: np.ndarray, reference: np.ndarray, atol: float = 1e-8) -> None:
    """Same warm-up (NaN pattern) and the same values wherever defined."""
    assert ours.shape == reference.shape
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(reference))
    np.testing.assert_allclose(ours, reference, rtol=0, atol=atol, equal_nan=True)


@pytest.mark.parametrize("period", [2, 5, 14, 30])
def test_rsi_matches_talib(talib, walk, period: int) -> None:
    assert_matches_reference(ind.rsi(walk["close"], period), talib.RSI(walk["close"], timeperiod=period))


@pytest.mark.parametrize("period", [1, 3, 14, 50])
def test_atr_matches_talib(talib, walk, period: int) -> None:
    ours = ind.atr(walk["high"], walk["low"], walk["close"], period)
    reference = talib.ATR(walk["high"], walk["low"], walk["close"], timeperiod=period)
    assert_matches_reference(ours, reference)


def test_true_range_matches_talib_from_the_second_bar(talib, walk) -> None:
    # TA-Lib leaves TRANGE[0] undefined; we define it as high - low.
    ours = ind.true_range(walk["high"], walk["low"], walk["close"])
    reference = talib.TRANGE(walk["high"], walk["low"], walk["close"])
    assert_matches_reference(ours[1:], reference[1:])
    assert ours[0] == walk["high"][0] - walk["low"][0]


@pytest.mark.parametrize("period", [2, 9, 12, 26, 50])
def test_ema_matches_talib(talib, walk, period: int) -> None:
    assert_matches_reference(ind.ema(walk["close"], period), talib.EMA(walk["close"], timeperiod=period))


@pytest.mark.parametrize("period", [1, 5, 20, 60])
def test_sma_matches_talib(talib, walk, period: int) -> None:
    assert_matches_reference(ind.sma(walk["close"], period), talib.SMA(walk["close"], timeperiod=period))


def test_macd_matches_talib_ema_composition(talib, walk) -> None:
    # The documented convention, built from TA-Lib primitives: SMA-seeded EMA(12) - EMA(26), and an
    # SMA-seeded EMA(9) of that line starting where the line starts (the TA-Lib wrapper skips the
    # leading NaNs).
    close = walk["close"]
    line_ref = talib.EMA(close, timeperiod=12) - talib.EMA(close, timeperiod=26)
    signal_ref = talib.EMA(line_ref, timeperiod=9)

    line, signal, hist = ind.macd(close, 12, 26, 9)

    assert nan_prefix(line) == 25
    assert nan_prefix(signal) == 33
    assert_matches_reference(line, line_ref)
    assert_matches_reference(signal, signal_ref)
    assert_matches_reference(hist, line_ref - signal_ref)


def test_macd_converges_to_talib_macd_after_warm_up(talib, walk) -> None:
    # talib.MACD (and MACDEXT) seed the fast EMA late, with the mean of close[14..25] so that it
    # starts together with the slow EMA, rather than with close[0..11]. Their line therefore
    # differs from ours for the first ~150 bars (0.13 at bar 33 on this walk) and only agrees after
    # the seed difference has decayed; TA-Lib also publishes nothing before index 33.
    line, signal, hist = ind.macd(walk["close"], 12, 26, 9)
    line_ref, signal_ref, hist_ref = talib.MACD(walk["close"], fastperiod=12, slowperiod=26, signalperiod=9)

    assert nan_prefix(signal_ref) == nan_prefix(signal) == 33
    np.testing.assert_allclose(line[200:], line_ref[200:], rtol=0, atol=1e-8)
    np.testing.assert_allclose(signal[200:], signal_ref[200:], rtol=0, atol=1e-8)
    np.testing.assert_allclose(hist[200:], hist_ref[200:], rtol=0, atol=1e-8)


@pytest.mark.parametrize(("period", "num_std"), [(20, 2.0), (10, 1.5), (5, 3.0)])
def test_bollinger_matches_talib_bbands(talib, walk, period: int, num_std: float) -> None:
    upper, middle, lower = ind.bollinger(walk["close"], period, num_std)
    upper_ref, middle_ref, lower_ref = talib.BBANDS(
        walk["close"], timeperiod=period, nbdevup=num_std, nbdevdn=num_std, matype=0
    )
    assert_matches_reference(upper, upper_ref)
    assert_matches_reference(middle, middle_ref)
    assert_matches_reference(lower, lower_ref)


def test_population_rolling_std_matches_talib_stddev(talib, walk) -> None:
    ours = ind.rolling_std(walk["close"], 20, ddof=0)
    assert_matches_reference(ours, talib.STDDEV(walk["close"], timeperiod=20, nbdev=1))


def test_stockcharts_atr_column_is_talib_atr_after_a_neutral_leading_bar(talib) -> None:
    # Cross-check of the transcribed published ATR column with an independent implementation:
    # prepending a bar whose close lies inside the first bar's range makes TA-Lib's TR[1] equal
    # high[0] - low[0], turning its seed (TR[1..14]) into StockCharts' seed (TR[0..13]).
    high = np.array([ATR_HIGH[0], *ATR_HIGH])
    low = np.array([ATR_LOW[0], *ATR_LOW])
    close = np.array([(ATR_HIGH[0] + ATR_LOW[0]) / 2, *ATR_CLOSE])

    reference = talib.ATR(high, low, close, timeperiod=14)

    np.testing.assert_allclose(reference[14:], ATR_STOCKCHARTS_PUBLISHED, rtol=0, atol=1e-6)


# =============================================================================================
# 3. Hand-checkable cases and properties
# =============================================================================================

ONE_TO_TEN = np.arange(1.0, 11.0)
NAN = math.nan


def test_sma_of_one_to_ten() -> None:
    np.testing.assert_array_equal(ind.sma(ONE_TO_TEN, 3), [NAN, NAN, 2, 3, 4, 5, 6, 7, 8, 9])
    np.testing.assert_array_equal(ind.sma(ONE_TO_TEN, 10), [NAN] * 9 + [5.5])
    np.testing.assert_array_equal(ind.sma(ONE_TO_TEN, 1), ONE_TO_TEN)


def test_ema_of_one_to_ten() -> None:
    # period 3: alpha = 1/2, seed = mean(1, 2, 3) = 2, then 0.5*4 + 0.5*2 = 3, 0.5*5 + 0.5*3 = 4 ...
    np.testing.assert_allclose(ind.ema(ONE_TO_TEN, 3), [NAN, NAN, 2, 3, 4, 5, 6, 7, 8, 9], equal_nan=True)
    # period 4: alpha = 2/5, seed = 2.5, then 0.4*5 + 0.6*2.5 = 3.5, 0.4*6 + 0.6*3.5 = 4.5 ...
    np.testing.assert_allclose(
        ind.ema(ONE_TO_TEN, 4), [NAN, NAN, NAN, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5], equal_nan=True
    )
    # period 1: alpha = 1, the EMA is the series itself.
    np.testing.assert_array_equal(ind.ema(ONE_TO_TEN, 1), ONE_TO_TEN)


def test_wilder_smooth_of_one_to_ten() -> None:
    # alpha = 1/3, seed = mean(1, 2, 3) = 2, then (2*2 + 4)/3 = 8/3, (8/3*2 + 5)/3 = 31/9.
    result = ind.wilder_smooth(ONE_TO_TEN, 3)
    assert np.isnan(result[:2]).all()
    np.testing.assert_allclose(result[2:5], [2.0, 8 / 3, 31 / 9], rtol=0, atol=1e-12)


def test_ema_skips_leading_nans() -> None:
    values = np.array([NAN, NAN, 1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(ind.ema(values, 3), [NAN, NAN, NAN, NAN, 2.0, 3.0], equal_nan=True)
    np.testing.assert_allclose(
        ind.wilder_smooth(values, 2), [NAN, NAN, NAN, 1.5, 2.25, 3.125], equal_nan=True
    )


def test_rsi_strictly_rising_series_is_100() -> None:
    result = ind.rsi(np.arange(1.0, 41.0), 14)
    assert np.isnan(result[:14]).all()
    np.testing.assert_array_equal(result[14:], 100.0)


def test_rsi_strictly_falling_series_is_0() -> None:
    result = ind.rsi(np.arange(40.0, 0.0, -1.0), 14)
    np.testing.assert_array_equal(result[14:], 0.0)


def test_rsi_flat_series_is_50() -> None:
    result = ind.rsi(np.full(30, 7.25), 14)
    assert np.isnan(result[:14]).all()
    np.testing.assert_array_equal(result[14:], 50.0)


def test_rsi_small_hand_case() -> None:
    # period 2, closes 1, 2, 1, 3: changes +1, -1, +2.
    # index 2: avg gain 0.5, avg loss 0.5 -> 50; index 3: gain (0.5 + 2)/2 = 1.25, loss 0.25 -> 100*1.25/1.5.
    np.testing.assert_allclose(
        ind.rsi(np.array([1.0, 2.0, 1.0, 3.0]), 2), [NAN, NAN, 50.0, 250 / 3], equal_nan=True
    )


def test_bollinger_bands_collapse_on_a_constant_series() -> None:
    upper, middle, lower = ind.bollinger(np.full(30, 0.1), 20, 2.0)
    assert np.isnan(middle[:19]).all()
    np.testing.assert_allclose(middle[19:], 0.1, rtol=1e-15)
    np.testing.assert_array_equal(upper[19:], middle[19:])
    np.testing.assert_array_equal(lower[19:], middle[19:])


def test_rolling_std_textbook_example() -> None:
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32.
    values = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    assert ind.rolling_std(values, 8, ddof=0)[-1] == pytest.approx(2.0, abs=1e-12)
    assert ind.rolling_std(values, 8, ddof=1)[-1] == pytest.approx(math.sqrt(32 / 7), abs=1e-12)
    assert np.isnan(ind.rolling_std(values, 8)[:7]).all()
    # Constant windows are exactly zero.
    np.testing.assert_array_equal(ind.rolling_std(values, 3, ddof=1)[3], 0.0)


def test_rolling_std_rejects_ddof_that_leaves_no_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="ddof"):
        ind.rolling_std(np.arange(5.0), 1, ddof=1)


def test_true_range_first_bar_and_gaps() -> None:
    high = np.array([10.0, 12.0, 8.0])
    low = np.array([8.0, 11.0, 7.0])
    close = np.array([9.0, 11.5, 7.5])
    # bar 0: 10 - 8; bar 1: gap up, |12 - 9| = 3 beats 12 - 11; bar 2: gap down, |7 - 11.5| = 4.5.
    np.testing.assert_array_equal(ind.true_range(high, low, close), [2.0, 3.0, 4.5])


def test_atr_small_hand_case() -> None:
    high = np.array([10.0, 12.0, 13.0, 14.0, 15.0])
    low = np.array([8.0, 9.0, 11.0, 10.0, 14.0])
    close = np.array([9.0, 11.0, 12.0, 13.0, 14.5])
    # TR = [2, 3, 2, 4, 2]; ATR(3) seed at index 3 = mean(3, 2, 4) = 3 (TR[0] unused),
    # then (3*2 + 2)/3 = 8/3.
    np.testing.assert_allclose(ind.atr(high, low, close, 3), [NAN, NAN, NAN, 3.0, 8 / 3], equal_nan=True)


def test_macd_warm_up_and_histogram_identity() -> None:
    close = 100.0 + np.sin(np.arange(80) / 5.0) * 3.0
    line, signal, hist = ind.macd(close)
    assert nan_prefix(line) == 25
    assert nan_prefix(signal) == 33
    np.testing.assert_array_equal(hist, line - signal)
    # The signal seed is the simple mean of the first nine MACD values.
    assert signal[33] == pytest.approx(line[25:34].mean(), abs=1e-12)


def test_macd_requires_fast_shorter_than_slow() -> None:
    with pytest.raises(ValueError, match="fast"):
        ind.macd(np.arange(50.0), fast=26, slow=12)


def test_simple_returns_hand_case() -> None:
    np.testing.assert_allclose(
        ind.simple_returns(np.array([100.0, 110.0, 99.0, 99.0])), [NAN, 0.1, -0.1, 0.0], equal_nan=True
    )


def test_realized_volatility_of_constant_daily_return_is_zero() -> None:
    close = 100.0 * 1.01 ** np.arange(60)
    result = ind.realized_volatility(close, 20)
    assert np.isnan(result[:20]).all()
    np.testing.assert_allclose(result[20:], 0.0, rtol=0, atol=1e-12)


def test_realized_volatility_hand_case() -> None:
    # Returns +10 %, -10 %: sample std = 0.2 / sqrt(2).
    close = np.array([100.0, 110.0, 99.0])
    daily = ind.realized_volatility(close, 2, annualize=False)
    np.testing.assert_allclose(daily, [NAN, NAN, 0.2 / math.sqrt(2)], rtol=1e-12, equal_nan=True)
    annual = ind.realized_volatility(close, 2)
    assert annual[2] == pytest.approx(0.2 / math.sqrt(2) * math.sqrt(252), rel=1e-12)


def test_percentile_rank_hand_case() -> None:
    # i=3: 5 vs [3, 1, 2] -> 3/3; i=4: 4 vs [1, 2, 5] -> 2/3; i=5: 4 vs [2, 5, 4] -> 2/3 (ties count);
    # i=6: 0 vs [5, 4, 4] -> 0.
    result = ind.percentile_rank(np.array([3.0, 1.0, 2.0, 5.0, 4.0, 4.0, 0.0]), 3)
    np.testing.assert_allclose(result, [NAN, NAN, NAN, 1.0, 2 / 3, 2 / 3, 0.0], equal_nan=True)


def test_percentile_rank_never_looks_ahead() -> None:
    rng = np.random.default_rng(7)
    values = rng.normal(size=200)
    baseline = ind.percentile_rank(values, 20)
    for i in (20, 57, 120, 198):
        changed = values.copy()
        changed[i + 1 :] = rng.normal(size=changed.shape[0] - i - 1) * 100.0
        np.testing.assert_array_equal(ind.percentile_rank(changed, 20)[: i + 1], baseline[: i + 1])


def test_percentile_rank_waits_for_lookback_non_nan_values() -> None:
    values = np.array([NAN, NAN, 1.0, 2.0, 3.0, 0.5, 2.5])
    result = ind.percentile_rank(values, 3)
    # The first window free of NaN is values[2..4], ranked against values[5].
    assert np.isnan(result[:5]).all()
    np.testing.assert_allclose(result[5:], [0.0, 2 / 3])


ALL_SINGLE_SERIES = [
    ("sma", lambda x: ind.sma(x, 5), 4),
    ("ema", lambda x: ind.ema(x, 5), 4),
    ("wilder_smooth", lambda x: ind.wilder_smooth(x, 5), 4),
    ("rsi", lambda x: ind.rsi(x, 5), 5),
    ("macd_line", lambda x: ind.macd(x, 3, 5, 2)[0], 4),
    ("macd_signal", lambda x: ind.macd(x, 3, 5, 2)[1], 5),
    ("macd_hist", lambda x: ind.macd(x, 3, 5, 2)[2], 5),
    ("bollinger_upper", lambda x: ind.bollinger(x, 5)[0], 4),
    ("bollinger_lower", lambda x: ind.bollinger(x, 5)[2], 4),
    ("simple_returns", ind.simple_returns, 1),
    ("rolling_std", lambda x: ind.rolling_std(x, 5), 4),
    ("realized_volatility", lambda x: ind.realized_volatility(x, 5), 5),
    ("percentile_rank", lambda x: ind.percentile_rank(x, 5), 5),
    ("true_range", lambda x: ind.true_range(x * 1.01, x * 0.99, x), 0),
    ("atr", lambda x: ind.atr(x * 1.01, x * 0.99, x, 5), 5),
]


@pytest.mark.parametrize(
    ("name", "func", "warm_up"), ALL_SINGLE_SERIES, ids=[s[0] for s in ALL_SINGLE_SERIES]
)
@pytest.mark.parametrize("n", [0, 1, 3, 5, 6, 40])
def test_output_length_dtype_and_warm_up(name: str, func, warm_up: int, n: int) -> None:
    close = 50.0 + np.cumsum(np.random.default_rng(n).normal(size=n))
    result = func(close)
    assert result.shape == (n,)
    assert result.dtype == np.float64
    # Shorter than the warm-up: all NaN; otherwise NaN exactly during the warm-up.
    assert nan_prefix(result) == min(warm_up, n)
    assert not np.isnan(result[warm_up:]).any()


def test_integer_and_list_inputs_are_accepted() -> None:
    result = ind.sma([1, 2, 3, 4], 2)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [NAN, 1.5, 2.5, 3.5])


@pytest.mark.parametrize("period", [0, -3])
def test_non_positive_period_is_rejected(period: int) -> None:
    with pytest.raises(ValueError, match="period"):
        ind.sma(ONE_TO_TEN, period)


def test_non_integer_period_is_rejected() -> None:
    with pytest.raises(TypeError):
        ind.ema(ONE_TO_TEN, 2.5)  # type: ignore[arg-type]


def test_two_dimensional_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="1-D"):
        ind.sma(np.ones((3, 3)), 2)


def test_mismatched_ohlc_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="same length"):
        ind.true_range(np.ones(5), np.ones(4), np.ones(5))


def test_inputs_are_not_modified() -> None:
    close = np.array(RSI_CLOSES_SPREADSHEET)
    before = close.copy()
    ind.rsi(close)
    ind.bollinger(close)
    ind.realized_volatility(close)
    ind.percentile_rank(close, 5)
    ind.atr(close + 1, close - 1, close)
    np.testing.assert_array_equal(close, before)


# =============================================================================================
# The first-order filter behind ema and wilder_smooth, against the recursion written out
# =============================================================================================


def _recursion(values: np.ndarray, alpha: float, start: float) -> np.ndarray:
    out, previous = [], start
    for value in values:
        previous = alpha * value + (1.0 - alpha) * previous
        out.append(previous)
    return np.array(out)


@pytest.mark.parametrize("alpha", [2.0 / 3.0, 2.0 / 13.0, 1.0 / 14.0, 2.0 / 201.0])
@pytest.mark.parametrize("length", [0, 1, 63, 64, 65, 774, 2600])
def test_first_order_filter_is_the_recursion(alpha: float, length: int) -> None:
    values = np.random.default_rng(length).normal(100.0, 5.0, length)
    result = ind.first_order_filter(values, alpha=alpha, start=97.5)
    assert result.shape == (length,)
    np.testing.assert_allclose(result, _recursion(values, alpha, 97.5), rtol=1e-12, atol=0)


def test_first_order_filter_worked_example() -> None:
    # y = 0.5 x + 0.5 y[-1] from 10: 0.5*2+5 = 6, 0.5*4+3 = 5, 0.5*0+2.5 = 2.5
    assert ind.first_order_filter(np.array([2.0, 4.0, 0.0]), alpha=0.5, start=10.0).tolist() == [
        6.0,
        5.0,
        2.5,
    ]


def test_first_order_filter_carries_a_nan_forward_only() -> None:
    values = np.array([1.0, 2.0, np.nan, 4.0] + [1.0] * 70)
    result = ind.first_order_filter(values, alpha=0.5, start=0.0)
    assert result[:2].tolist() == [0.5, 1.25]
    assert np.isnan(result[2:]).all()
