"""Reading back what an analysis stored: its agent results and its payload's parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis import contract as signal_contract
from analysis import synthesis
from analysis.agents import AGENT_NAMES
from analysis.agents import fundamentals as fundamentals_agent
from analysis.agents import macro as macro_agent
from analysis.agents import market as market_agent
from analysis.agents import technical as technical_agent
from analysis.agents.base import hours_between
from analysis.market_data import session_close
from analysis.models import AgentResult
from core.numeric import finite_number


@dataclass(frozen=True)
class _Agent:
    agent_type: str
    success: bool
    data: dict[str, Any]
    duration_seconds: float


_num = finite_number  # a finite float (bools excluded), else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _agents(agent_results: Sequence[AgentResult], notes: list[str]) -> dict[str, _Agent]:
    """The analysis's agents by type, in the engine's canonical order (first row of a type wins)."""
    found: dict[str, _Agent] = {}
    for result in sorted(agent_results, key=lambda r: r.pk or 0):
        if result.agent_type in found:
            notes.append(f"duplicate {result.agent_type} result ignored")
            continue
        if result.agent_type not in AGENT_NAMES:
            notes.append(f"unknown agent '{result.agent_type}' ignored")
            continue
        data = result.data if isinstance(result.data, dict) else {}
        found[result.agent_type] = _Agent(
            agent_type=result.agent_type,
            success=bool(result.success) and bool(data),
            data=data,
            duration_seconds=_num(result.duration_seconds) or 0.0,
        )
    return {name: found[name] for name in AGENT_NAMES if name in found}


def _direction_and_strength(agent_type: str, data: Mapping[str, Any]) -> tuple[str, float] | None:
    """An agent's direction and evidence strength recomputed from its stored ``data``, with the
    agents' own rules (None when the data does not say).
    """
    if agent_type == technical_agent.NAME:
        signals = _mapping(data.get("signals"))
        strength = _num(signals.get("strength"))
        if strength is None:
            return None
        points = round(strength)
        overall = signals.get("overall")
        overall = overall if isinstance(overall, str) else technical_agent.overall_signal(points)
        return (
            technical_agent.direction_of(overall, points).value,
            signal_contract.technical_evidence_strength(points),
        )
    if agent_type == fundamentals_agent.NAME:
        health = _num(data.get("health_score"))
        if health is None:
            return None
        return (
            fundamentals_agent.direction_of(health).value,
            signal_contract.fundamentals_evidence_strength(health),
        )
    if agent_type == market_agent.NAME:
        trend = data.get("trend")
        if trend not in market_agent.TREND_DIRECTION:
            return None
        return (
            market_agent.TREND_DIRECTION[trend].value,
            signal_contract.market_evidence_strength(trend != "sideways"),
        )
    if agent_type == macro_agent.NAME:
        environment, cycle = data.get("market_environment"), data.get("economic_cycle")
        if not isinstance(environment, str):
            return None
        strength = 0.6 if environment in ("supportive", "restrictive") else 0.3
        return macro_agent.direction_of(environment, str(cycle or "")).value, strength
    if agent_type == "options":
        signal_value = _num(data.get("signal"))
        if signal_value is None:
            return None
        direction = "bullish" if signal_value > 0 else "bearish" if signal_value < 0 else "neutral"
        ratio = _num(data.get("put_call_ratio"))  # None when there were no calls (an infinite ratio)
        return direction, 1.0 if ratio is None else signal_contract.options_evidence_strength(ratio)
    if agent_type in ("news", "sentiment"):
        value = _num(data.get("average_sentiment" if agent_type == "news" else "overall_sentiment"))
        if value is None:
            return None
        direction = "bullish" if value >= 0.2 else "bearish" if value <= -0.2 else "neutral"
        return direction, signal_contract.sentiment_evidence_strength(value)
    return None


def _freshness_hours(agent: _Agent, news: _Agent | None, as_of: dt.datetime) -> float | None:
    """Age of an agent's data in hours at the analysis's as-of, as the agents report it."""
    if agent.agent_type == "news":
        return _num(agent.data.get("newest_article_age_hours"))
    if agent.agent_type == "sentiment":
        return _num(news.data.get("newest_article_age_hours")) if news and news.success else None
    day = _date(agent.data.get("as_of_date"))
    return hours_between(session_close(day), as_of) if day else None


def _source(
    agent: _Agent, news: _Agent | None, payload_sources: Mapping[str, Any], data_source: str | None
) -> str:
    known = payload_sources.get(agent.agent_type)
    if isinstance(known, str):
        return known
    if agent.agent_type in ("news", "sentiment") and news and news.data.get("is_demo_data"):
        articles = news.data.get("articles")
        first = articles[0] if isinstance(articles, list) and articles else None
        if isinstance(first, dict) and isinstance(first.get("source"), str):
            return first["source"]
    if data_source:
        return data_source
    return "demo" if agent.data.get("is_demo_data") else "unknown"


def _payload_diagnostics(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    diag = _mapping(payload.get("diagnostics"))
    needed = ("bullish_count", "bearish_count", "neutral_count", "agent_success_rate")
    if all(_num(diag.get(key)) is not None for key in needed) and isinstance(
        diag.get("data_quality_level"), str
    ):
        return diag
    return None


def _earlier_scenarios(block: Mapping[str, Any]) -> list[synthesis.Scenario] | None:
    """The earlier system's `{bull|base|bear: {probability, expected_return_pct}}` block."""
    scenarios = []
    for name in ("bull", "base", "bear"):
        row = _mapping(block.get(name))
        probability, return_pct = _num(row.get("probability")), _num(row.get("expected_return_pct"))
        if probability is not None and return_pct is not None:
            scenarios.append(synthesis.Scenario(name, probability, return_pct))
    return scenarios or None


def _payload_scenarios(payload: Mapping[str, Any]) -> list[synthesis.Scenario] | None:
    # Our list is `scenario_list`; payloads stored before it moved kept it under `scenarios`,
    # and the earlier system's is a block keyed by scenario name.
    if isinstance(payload.get("scenarios"), dict) and not isinstance(payload.get("scenario_list"), list):
        return _earlier_scenarios(payload["scenarios"])
    rows = payload.get("scenario_list", payload.get("scenarios"))
    if not isinstance(rows, list) or not rows:
        return None
    scenarios = []
    for row in rows:
        row = _mapping(row)
        probability, return_pct = _num(row.get("probability")), _num(row.get("return_pct"))
        if probability is None or return_pct is None or not isinstance(row.get("name"), str):
            return None
        scenarios.append(synthesis.Scenario(row["name"], probability, return_pct))
    return scenarios


def _usable_card(card: Any) -> dict[str, Any] | None:
    """A decision card with a positive entry zone (what the execution plan needs), else None."""
    card = _mapping(card)
    zone = _mapping(card.get("entry_zone"))
    low, high = _num(zone.get("low")), _num(zone.get("high"))
    if low is None or high is None or low <= 0 or high <= 0:
        return None
    return card
