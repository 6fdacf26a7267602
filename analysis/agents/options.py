"""Options agent: put/call ratios, max pain, unusual activity, implied volatility."""

from __future__ import annotations

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import OptionsSummary, session_close

NAME = "options"


def put_call_signal(ratio: float) -> int:
    """> 1.5: −2, > 1.2: −1, < 0.5: +2, < 0.7: +1, else 0 (contrarian readings ignored)."""
    if ratio > 1.5:
        return -2
    if ratio > 1.2:
        return -1
    if ratio < 0.5:
        return 2
    if ratio < 0.7:
        return 1
    return 0


def options_signal(summary: OptionsSummary) -> tuple[int, float]:
    """Signal in −2..+2 from the volume put/call ratio and unusual calls versus puts."""
    ratio = summary.put_volume / summary.call_volume if summary.call_volume else float("inf")
    signal = put_call_signal(ratio)
    calls = sum(u.kind == "call" for u in summary.unusual)
    puts = sum(u.kind == "put" for u in summary.unusual)
    signal += (calls > puts) - (puts > calls)
    return max(-2, min(2, signal)), ratio


def run(ctx: AgentContext) -> AgentOutput:
    summary = ctx.provider.options(ctx.ticker, as_of=ctx.as_of)
    if summary is None:
        raise NoData(f"no options data from the {ctx.provider.name} provider")
    signal, ratio = options_signal(summary)
    oi_ratio = summary.put_open_interest / summary.call_open_interest if summary.call_open_interest else None
    data = {
        "put_call_ratio": finite(ratio, 3),
        "put_call_oi_ratio": finite(oi_ratio, 3),
        "call_volume": summary.call_volume,
        "put_volume": summary.put_volume,
        "max_pain": finite(summary.max_pain, 2),
        "highest_iv": finite(summary.highest_iv),
        "unusual_activity": [
            {
                "type": u.kind,
                "strike": finite(u.strike, 2),
                "expiry": u.expiry.isoformat(),
                "volume": u.volume,
                "open_interest": u.open_interest,
                "volume_oi_ratio": finite(u.volume / u.open_interest if u.open_interest else None, 2),
                "implied_volatility": finite(u.implied_volatility),
            }
            for u in summary.unusual
        ],
        "signal": signal,
        "as_of_date": summary.as_of.isoformat(),
        "is_demo_data": summary.is_demo,
    }
    direction = Direction.BULLISH if signal > 0 else Direction.BEARISH if signal < 0 else Direction.NEUTRAL
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=direction,
        strength=min(1.0, abs(ratio - 1.0)) if ratio != float("inf") else 1.0,
        source=summary.source,
        freshness_hours=hours_between(session_close(summary.as_of), ctx.as_of),
    )
