"""Macro agent: rates, inflation, growth, the yield curve and the cycle."""

from __future__ import annotations

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import MacroSnapshot, session_close

NAME = "macro"


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


def run(ctx: AgentContext) -> AgentOutput:
    m = ctx.provider.macro(as_of=ctx.as_of)
    if m is None:
        raise NoData(f"no macro data from the {ctx.provider.name} provider")
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
        "yield_curve": curve,
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
