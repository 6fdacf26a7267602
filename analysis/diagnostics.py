"""Diagnostics of one analysis, and what changed since the previous one."""

from __future__ import annotations

from typing import Any

CRITICAL_AGENTS = ("news", "market", "fundamentals", "technical")


def diagnostics(
    *,
    directions: dict[str, str],
    successes: dict[str, bool],
    durations: dict[str, float],
    sources: dict[str, str],
) -> dict[str, Any]:
    """Agreement, conflict and data-quality level, as the earlier system reported them.

    Conflicted when at least two agents are bullish and two bearish. Quality is
    poor when agent success < 0.60 or two critical agents failed, good when
    success ≥ 0.85 with no failure, else warn.
    """
    answered = {name: d for name, d in directions.items() if successes.get(name)}
    counts = {kind: sum(d == kind for d in answered.values()) for kind in ("bullish", "neutral", "bearish")}
    total = len(successes)
    success_rate = sum(successes.values()) / total if total else 0.0
    failed = sorted(name for name, ok in successes.items() if not ok)
    critical_failed = [name for name in failed if name in CRITICAL_AGENTS]
    if success_rate < 0.60 or len(critical_failed) >= 2:
        level = "poor"
    elif success_rate >= 0.85 and not failed:
        level = "good"
    else:
        level = "warn"
    return {
        "agent_directions": answered,
        "bullish_count": counts["bullish"],
        "neutral_count": counts["neutral"],
        "bearish_count": counts["bearish"],
        "conflicted": counts["bullish"] >= 2 and counts["bearish"] >= 2,
        "agent_success_rate": round(success_rate, 4),
        "failed_agents": failed,
        "critical_failures": critical_failed,
        "data_quality_level": level,
        "agent_latencies_s": {name: round(seconds, 4) for name, seconds in durations.items()},
        "sources": sources,
    }


def diagnostics_summary(diag: dict[str, Any]) -> str:
    text = (
        f"{diag['bullish_count']} bullish, {diag['neutral_count']} neutral, {diag['bearish_count']} bearish; "
        f"data quality {diag['data_quality_level']} ({diag['agent_success_rate']:.0%} of agents succeeded)"
    )
    if diag["conflicted"]:
        text += "; agents conflict"
    if diag["failed_agents"]:
        text += f"; failed: {', '.join(diag['failed_agents'])}"
    return text


def signal_snapshot(
    *, recommendation: str, score: int, confidence: float, data: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The few values the next analysis compares itself against."""
    market, sentiment = data.get("market") or {}, data.get("sentiment") or {}
    fundamentals, options, macro = (
        data.get("fundamentals") or {},
        data.get("options") or {},
        data.get("macro") or {},
    )
    return {
        "recommendation": recommendation,
        "score": score,
        "confidence": confidence,
        "market_trend": market.get("trend"),
        "sentiment_regime": sentiment.get("sentiment_regime"),
        "fundamentals_health": fundamentals.get("health_score"),
        "options_signal": options.get("signal"),
        "put_call_ratio": options.get("put_call_ratio"),
        "macro_risk_environment": macro.get("risk_environment"),
    }


def _trend_side(trend: str | None) -> int:
    if not trend:
        return 0
    return 1 if trend.endswith("uptrend") else -1 if trend.endswith("downtrend") else 0


def _moved(previous: dict[str, Any], current: dict[str, Any], key: str, threshold: float) -> bool:
    before, after = previous.get(key), current.get(key)
    return before is not None and after is not None and abs(after - before) >= threshold


def change_summary(
    previous: dict[str, Any] | None, current: dict[str, Any], *, previous_analysis_id: int | None
) -> dict[str, Any]:
    """Material changes between two signal snapshots, each with its impact."""
    if previous is None:
        return {
            "has_previous": False,
            "previous_analysis_id": None,
            "changes": [],
            "summary": "First analysis of this ticker.",
        }
    changes: list[dict[str, Any]] = []

    def change(field: str, label: str, impact: str) -> None:
        changes.append(
            {
                "field": field,
                "label": label,
                "previous": previous.get(field),
                "current": current.get(field),
                "impact": impact,
            }
        )

    if previous.get("recommendation") != current["recommendation"]:
        change("recommendation", "Recommendation changed", "high")
    if previous.get("score") is not None:
        shift = abs(current["score"] - previous["score"])
        if shift >= 15:
            change(
                "score",
                f"Score moved {current['score'] - previous['score']:+.0f}",
                "high" if shift >= 25 else "medium",
            )
    if previous.get("confidence") is not None and abs(current["confidence"] - previous["confidence"]) >= 0.10:
        change("confidence", "Confidence shifted", "medium")
    if _trend_side(previous.get("market_trend")) * _trend_side(current.get("market_trend")) < 0:
        change("market_trend", "Market trend flipped", "high")
    if (
        previous.get("sentiment_regime")
        and current.get("sentiment_regime")
        and previous["sentiment_regime"] != current["sentiment_regime"]
    ):
        change("sentiment_regime", "Sentiment regime changed", "medium")
    if _moved(previous, current, "fundamentals_health", 10):
        change("fundamentals_health", "Fundamentals health shifted", "medium")
    if previous.get("options_signal") is not None and previous.get("options_signal") != current.get(
        "options_signal"
    ):
        change("options_signal", "Options signal changed", "low")
    if _moved(previous, current, "put_call_ratio", 0.20):
        change("put_call_ratio", "Put/call ratio shifted", "low")
    if (
        previous.get("macro_risk_environment")
        and current.get("macro_risk_environment")
        and previous["macro_risk_environment"] != current["macro_risk_environment"]
    ):
        change("macro_risk_environment", "Macro risk environment changed", "medium")
    if changes:
        high = sum(c["impact"] == "high" for c in changes)
        summary = f"{len(changes)} change(s) since the last analysis ({high} high impact): " + "; ".join(
            c["label"] for c in changes
        )
    else:
        summary = "No material change since the last analysis."
    return {
        "has_previous": True,
        "previous_analysis_id": previous_analysis_id,
        "changes": changes,
        "summary": summary,
    }
