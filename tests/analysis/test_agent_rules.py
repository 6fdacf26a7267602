"""Each agent's direction rules, as the earlier system defined them."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.agents import AGENT_NAMES, resolve_agents
from analysis.agents.base import Direction
from analysis.agents.fundamentals import direction_of as fundamentals_direction
from analysis.agents.fundamentals import health_score
from analysis.agents.macro import economic_cycle, market_environment, risk_environment, yield_curve
from analysis.agents.market import classify_trend
from analysis.agents.options import put_call_signal
from analysis.agents.technical import direction_of as technical_direction
from analysis.agents.technical import overall_signal, score_components
from analysis.market_data import Fundamentals, MacroSnapshot


def test_technical_components_add_up_to_the_strength() -> None:
    components = score_components(
        rsi=25, macd_line=1.0, signal_line=0.5, price=90, upper=110, lower=95, ma10=91, ma20=92, ma50=93
    )
    assert components == {
        "rsi": ("buy", 20),
        "macd": ("buy", 25),
        "bollinger_bands": ("buy", 15),
        "moving_averages": ("sell", -20),
    }
    strength = sum(points for _, points in components.values())
    assert strength == 40
    assert overall_signal(strength) == "buy"


@pytest.mark.parametrize(
    ("strength", "overall", "direction"),
    [
        (31, "buy", "bullish"),
        (20, "neutral", "bullish"),
        (19, "neutral", "neutral"),
        (-20, "neutral", "bearish"),
    ],
)
def test_technical_direction_is_the_call_or_strength_beyond_20(
    strength: int, overall: str, direction: str
) -> None:
    assert overall_signal(strength) == overall
    assert technical_direction(overall, strength) == Direction(direction)


@pytest.mark.parametrize(
    ("ratio", "signal"),
    [(1.6, -2), (1.5, -1), (1.21, -1), (1.2, 0), (0.7, 0), (0.69, 1), (0.5, 1), (0.49, 2)],
)
def test_the_put_call_thresholds(ratio: float, signal: int) -> None:
    assert put_call_signal(ratio) == signal


def test_fundamentals_health_starts_at_50_and_moves_by_rule() -> None:
    strong = Fundamentals(
        ticker="X", as_of=dt.date(2024, 1, 1), source="t", is_demo=False,
        pe_ratio=18, profit_margin=0.25, debt_to_equity=0.3, return_on_equity=0.2,
        earnings_beat_rate=0.8, eps_growth=0.15, revenue_growth=0.08,
    )  # fmt: skip
    assert health_score(strong)[0] == 100  # 50 + 10·4 + 5·3 = 105, clipped
    empty = Fundamentals(ticker="X", as_of=dt.date(2024, 1, 1), source="t", is_demo=False)
    assert health_score(empty) == (50.0, [])
    assert fundamentals_direction(60) is Direction.BULLISH
    assert fundamentals_direction(59.9) is Direction.NEUTRAL
    assert fundamentals_direction(40) is Direction.BEARISH


@pytest.mark.parametrize(
    ("spread", "curve"), [(0.51, "normal"), (0.5, "flat"), (0.0, "flat"), (-0.01, "inverted")]
)
def test_the_yield_curve_thresholds(spread: float, curve: str) -> None:
    assert yield_curve(spread) == curve


def test_macro_cycle_and_environment() -> None:
    snapshot = MacroSnapshot(
        as_of=dt.date(2024, 1, 1), source="t", is_demo=False,
        fed_funds_rate=5.25, cpi_yoy=4.2, gdp_growth=2.5, treasury_10y=4.0, treasury_2y=4.6,
        unemployment_rate=3.8, fed_funds_change_6m=0.5,
    )  # fmt: skip
    assert economic_cycle(snapshot) == "peak"
    assert risk_environment(snapshot, "inverted") == "hawkish"
    assert market_environment("hawkish", "peak", "inverted") == "restrictive"
    assert market_environment("dovish", "expansion", "normal") == "supportive"


def test_market_trend_classes() -> None:
    assert classify_trend(110, 105, 100, 95, 12) == "strong_uptrend"
    assert classify_trend(110, 105, 100, 95, 5) == "uptrend"
    assert classify_trend(90, 95, 100, 105, -12) == "strong_downtrend"
    assert classify_trend(101, 99, 100, 95, 0) == "sideways"


def test_asking_for_sentiment_adds_news_and_order_is_canonical() -> None:
    assert resolve_agents(["sentiment", "technical"]) == ("news", "technical", "sentiment")
    assert resolve_agents(None) == AGENT_NAMES
    assert resolve_agents([" Market "]) == ("market",)


def test_an_unknown_agent_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match=r"^Invalid agent names: astrology\. Valid: fundamentals, macro, "):
        resolve_agents(["market", "astrology"])
