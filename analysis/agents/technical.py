"""Technical agent: RSI, MACD, Bollinger bands and the moving-average stack."""

from __future__ import annotations

import numpy as np

from analysis import indicators
from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import session_close

NAME = "technical"
MIN_BARS = 60


def score_components(
    *, rsi: float, macd_line: float, signal_line: float, price: float, upper: float, lower: float,
    ma10: float, ma20: float, ma50: float,
) -> dict[str, tuple[str, int]]:  # fmt: skip
    """Each component's call and its points toward the strength in [-100, 100].

    RSI ±20 (≤ 30 oversold → buy, ≥ 70 overbought → sell), MACD ±25 (line above
    signal → buy), Bollinger ±15 (below the lower band → buy, above the upper →
    sell), MA stack ±20 (price > MA10 > MA20 > MA50 → buy, the reverse → sell).
    """
    components = {
        "rsi": ("buy", 20) if rsi <= 30 else ("sell", -20) if rsi >= 70 else ("neutral", 0),
        "macd": ("buy", 25)
        if macd_line > signal_line
        else ("sell", -25)
        if macd_line < signal_line
        else ("neutral", 0),
        "bollinger_bands": ("buy", 15)
        if price < lower
        else ("sell", -15)
        if price > upper
        else ("neutral", 0),
    }
    if price > ma10 > ma20 > ma50:
        components["moving_averages"] = ("buy", 20)
    elif price < ma10 < ma20 < ma50:
        components["moving_averages"] = ("sell", -20)
    else:
        components["moving_averages"] = ("neutral", 0)
    return components


def overall_signal(strength: int) -> str:
    return "buy" if strength > 30 else "sell" if strength < -30 else "neutral"


def direction_of(overall: str, strength: int) -> Direction:
    """The overall call, or the strength alone when it reaches ±20."""
    if overall == "buy" or strength >= 20:
        return Direction.BULLISH
    if overall == "sell" or strength <= -20:
        return Direction.BEARISH
    return Direction.NEUTRAL


def _rsi_interpretation(value: float) -> str:
    return "overbought" if value >= 70 else "oversold" if value <= 30 else "neutral"


def technical_score(strength: int) -> float:
    """The strength in [-100, 100] restated on 0..100 (50 is neutral)."""
    return (strength + 100) / 2


def _crossed(fast: np.ndarray, slow: np.ndarray, sessions: int) -> int:
    """+1 when `fast` crossed above `slow` within the last `sessions` bars, −1 below, else 0."""
    diff = fast[-(sessions + 1) :] - slow[-(sessions + 1) :]
    if diff.shape[0] < 2 or not np.all(np.isfinite(diff)):
        return 0
    if diff[0] <= 0 < diff[-1]:
        return 1
    if diff[0] >= 0 > diff[-1]:
        return -1
    return 0


def detect_patterns(close: np.ndarray, macd_line: np.ndarray, signal_line: np.ndarray) -> list[str]:
    """Crossovers seen in the last few sessions: MACD over its signal (3 bars), MA50 over MA200 (5 bars)."""
    patterns = []
    macd_cross = _crossed(macd_line, signal_line, 3)
    if macd_cross:
        patterns.append("bullish_macd_crossover" if macd_cross > 0 else "bearish_macd_crossover")
    if close.shape[0] >= 205:
        ma_cross = _crossed(indicators.sma(close, 50), indicators.sma(close, 200), 5)
        if ma_cross:
            patterns.append("golden_cross" if ma_cross > 0 else "death_cross")
    return patterns


def summary(overall: str, strength: int, rsi: float, macd: str, bands: str) -> str:
    return (
        f"Technical signals: {overall.upper()} (strength: {strength:+d}). "
        f"RSI: {rsi:.1f}, MACD: {macd}, Bollinger Bands: {bands}."
    )


def run(ctx: AgentContext) -> AgentOutput:
    bars = ctx.prices
    if len(bars) < MIN_BARS:
        raise NoData(f"only {len(bars)} daily bars for {ctx.ticker}; the technical agent needs {MIN_BARS}")
    close = bars.close
    price = float(close[-1])
    rsi = float(indicators.rsi(close, 14)[-1])
    macd_series, signal_series, histogram_series = indicators.macd(close, 12, 26, 9)
    macd_line, signal_line, histogram = (
        float(series[-1]) for series in (macd_series, signal_series, histogram_series)
    )
    upper, middle, lower = (float(series[-1]) for series in indicators.bollinger(close, 20, 2.0))
    ma10, ma20, ma50 = (float(indicators.sma(close, n)[-1]) for n in (10, 20, 50))
    components = score_components(
        rsi=rsi, macd_line=macd_line, signal_line=signal_line, price=price,
        upper=upper, lower=lower, ma10=ma10, ma20=ma20, ma50=ma50,
    )  # fmt: skip
    strength = int(np.clip(sum(points for _, points in components.values()), -100, 100))
    overall = overall_signal(strength)
    band_width = upper - lower
    macd_reading = "bullish" if macd_line > signal_line else "bearish"
    band_reading = "overbought" if price > upper else "oversold" if price < lower else "neutral"
    data = {
        "indicators": {
            "rsi": {"value": finite(rsi, 2), "period": 14, "interpretation": _rsi_interpretation(rsi)},
            "macd": {
                "macd_line": finite(macd_line),
                "signal_line": finite(signal_line),
                "histogram": finite(histogram),
                "interpretation": macd_reading,
            },
            "bollinger_bands": {
                "upper": finite(upper),
                "middle": finite(middle),
                "lower": finite(lower),
                "bandwidth_pct": finite(band_width / middle * 100 if middle else None, 2),
                "percent_b": finite((price - lower) / band_width if band_width else None, 3),
                "band_position": "above_upper"
                if price > upper
                else "below_lower"
                if price < lower
                else "inside",
                # The earlier system's names: the bands as *_band, the close, and the
                # overbought / oversold / neutral reading.
                "upper_band": finite(upper),
                "middle_band": finite(middle),
                "lower_band": finite(lower),
                "current_price": finite(price),
                "interpretation": band_reading,
            },
            "ma_10": finite(ma10),
            "ma_20": finite(ma20),
            "ma_50": finite(ma50),
        },
        "signals": {
            "overall": overall,
            "strength": strength,
            "components": {name: call for name, (call, _) in components.items()},
        },
        "patterns": detect_patterns(close, macd_series, signal_series),
        "technical_score": technical_score(strength),
        "data_source": bars.source,
        "summary": summary(overall, strength, rsi, macd_reading, band_reading),
        "as_of_date": str(bars.dates[-1]),
    }
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=direction_of(overall, strength),
        strength=min(1.0, abs(strength) / 100.0),
        source=bars.source,
        freshness_hours=hours_between(session_close(bars.dates[-1].astype(object)), ctx.as_of),
    )
