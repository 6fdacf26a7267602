"""Macro agent: rates, inflation, growth, the yield curve and the cycle."""

from __future__ import annotations

import datetime as dt

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import MacroSnapshot, MarketDataError, session_close

NAME = "macro"
# A month back reaches the previous monthly release.
PREVIOUS_LOOKBACK = dt.timedelta(days=31)
# The earlier system's indicator names, and the reading of ours behind each.
INDICATORS = {
    "federal_funds_rate": "fed_funds_rate",
    "treasury_yield_10y": "treasury_10y",
    "treasury_yield_2y": "treasury_2y",
    "unemployment": "unemployment_rate",
    "inflation": "cpi_yoy",
    "gdp_growth": "gdp_growth",
}


def yield_curve(spread: float) -> str:
    """10y − 2y in points: > 0.5 normal, ≥ 0 flat, else inverted."""
    return "normal" if spread > 0.5 else "flat" if spread >= 0 else "inverted"


def economic_cycle(m: MacroSnapshot) -> str:
    if m.gdp_growth < 0:
        return "contraction"
    if m.gdp_growth < 1.0 and m.unemployment_rate >= 5.5:
        return "trough"
    if m.cpi_yoy >= 3.5 and m.fed_funds_change_6m > 0:
        return "peak"
    return "expansion"


def risk_environment(m: MacroSnapshot, curve: str) -> str:
    """hawkish when policy is tightening or inflation runs hot; dovish when easing or calm."""
    if m.fed_funds_change_6m > 0.25 or (m.cpi_yoy > 4.0 and m.fed_funds_rate < m.cpi_yoy):
        return "hawkish"
    if m.fed_funds_change_6m < -0.25 or (m.cpi_yoy < 2.5 and curve == "normal"):
        return "dovish"
    return "transitional"


def market_environment(risk: str, cycle: str, curve: str) -> str:
    if risk == "hawkish" or cycle == "contraction" or (curve == "inverted" and cycle == "peak"):
        return "restrictive"
    if risk == "dovish" and cycle in ("expansion", "trough"):
        return "supportive"
    return "neutral"


def direction_of(environment: str, cycle: str) -> Direction:
    if environment == "supportive":
        return Direction.BULLISH
    if environment == "restrictive":
        return Direction.BEARISH
    return {"expansion": Direction.BULLISH, "contraction": Direction.BEARISH}.get(cycle, Direction.NEUTRAL)


def trend_of(current: float, previous: float | None) -> str | None:
    """rising / falling when the reading moved more than 1 % of its previous level, else stable."""
    if previous is None:
        return None
    change = current - previous
    if abs(change) <= 0.01 * abs(previous):
        return "stable"
    return "rising" if change > 0 else "falling"


def indicator_readings(m: MacroSnapshot, previous: MacroSnapshot | None) -> dict[str, dict]:
    """{name: {current, previous, change, trend}} against the previous monthly release.

    The CPI index level and the GDP level the earlier system showed are not in the snapshot
    (it carries their rates of change), so the values of `cpi` and `real_gdp` are null.
    """
    readings: dict[str, dict] = {}
    for name, attr in INDICATORS.items():
        current = float(getattr(m, attr))
        before = float(getattr(previous, attr)) if previous is not None else None
        readings[name] = {
            "current": finite(current, 3),
            "previous": finite(before, 3),
            "change": finite(current - before, 3) if before is not None else None,
            "trend": trend_of(current, before),
        }
    for name in ("cpi", "real_gdp"):
        readings[name] = {"current": None, "previous": None, "change": None, "trend": None}
    return readings


def _previous_snapshot(ctx: AgentContext) -> MacroSnapshot | None:
    try:
        return ctx.provider.macro(as_of=ctx.as_of - PREVIOUS_LOOKBACK)
    except MarketDataError:
        return None


def summary(m: MacroSnapshot, spread: float, curve: str, cycle: str, risk: str) -> str:
    return (
        f"Macro environment: Fed funds rate at {m.fed_funds_rate:.2f}%, yield curve {curve} "
        f"(10Y-2Y spread: {spread:+.2f}%), unemployment {m.unemployment_rate:.1f}%, "
        f"inflation {m.cpi_yoy:.1f}%. Economic cycle: {cycle}. Risk environment: {risk}."
    )


def run(ctx: AgentContext) -> AgentOutput:
    m = ctx.provider.macro(as_of=ctx.as_of)
    if m is None:
        raise NoData(f"no macro data from the {ctx.provider.name} provider")
    previous = _previous_snapshot(ctx)
    spread = m.treasury_10y - m.treasury_2y
    curve = yield_curve(spread)
    cycle = economic_cycle(m)
    risk = risk_environment(m, curve)
    environment = market_environment(risk, cycle, curve)
    data = {
        "fed_funds_rate": finite(m.fed_funds_rate, 3),
        "fed_funds_change_6m": finite(m.fed_funds_change_6m, 3),
        "cpi_yoy": finite(m.cpi_yoy, 2),
        "inflation": finite(m.cpi_yoy, 2),
        "gdp_growth": finite(m.gdp_growth, 2),
        "treasury_10y": finite(m.treasury_10y, 3),
        "treasury_2y": finite(m.treasury_2y, 3),
        "unemployment_rate": finite(m.unemployment_rate, 2),
        "yield_curve_spread": finite(spread, 3),
        "yield_curve_status": curve,
        # The earlier system's shapes: readings by indicator, and the curve as an object.
        "indicators": indicator_readings(m, previous),
        "yield_curve": {"spread": finite(spread, 3), "status": curve},
        "data_source": m.source,
        "summary": summary(m, spread, curve, cycle, risk),
        "economic_cycle": cycle,
        "risk_environment": risk,
        "market_environment": environment,
        "as_of_date": m.as_of.isoformat(),
        "is_demo_data": m.is_demo,
    }
    cycle_strength = {"supportive": 0.6, "restrictive": 0.6}.get(environment, 0.3)
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=direction_of(environment, cycle),
        strength=cycle_strength,
        source=m.source,
        freshness_hours=hours_between(session_close(m.as_of), ctx.as_of),
    )
