"""Market agent: price action, trend, levels and liquidity from daily bars."""

from __future__ import annotations

import numpy as np

from analysis import indicators
from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import session_close

NAME = "market"
CHART_BARS = 63  # about three months of sessions
TREND_DIRECTION = {
    "strong_uptrend": Direction.BULLISH,
    "uptrend": Direction.BULLISH,
    "sideways": Direction.NEUTRAL,
    "downtrend": Direction.BEARISH,
    "strong_downtrend": Direction.BEARISH,
}


def classify_trend(price: float, ma20: float, ma50: float, ma200: float | None, change_3m_pct: float) -> str:
    """Moving-average stack plus three-month momentum.

    strong_uptrend: price > MA20 > MA50 (> MA200 when known) and 3m change > 10 %;
    uptrend: price > MA50 and MA20 > MA50; the downtrends mirror them; else sideways.
    """
    long_ok_up = ma200 is None or ma50 > ma200
    long_ok_down = ma200 is None or ma50 < ma200
    if price > ma20 > ma50 and long_ok_up and change_3m_pct > 10:
        return "strong_uptrend"
    if price < ma20 < ma50 and long_ok_down and change_3m_pct < -10:
        return "strong_downtrend"
    if price > ma50 and ma20 > ma50:
        return "uptrend"
    if price < ma50 and ma20 < ma50:
        return "downtrend"
    return "sideways"


def _change_pct(close: np.ndarray, sessions: int) -> float | None:
    if close.shape[0] <= sessions:
        return None
    return float((close[-1] / close[-1 - sessions] - 1.0) * 100.0)


def price_change(close: np.ndarray, sessions: int) -> dict[str, float | None]:
    """The earlier object form of a change over `sessions`: {change, change_pct, start_price, end_price}."""
    if close.shape[0] <= sessions:
        return {"change": None, "change_pct": None, "start_price": None, "end_price": finite(close[-1])}
    start, end = float(close[-1 - sessions]), float(close[-1])
    return {
        "change": finite(end - start),
        "change_pct": finite((end / start - 1.0) * 100.0, 2),
        "start_price": finite(start),
        "end_price": finite(end),
    }


def summary(price: float, trend: str, change_1m_pct: float | None, source: str) -> str:
    change = "n/a" if change_1m_pct is None else f"{change_1m_pct:+.2f}%"
    return f"Current price: {price:.2f}. Trend: {trend}. 1-month change: {change}. [Source: {source}]"


def run(ctx: AgentContext) -> AgentOutput:
    bars = ctx.prices
    if len(bars) < 60:
        raise NoData(f"only {len(bars)} daily bars for {ctx.ticker}; the market agent needs 60")
    close, high, low, volume = bars.close, bars.high, bars.low, bars.volume
    price = float(close[-1])
    ma20_series = indicators.sma(close, 20)
    ma50_series = indicators.sma(close, 50)
    ma20, ma50 = float(ma20_series[-1]), float(ma50_series[-1])
    ma200_series = indicators.sma(close, 200)
    ma200 = float(ma200_series[-1]) if np.isfinite(ma200_series[-1]) else None
    change_1m = _change_pct(close, 21)
    change_3m = _change_pct(close, 63) or 0.0
    returns_3m = indicators.simple_returns(close[-64:])[1:] * 100.0
    volatility_3m = float(np.std(returns_3m, ddof=1))
    year = slice(-252, None)
    avg_volume_20 = float(np.mean(volume[-20:]))
    avg_volume_60 = float(np.mean(volume[-60:]))
    volume_ratio = avg_volume_20 / avg_volume_60 if avg_volume_60 else 1.0
    volume_trend = "increasing" if volume_ratio > 1.15 else "decreasing" if volume_ratio < 0.85 else "stable"
    atr14 = indicators.atr(high, low, close, 14)[-1]
    trend = classify_trend(price, ma20, ma50, ma200, change_3m)
    chart = slice(-CHART_BARS, None)
    week_52_high, week_52_low = finite(np.max(high[year])), finite(np.min(low[year]))
    support, resistance = finite(np.min(low[-30:])), finite(np.max(high[-30:]))
    data = {
        "current_price": finite(price),
        "previous_close": finite(close[-2]),
        "open": finite(bars.open[-1]),
        "high": finite(high[-1]),
        "low": finite(low[-1]),
        "volume": int(volume[-1]),
        "avg_volume": finite(avg_volume_20, 0),
        "avg_dollar_volume_20d": finite(float(np.mean(close[-20:] * volume[-20:])), 0),
        "week_52_high": week_52_high,
        "week_52_low": week_52_low,
        "ma_20": finite(ma20),
        "ma_50": finite(ma50),
        "ma_200": finite(ma200),
        "price_change_1m_pct": finite(change_1m, 2),
        "price_change_3m_pct": finite(change_3m, 2),
        "volatility_3m": finite(volatility_3m),
        "atr_14": finite(atr14),
        "volume_trend": volume_trend,
        "trend": trend,
        "support": support,
        "resistance": resistance,
        "as_of_date": str(bars.dates[-1]),
        "adjusted_prices": bars.adjusted,
        "is_demo_data": bars.is_demo,
        "chart": {
            "dates": [str(d) for d in bars.dates[chart]],
            "open": [finite(v) for v in bars.open[chart]],
            "high": [finite(v) for v in high[chart]],
            "low": [finite(v) for v in low[chart]],
            "close": [finite(v) for v in close[chart]],
            "volume": [int(v) for v in volume[chart]],
            "ma_20": [finite(v) for v in ma20_series[chart]],
            "ma_50": [finite(v) for v in ma50_series[chart]],
        },
        # The earlier system's names for the same readings, kept for its clients.
        "day_high": finite(high[-1]),
        "day_low": finite(low[-1]),
        "average_volume": finite(float(np.mean(volume[-63:])), 0),
        "fifty_two_week_high": week_52_high,
        "fifty_two_week_low": week_52_low,
        "market_cap": None,  # prices alone do not give it; the fundamentals agent reports it
        "price_change_1m": price_change(close, 21),
        "price_change_3m": price_change(close, 63),
        "volume_trend_1m": volume_trend,
        "support_level": support,
        "resistance_level": resistance,
        "price_history": [
            {
                "date": str(day),
                "open": finite(o),
                "high": finite(h),
                "low": finite(lo),
                "close": finite(c),
                "volume": int(v),
            }
            for day, o, h, lo, c, v in zip(
                bars.dates[chart],
                bars.open[chart],
                high[chart],
                low[chart],
                close[chart],
                volume[chart],
                strict=True,
            )
        ],
        "data_source": bars.source,
        "summary": summary(price, trend, change_1m, bars.source),
    }
    last_bar_time = session_close(bars.dates[-1].astype(object))
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=TREND_DIRECTION[trend],
        strength=0.7 if trend != "sideways" else 0.5,
        source=bars.source,
        freshness_hours=hours_between(last_bar_time, ctx.as_of),
    )
