"""Diagnostics of one analysis, and what changed since the previous one."""

from __future__ import annotations

from typing import Any

from analysis.agents import AGENT_NAMES

CRITICAL_AGENTS = ("news", "market", "fundamentals", "technical")


def diagnostics(
    *,
    directions: dict[str, str],
    successes: dict[str, bool],
    durations: dict[str, float],
    sources: dict[str, str],
    fallback_sources: dict[str, str] | None = None,
    news_freshness_hours: float | None = None,
) -> dict[str, Any]:
    """Agreement, conflict and data-quality level, as the earlier system reported them.

    Conflicted when at least two agents are bullish and two bearish. Quality is
    poor when agent success < 0.60 or two critical agents failed, good when
    success ≥ 0.85 with no failure, else warn. `fallback_sources` names the agents
    that answered from a stand-in source (demo data), with that source.

    The flat keys are ours; `disagreement` and `data_quality` are the earlier nesting
    (`with_earlier_nesting`).
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
    diag = {
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
        "fallback_sources": dict(fallback_sources or {}),
        "news_freshness_hours": news_freshness_hours,
    }
    return with_earlier_nesting(diag)


def with_earlier_nesting(diag: dict[str, Any]) -> dict[str, Any]:
    """`diag` with the earlier `disagreement` and `data_quality` objects built from its flat keys.

    Idempotent, and safe on diagnostics stored before the nesting existed (missing keys
    read as empty).
    """
    out = dict(diag)
    directions = dict(out.get("agent_directions") or {})
    conflicted = bool(out.get("conflicted"))
    counts = {kind: int(out.get(f"{kind}_count") or 0) for kind in ("bullish", "bearish", "neutral")}
    out["disagreement"] = {
        "agent_directions": directions,
        "bullish_count": counts["bullish"],
        "bearish_count": counts["bearish"],
        "neutral_count": counts["neutral"],
        "is_conflicted": conflicted,
        "conflicting_agents": sorted(n for n, d in directions.items() if d in ("bullish", "bearish"))
        if conflicted
        else [],
    }
    failed = list(out.get("failed_agents") or [])
    if "fallback_sources" in out:
        fallbacks = dict(out.get("fallback_sources") or {})
    else:  # stored before the key: the demo market is the one stand-in source
        answered = set(directions)
        sources = out.get("sources") or {}
        fallbacks = {n: src for n, src in sources.items() if src == "demo" and n in answered}
    # In the agents' canonical order: PostgreSQL's jsonb keeps an object's keys in an order of
    # its own, so a stored analysis must not list them in whatever order the dict comes back.
    fallbacks = dict(sorted(fallbacks.items(), key=lambda item: _agent_rank(item[0])))
    freshness = out.get("news_freshness_hours")
    warnings = []
    if failed:
        warnings.append(f"Failed agents: {', '.join(failed)}.")
    if fallbacks:
        used = ", ".join(f"{agent}({source})" for agent, source in fallbacks.items())
        warnings.append(f"Fallback data sources used: {used}.")
    if "news" in (out.get("sources") or {}) and freshness is None and "news" not in failed:
        warnings.append("News freshness is unavailable: no article carries a publish time.")
    if conflicted:
        warnings.append("Agents disagree: at least two are bullish and two bearish.")
    rate = out.get("agent_success_rate")
    out["data_quality"] = {
        "agent_success_rate": float(rate) if rate is not None else 0.0,
        "failed_agents": failed,
        "fallback_source_agents": [{"agent": agent, "source": source} for agent, source in fallbacks.items()],
        "news_freshness_hours": freshness,
        "quality_level": out.get("data_quality_level") or "warn",
        "warnings": warnings,
    }
    return out


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


def _options_word(signal: Any) -> str | None:
    if isinstance(signal, str):
        return signal
    if isinstance(signal, int | float) and not isinstance(signal, bool):
        return "bullish" if signal > 0 else "bearish" if signal < 0 else "neutral"
    return None


def _market_regime(trend: str | None) -> str:
    side = _trend_side(trend)
    if trend is None:
        return "unknown"
    return "bullish" if side > 0 else "bearish" if side < 0 else "neutral"


def signal_snapshot(
    *, recommendation: str, score: int, confidence: float, data: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The few values the next analysis compares itself against.

    The earlier keys (`options_signal` a word, `fundamentals_health_score`,
    `options_put_call_ratio`, ...) sit beside ours (`options_signal_score` the agent's
    -1/0/+1, `fundamentals_health`, `put_call_ratio`).
    """
    market, sentiment = data.get("market") or {}, data.get("sentiment") or {}
    fundamentals, options, macro = (
        data.get("fundamentals") or {},
        data.get("options") or {},
        data.get("macro") or {},
    )
    signals = (data.get("technical") or {}).get("signals") or {}
    return with_earlier_snapshot_keys(
        {
            "recommendation": recommendation,
            "score": score,
            "confidence": confidence,
            "market_trend": market.get("trend"),
            "sentiment_regime": sentiment.get("sentiment_regime"),
            "fundamentals_health": fundamentals.get("health_score"),
            "options_signal_score": options.get("signal"),
            "put_call_ratio": options.get("put_call_ratio"),
            "macro_risk_environment": macro.get("risk_environment"),
            "macro_cycle": macro.get("economic_cycle"),
            "technical_signal": signals.get("overall"),
            "technical_strength": signals.get("strength"),
            "sentiment_score": sentiment.get("overall_sentiment"),
        }
    )


def with_earlier_snapshot_keys(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot with the earlier key names and types; idempotent, safe on stored snapshots."""
    out = dict(snapshot)
    if "options_signal_score" not in out and not isinstance(out.get("options_signal"), str):
        out["options_signal_score"] = out.get("options_signal")
    out["options_signal"] = _options_word(out.get("options_signal_score"))
    out.setdefault("fundamentals_health", out.get("fundamentals_health_score"))
    out["fundamentals_health_score"] = out.get("fundamentals_health")
    out.setdefault("put_call_ratio", out.get("options_put_call_ratio"))
    out["options_put_call_ratio"] = out.get("put_call_ratio")
    out.setdefault("market_regime", _market_regime(out.get("market_trend")))
    out["market_regime"] = out["market_regime"] or "unknown"
    out["sentiment_regime"] = out.get("sentiment_regime") or "unknown"
    for key in ("technical_signal", "technical_strength", "sentiment_score", "macro_cycle"):
        out.setdefault(key, None)
    return out


def _trend_side(trend: str | None) -> int:
    if not trend:
        return 0
    return 1 if trend.endswith("uptrend") else -1 if trend.endswith("downtrend") else 0


def _moved(previous: dict[str, Any], current: dict[str, Any], key: str, threshold: float) -> bool:
    before, after = previous.get(key), current.get(key)
    return before is not None and after is not None and abs(after - before) >= threshold


CHANGE_TYPES = {
    "recommendation": "recommendation_change",
    "score": "score_shift",
    "confidence": "confidence_shift",
    "market_trend": "trend_flip",
    "sentiment_regime": "sentiment_regime_change",
    "fundamentals_health": "fundamentals_shift",
    "options_signal": "options_signal_change",
    "put_call_ratio": "put_call_shift",
    "macro_risk_environment": "macro_regime_change",
}


def _known(value: Any) -> Any:
    """A snapshot value worth comparing (the earlier snapshots say "unknown" for none)."""
    return None if value in (None, "", "unknown") else value


def _options_score(snapshot: dict[str, Any]) -> Any:
    if "options_signal_score" in snapshot:
        return snapshot["options_signal_score"]
    value = snapshot.get("options_signal")
    return {"bullish": 1, "bearish": -1, "neutral": 0}.get(value, value) if isinstance(value, str) else value


def change_summary(
    previous: dict[str, Any] | None,
    current: dict[str, Any],
    *,
    previous_analysis_id: int | None,
    previous_timestamp: str | None = None,
) -> dict[str, Any]:
    """Material changes between two signal snapshots, each with its impact.

    Ours (`changes[]` with `field`, `previous_analysis_id`) and the earlier keys
    (`material_changes[]` with `type`, `change_count`, `compared_to_*`) side by side.
    """
    if previous is None:
        return with_earlier_change_keys(
            {
                "has_previous": False,
                "previous_analysis_id": None,
                "changes": [],
                "summary": "First analysis of this ticker.",
            }
        )
    previous = dict(previous)
    current = dict(current)
    for snap in (previous, current):
        snap["options_signal"] = _options_score(snap)
        snap.setdefault("fundamentals_health", snap.get("fundamentals_health_score"))
        snap.setdefault("put_call_ratio", snap.get("options_put_call_ratio"))
        for key in ("sentiment_regime", "macro_risk_environment", "market_trend"):
            snap[key] = _known(snap.get(key))
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
    return with_earlier_change_keys(
        {
            "has_previous": True,
            "previous_analysis_id": previous_analysis_id,
            "changes": changes,
            "summary": summary,
        },
        compared_to_timestamp=previous_timestamp,
    )


def with_earlier_change_keys(
    summary: dict[str, Any] | None, *, compared_to_timestamp: str | None = None
) -> dict[str, Any]:
    """A change summary with the earlier keys; idempotent, safe on summaries stored before them."""
    out = dict(summary) if isinstance(summary, dict) else {"summary": str(summary or "")}
    changes = [c for c in out.get("changes") or [] if isinstance(c, dict)]
    out.setdefault("has_previous", bool(out.get("previous_analysis_id")))
    out.setdefault("summary", "")
    out.setdefault("changes", changes)
    if "material_changes" not in out:
        out["material_changes"] = [
            {
                "type": CHANGE_TYPES.get(str(c.get("field")), f"{c.get('field')}_change"),
                "label": c.get("label"),
                "previous": c.get("previous"),
                "current": c.get("current"),
                "impact": c.get("impact"),
            }
            for c in changes
        ]
    out["change_count"] = len(out["material_changes"])
    out.setdefault("compared_to_analysis_id", out.get("previous_analysis_id"))
    out.setdefault("compared_to_timestamp", compared_to_timestamp)
    return out


def _agent_rank(name: str) -> int:
    return AGENT_NAMES.index(name) if name in AGENT_NAMES else len(AGENT_NAMES)
