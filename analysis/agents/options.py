"""Options agent: put/call ratios, max pain, unusual activity, implied volatility."""

from __future__ import annotations

from typing import Any

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between
from analysis.market_data import OptionsSummary, UnusualOptionActivity, session_close

NAME = "options"
HIGHEST_IV_CONTRACTS = 5


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


def contract_id(ticker: str, u: UnusualOptionActivity) -> str:
    """The OCC symbol: root, expiry YYMMDD, C/P, strike × 1000 in eight digits."""
    return f"{ticker}{u.expiry:%y%m%d}{'C' if u.kind == 'call' else 'P'}{round(u.strike * 1000):08d}"


def overall_signal(signal: int) -> str:
    return "bullish" if signal > 0 else "bearish" if signal < 0 else "neutral"


def describe(ratio: float | None, max_pain: float | None, unusual: int, signal: str, source: str) -> str:
    parts = []
    if ratio is not None:
        parts.append(f"P/C ratio: {ratio:.2f}")
    if max_pain is not None:
        parts.append(f"Max pain: ${max_pain:.2f}")
    if unusual:
        parts.append(f"{unusual} unusual activity contracts detected")
    parts += [f"Signal: {signal}", f"[Source: {source}]"]
    return ". ".join(parts) + "."


def run(ctx: AgentContext) -> AgentOutput:
    summary = ctx.provider.options(ctx.ticker, as_of=ctx.as_of)
    if summary is None:
        raise NoData(f"no options data from the {ctx.provider.name} provider")
    signal, ratio = options_signal(summary)
    oi_ratio = summary.put_open_interest / summary.call_open_interest if summary.call_open_interest else None
    by_iv = sorted(summary.unusual, key=lambda u: -u.implied_volatility)[:HIGHEST_IV_CONTRACTS]
    reading = overall_signal(signal)
    shown_ratio = finite(ratio, 3)
    summary_text = describe(
        shown_ratio, finite(summary.max_pain, 2), len(summary.unusual), reading, summary.source
    )
    data: dict[str, Any] = {
        "put_call_ratio": shown_ratio,
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
                "contractID": contract_id(ctx.ticker, u),
                "expiration": u.expiry.isoformat(),
                "vol_oi_ratio": finite(u.volume / u.open_interest if u.open_interest else None, 2),
            }
            for u in summary.unusual
        ],
        "signal": signal,
        # The earlier system's keys. The summary gives session totals, not the chain: the
        # contract count is the session's traded contracts, the highest-IV list ranks the
        # contracts seen (the unusual ones), and there is no per-expiry breakdown.
        "total_contracts": summary.call_volume + summary.put_volume,
        "highest_iv_contracts": [
            {
                "contractID": contract_id(ctx.ticker, u),
                "type": u.kind,
                "strike": finite(u.strike, 2),
                "expiration": u.expiry.isoformat(),
                "implied_volatility": finite(u.implied_volatility),
                "volume": u.volume,
            }
            for u in by_iv
        ],
        "near_term_summary": {},
        "overall_signal": reading,
        "data_source": summary.source,
        "summary": summary_text,
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
