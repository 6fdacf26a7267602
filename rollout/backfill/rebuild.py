"""Rebuilding an analysis's signal contract v2 with the live builder from what it stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis import contract as signal_contract
from analysis import decision, diagnostics, regime, synthesis
from analysis.contract.reliability import ReliabilityBinRow
from analysis.contract_inputs import AnsweredAgent, contract_inputs, decision_card_for, stored_expectation
from analysis.market_data import last_closed_session_day
from analysis.models import AgentResult, Analysis
from calibration.selectors import reliability_bin_rows
from rollout.backfill.outcomes import (
    SKIPPED_MISSING_AGENT_RESULTS,
    SKIPPED_MISSING_PAYLOAD,
    SKIPPED_MISSING_RECOMMENDATION,
)
from rollout.backfill.stored import (
    _agents,
    _direction_and_strength,
    _freshness_hours,
    _mapping,
    _num,
    _payload_diagnostics,
    _payload_scenarios,
    _source,
    _usable_card,
)

#: Daily volatility (percent) assumed when the market agent reported none (the engine's default).
DEFAULT_DAILY_VOL_PCT = 2.0


class SkipRow(Exception):
    """The row cannot be rebuilt; ``outcome`` is one of SKIP_REASONS."""

    def __init__(self, outcome: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail


@dataclass(frozen=True)
class Rebuilt:
    """A rebuilt contract, where it came from (``payload`` / ``agent_results``) and the notes."""

    contract: dict[str, Any]
    source: str
    notes: tuple[str, ...]


def _card_from_market(
    recommendation: str,
    confidence: float,
    scenarios: Sequence[synthesis.Scenario],
    diag: Mapping[str, Any],
    data: Mapping[str, dict[str, Any]],
    *,
    daily_vol: float,
    notes: list[str],
) -> dict[str, Any]:
    """The live path's decision card from the market agent's stored price, ATR and levels."""
    market = data.get("market") or {}
    price = _num(market.get("current_price"))
    if price is None or price <= 0:
        raise SkipRow(
            SKIPPED_MISSING_PAYLOAD,
            "no payload, no decision card and no market price to anchor the execution plan",
        )
    atr = _num(market.get("atr_14"))
    if atr is None or atr <= 0:
        atr = price * daily_vol / 100
        notes.append("ATR unknown; daily volatility used")
    technical_strength = _num(_mapping((data.get("technical") or {}).get("signals")).get("strength"))
    notes.append("decision card rebuilt from the market agent")
    return decision_card_for(
        recommendation=recommendation,
        price=price,
        atr=atr,
        confidence=confidence,
        technical_strength=round(technical_strength) if technical_strength is not None else None,
        health_score=_num((data.get("fundamentals") or {}).get("health_score")),
        conflicted=bool(diag.get("conflicted")),
        data_quality_level=str(diag["data_quality_level"]),
        scenarios=scenarios,
        support=_num(market.get("support")),
        resistance=_num(market.get("resistance")),
        data=data,
    )


class ReliabilityCache:
    """Calibration bins known at an as-of date (as the live path reads them), read once per date."""

    def __init__(self) -> None:
        self._by_date: dict[dt.date, dict[int, list[ReliabilityBinRow]]] = {}

    def bins(self, as_of: dt.datetime) -> dict[int, list[ReliabilityBinRow]]:
        day = last_closed_session_day(as_of)
        if day not in self._by_date:
            self._by_date[day] = reliability_bin_rows(day)
        return self._by_date[day]


def rebuild_contract(
    analysis: Analysis,
    agent_results: Sequence[AgentResult],
    *,
    reliability: ReliabilityCache | None = None,
) -> Rebuilt:
    """The analysis's signal contract v2, rebuilt with the live builder from what it stored.

    Raises SkipRow when the row cannot be rebuilt, ValueError when the builder rejects the
    inputs (e.g. an unknown regime label in a payload). Does not validate the result.
    """
    notes: list[str] = []
    agents = _agents(agent_results, notes)
    if not agents:
        raise SkipRow(SKIPPED_MISSING_AGENT_RESULTS, "no agent results stored")
    payload = analysis.analysis_payload if isinstance(analysis.analysis_payload, dict) else None
    source = "payload" if payload is not None else "agent_results"
    payload = payload or {}

    recommendation = analysis.recommendation or payload.get("recommendation")
    if recommendation not in signal_contract.RECOMMENDATIONS:
        raise SkipRow(SKIPPED_MISSING_RECOMMENDATION, "no recommendation in the column or the payload")

    data = {name: agent.data for name, agent in agents.items() if agent.success}
    as_of = analysis.effective_as_of
    news = agents.get("news")

    # Diagnostics: the payload's, or recomputed from the agents' stored data.
    payload_sources = _mapping(_mapping(payload.get("diagnostics")).get("sources"))
    diag = _payload_diagnostics(payload)
    directions: dict[str, tuple[str, float]] = {}
    for name, agent in agents.items():
        if agent.success:
            found = _direction_and_strength(name, agent.data)
            if found is None:
                notes.append(f"{name} direction not in its data; neutral")
                found = ("neutral", 0.0)
            directions[name] = found
    if diag is None:
        if payload:
            notes.append("diagnostics recomputed from agent results")
        diag = diagnostics.diagnostics(
            directions={name: directions.get(name, ("neutral", 0.0))[0] for name in agents},
            successes={name: agent.success for name, agent in agents.items()},
            durations={name: agent.duration_seconds for name, agent in agents.items()},
            sources={
                name: _source(agent, news, payload_sources, analysis.data_source)
                for name, agent in agents.items()
            },
        )

    # Score: the column, the payload, or the live score terms over the agents' data.
    try:
        terms = synthesis.score_terms(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        terms = []
        notes.append("score terms not computable from agent data")
    score_value = _num(analysis.score)
    if score_value is None:
        score_value = _num(payload.get("score"))
    if score_value is None:
        score_value = float(synthesis.total_score(terms))
        notes.append("score derived from agent data")
    score = round(score_value)

    # Raw confidence: the column, the payload, or the live formula over the diagnostics.
    confidence = _num(analysis.confidence_score)
    if confidence is None:
        confidence = _num(payload.get("confidence"))
    if confidence is None:
        confidence = synthesis.raw_confidence(
            score=score,
            bullish=int(diag["bullish_count"]),
            bearish=int(diag["bearish_count"]),
            neutral=int(diag["neutral_count"]),
            success_rate=float(diag["agent_success_rate"]),
        )
        notes.append("confidence derived from agent agreement")

    market = data.get("market") or {}
    scenarios = _payload_scenarios(payload)
    if scenarios is None:
        daily_vol = _num(market.get("volatility_3m"))
        if daily_vol is None:
            daily_vol = DEFAULT_DAILY_VOL_PCT
            notes.append(f"daily volatility unknown; {DEFAULT_DAILY_VOL_PCT:g} % assumed")
        scenarios = synthesis.scenarios_for(recommendation, score, daily_vol)
        if payload:
            notes.append("scenarios recomputed")
    else:
        daily_vol = _num(market.get("volatility_3m")) or DEFAULT_DAILY_VOL_PCT

    # Execution plan: the payload's decision card, the column's, or the live card rebuilt.
    card = _usable_card(payload.get("decision_card")) or _usable_card(analysis.decision_card)
    if card is None:
        card = _card_from_market(
            recommendation, confidence, scenarios, diag, data, daily_vol=daily_vol, notes=notes
        )

    # Regime: the payload's assessment, or the macro-only rule (no index prices are stored).
    stored_regime = _mapping(payload.get("market_regime"))
    if stored_regime.get("label") in signal_contract.REGIME_LABELS:
        regime_label, regime_detail = stored_regime["label"], stored_regime
    else:
        assessment = regime.classify_regime(
            np.empty(0),
            macro_environment=(data.get("macro") or {}).get("market_environment"),
            data_quality_level=str(diag["data_quality_level"]),
        )
        regime_label, regime_detail = assessment.label, assessment.to_dict()
        notes.append("regime from macro alone (no index history stored)")

    rationale = payload.get("reasoning")
    if not isinstance(rationale, str) or not rationale.strip():
        try:
            risks, _ = decision.risks_and_opportunities(data, diag)
        except (KeyError, TypeError, ValueError, AttributeError):
            risks = []
        rationale = decision.rationale(recommendation, analysis.ticker, score, confidence, terms, risks)
        if payload:
            notes.append("rationale rebuilt")

    news_age_hours = _num(news.data.get("newest_article_age_hours")) if news and news.success else None
    expected_return_7d_pct, downside_risk_7d_pct = stored_expectation(payload, recommendation)
    inputs = contract_inputs(
        recommendation=recommendation,
        confidence=confidence,
        scenarios=scenarios,
        card=card,
        reliability_bins=(reliability or ReliabilityCache()).bins(as_of),
        diag=diag,
        answered=[
            AnsweredAgent(
                factor=agent.agent_type,
                direction=directions[agent.agent_type][0],
                strength=directions[agent.agent_type][1],
                freshness_hours=_freshness_hours(agent, news, as_of),
                source=_source(agent, news, payload_sources, analysis.data_source),
                is_demo_data=bool(agent.data.get("is_demo_data", False)),
            )
            for agent in agents.values()
            if agent.success
        ],
        agent_count=len(agents),
        newest_news_age_hours=news_age_hours,
        market=market,
        regime_label=regime_label,
        regime_detail=regime_detail,
        rationale=rationale,
        expected_return_7d_pct=expected_return_7d_pct,
        downside_risk_7d_pct=downside_risk_7d_pct,
    )
    return Rebuilt(signal_contract.build_signal_contract_v2(inputs), source, tuple(notes))
