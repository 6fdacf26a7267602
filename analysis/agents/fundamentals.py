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


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def growth_trend(
    growth: float | None, *, latest: float | None, latest_date: str | None, level: str
) -> dict[str, object]:
    """The earlier trend object from a year-over-year growth rate.

    Only the year-over-year comparison is known here (no quarterly history), so the
    quarter-on-quarter fields and the data-point count are null.
    """
    year_ago = latest / (1 + growth) if latest is not None and growth is not None and growth != -1 else None
    trend = (
        "unknown"
        if growth is None
        else "growing"
        if growth > 0.02
        else "declining"
        if growth < -0.02
        else "stable"
    )
    return {
        "trend": trend,
        f"latest_{level}": finite(latest),
        f"previous_{level}": None,
        "qoq_change": None,
        "qoq_pct": None,
        "yoy_change": finite(latest - year_ago) if latest is not None and year_ago is not None else None,
        "yoy_pct": finite(growth * 100, 2) if growth is not None else None,
        "latest_date": latest_date,
        "data_points": None,
    }


def recent_earnings(f: Fundamentals) -> dict[str, object]:
    """Beats over the last reported quarters; a quarter that did not beat counts as a miss."""
    total, beats = f.earnings_quarters, f.earnings_beats
    if f.earnings_beat_rate is None:
        trend = "unknown"
    else:
        trend = (
            "beating"
            if f.earnings_beat_rate >= 0.75
            else "missing"
            if f.earnings_beat_rate <= 0.25
            else "mixed"
        )
    return {
        "beats": beats,
        "misses": total - beats if total is not None and beats is not None else None,
        "meets": None,  # in line with estimates is not told apart from a miss
        "total": total,
        "beat_rate": finite(f.earnings_beat_rate),
        "recent_quarters": [],
        "trend": trend,
    }


def summary(f: Fundamentals, health: float) -> str:
    name = f.company_name or f.ticker
    pe = f"{f.pe_ratio:.1f}" if f.pe_ratio is not None else "n/a"
    margin = f"{f.profit_margin:.1%}" if f.profit_margin is not None else "n/a"
    return (
        f"{name} operates in the {f.sector or 'unclassified'} sector. P/E ratio: {pe}, "
        f"Profit margins: {margin}. Overall health score: {health:.0f}/100."
    )


def run(ctx: AgentContext) -> AgentOutput:
    f = ctx.provider.fundamentals(ctx.ticker, as_of=ctx.as_of)
    if f is None:
        raise NoData(f"no fundamentals from the {ctx.provider.name} provider")
    health, notes = health_score(f)
    last_report = f.last_earnings_date.isoformat() if f.last_earnings_date else None
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
        "eps_trend_direction": _trend(f.eps_growth),
        "revenue_trend_direction": _trend(f.revenue_growth),
        "eps_growth": finite(f.eps_growth),
        "revenue_growth": finite(f.revenue_growth),
        "next_earnings_date": f.next_earnings_date.isoformat() if f.next_earnings_date else None,
        "last_earnings_date": f.last_earnings_date.isoformat() if f.last_earnings_date else None,
        "health_score": round(health, 1),
        "health_notes": notes,
        "as_of_date": f.as_of.isoformat(),
        "is_demo_data": f.is_demo,
        # The earlier system's names; null where this provider has no such figure.
        "company_name": f.company_name,
        "industry": None,
        "enterprise_value": None,
        "peg_ratio": finite(_ratio(f.pe_ratio, f.eps_growth * 100 if f.eps_growth else None), 2)
        if f.eps_growth and f.eps_growth > 0
        else None,
        "price_to_book": None,
        "price_to_sales": None,
        "profit_margins": finite(f.profit_margin),
        "operating_margins": finite(f.operating_margin),
        "return_on_assets": None,
        "dividend_rate": None,
        "payout_ratio": finite(f.dividend_yield * f.pe_ratio)
        if f.dividend_yield is not None and f.pe_ratio is not None and f.pe_ratio > 0
        else None,
        "earnings_growth": finite(f.eps_growth),
        "earnings_per_share": finite(f.earnings_per_share),
        "forward_eps": finite(_ratio(f.earnings_per_share * f.pe_ratio, f.forward_pe))
        if f.earnings_per_share is not None and f.pe_ratio is not None
        else None,
        "target_high_price": None,
        "target_low_price": None,
        "target_mean_price": None,
        "target_median_price": None,
        "recommendation": None,
        "number_of_analyst_opinions": None,
        "recent_earnings": recent_earnings(f),
        "current_ratio": None,
        "quick_ratio": None,
        "free_cash_flow": None,
        "operating_cash_flow": None,
        "eps_trend": growth_trend(
            f.eps_growth, latest=f.earnings_per_share, latest_date=last_report, level="eps"
        ),
        "revenue_trend": growth_trend(
            f.revenue_growth, latest=None, latest_date=last_report, level="revenue"
        ),
        "data_source": f.source,
        "summary": summary(f, health),
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
