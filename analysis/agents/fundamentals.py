"""Fundamentals agent: valuation, profitability, leverage and earnings quality."""

from __future__ import annotations

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import Fundamentals, session_close

NAME = "fundamentals"


def health_score(f: Fundamentals) -> tuple[float, list[str]]:
    """0..100, starting at 50; each rule adds or removes points and says why."""
    score = 50.0
    notes: list[str] = []

    def rule(condition: bool, points: float, note: str) -> None:
        nonlocal score
        if condition:
            score += points
            notes.append(f"{'+' if points > 0 else ''}{points:g} {note}")

    if f.pe_ratio is not None:
        rule(0 < f.pe_ratio < 25, 10, "reasonable P/E")
        rule(f.pe_ratio <= 0 or f.pe_ratio > 40, -10, "negative or rich P/E")
    if f.profit_margin is not None:
        rule(f.profit_margin > 0.20, 10, "profit margin above 20 %")
        rule(f.profit_margin < 0.05, -10, "profit margin below 5 %")
    if f.debt_to_equity is not None:
        rule(f.debt_to_equity < 0.5, 10, "low leverage")
        rule(f.debt_to_equity > 2.0, -10, "high leverage")
    if f.return_on_equity is not None:
        rule(f.return_on_equity > 0.15, 10, "ROE above 15 %")
        rule(f.return_on_equity < 0.05, -5, "ROE below 5 %")
    if f.earnings_beat_rate is not None:
        rule(f.earnings_beat_rate >= 0.75, 5, "beats estimates consistently")
        rule(f.earnings_beat_rate <= 0.25, -5, "misses estimates often")
    if f.eps_growth is not None:
        rule(f.eps_growth > 0.10, 5, "EPS growing above 10 %")
        rule(f.eps_growth < -0.05, -5, "EPS shrinking")
    if f.revenue_growth is not None:
        rule(f.revenue_growth > 0.05, 5, "revenue growing above 5 %")
        rule(f.revenue_growth < 0, -5, "revenue shrinking")
    return max(0.0, min(100.0, score)), notes


def direction_of(health: float) -> Direction:
    return Direction.BULLISH if health >= 60 else Direction.BEARISH if health <= 40 else Direction.NEUTRAL


def _trend(growth: float | None) -> str | None:
    if growth is None:
        return None
    return "improving" if growth > 0.02 else "declining" if growth < -0.02 else "stable"


def run(ctx: AgentContext) -> AgentOutput:
    f = ctx.provider.fundamentals(ctx.ticker, as_of=ctx.as_of)
    if f is None:
        raise NoData(f"no fundamentals from the {ctx.provider.name} provider")
    health, notes = health_score(f)
    data = {
        "sector": f.sector,
        "market_cap": finite(f.market_cap, 0),
        "beta": finite(f.beta, 3),
        "pe_ratio": finite(f.pe_ratio, 2),
        "forward_pe": finite(f.forward_pe, 2),
        "profit_margin": finite(f.profit_margin),
        "operating_margin": finite(f.operating_margin),
        "debt_to_equity": finite(f.debt_to_equity),
        "return_on_equity": finite(f.return_on_equity),
        "dividend_yield": finite(f.dividend_yield),
        "earnings_beat_rate": finite(f.earnings_beat_rate),
        "eps_trend": _trend(f.eps_growth),
        "revenue_trend": _trend(f.revenue_growth),
        "eps_growth": finite(f.eps_growth),
        "revenue_growth": finite(f.revenue_growth),
        "next_earnings_date": f.next_earnings_date.isoformat() if f.next_earnings_date else None,
        "last_earnings_date": f.last_earnings_date.isoformat() if f.last_earnings_date else None,
        "health_score": round(health, 1),
        "health_notes": notes,
        "as_of_date": f.as_of.isoformat(),
        "is_demo_data": f.is_demo,
    }
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=direction_of(health),
        strength=min(1.0, abs(health - 50) / 50),
        source=f.source,
        freshness_hours=hours_between(session_close(f.as_of), ctx.as_of),
    )
