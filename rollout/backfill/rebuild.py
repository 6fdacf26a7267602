"""Rebuilding an analysis's signal contract v2 with the live builder from what it stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis import contract as signal_contract
from analysis import decision, diagnostics, regime, synthesis
from analysis.engine import ReliabilityBinRow, pick_bin
from analysis.market_data import last_closed_session_day
from analysis.models import AgentResult, Analysis
from analysis.services import reliability_bin_rows
from rollout.backfill.outcomes import (
    SKIPPED_MISSING_AGENT_RESULTS,
    SKIPPED_MISSING_PAYLOAD,
    SKIPPED_MISSING_RECOMMENDATION,
)
from rollout.backfill.stored import (
    _agents,
    _bull_return,
    _card_reference,
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
    horizon = decision.time_horizon(
        round(technical_strength) if technical_strength is not None else None,
        _num((data.get("fundamentals") or {}).get("health_score")),
    )
    size = decision.position_size(
        confidence,
        conflicted=bool(diag.get("conflicted")),
        data_quality_level=str(diag["data_quality_level"]),
    )
    stop_guess = price + 2 * atr if recommendation == "SELL" else price - 2 * atr
    notes.append("decision card rebuilt from the market agent")
    return decision.decision_card(
        recommendation=recommendation,
        price=price,
        atr=atr,
        confidence=confidence,
        horizon=horizon,
        size=size,
        bull_return_pct=_bull_return(scenarios),
        support=_num(market.get("support")),
        resistance=_num(market.get("resistance")),
        invalidation=decision.invalidation_conditions(recommendation, stop=stop_guess, data=dict(data)),
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
    zone = card["entry_zone"]
    entry_price = _card_reference(card) or (float(zone["low"]) + float(zone["high"])) / 2
    max_holding = _num(card.get("max_holding_days"))
    if max_holding is None:
        max_holding = decision.HORIZON_DAYS.get(str(card.get("time_horizon")), 30)

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

    bins = (reliability or ReliabilityCache()).bins(as_of)
    answered = [agent for agent in agents.values() if agent.success]
    inputs = signal_contract.ContractInputs(
        recommendation=recommendation,
        raw_confidence=confidence,
        scenarios=tuple(signal_contract.Scenario(s.name, s.probability, s.return_pct) for s in scenarios),
        entry_price=entry_price,
        entry_zone=(_num(zone["low"]), _num(zone["high"])),
        stop_loss=_num(card.get("stop_loss")),
        targets=tuple(t for t in (_num(t) for t in card.get("targets") or ()) if t is not None),
        invalidation_conditions=tuple(str(c) for c in card.get("invalidation_conditions") or ()),
        max_holding_days=int(max_holding),
        reliability={horizon: pick_bin(rows, confidence) for horizon, rows in bins.items()},
        agent_success_rate=float(diag["agent_success_rate"]),
        fallback_share=sum(bool(a.data.get("is_demo_data", False)) for a in answered) / len(agents),
        newest_news_age_hours=_num(news.data.get("newest_article_age_hours"))
        if news and news.success
        else None,
        bullish_count=int(diag["bullish_count"]),
        bearish_count=int(diag["bearish_count"]),
        regime_label=regime_label,
        regime_detail=regime_detail,
        avg_dollar_volume_20d=_num(market.get("avg_dollar_volume_20d")),
        volatility_3m_pct=_num(market.get("volatility_3m")),
        evidence=tuple(
            signal_contract.EvidenceItem(
                factor=agent.agent_type,
                direction=directions[agent.agent_type][0],
                strength=directions[agent.agent_type][1],
                freshness_hours=_freshness_hours(agent, news, as_of),
                source=_source(agent, news, payload_sources, analysis.data_source),
            )
            for agent in answered
        ),
        rationale=rationale,
        **_stored_expectation(payload, recommendation),
    )
    return Rebuilt(signal_contract.build_signal_contract_v2(inputs), source, tuple(notes))


def _stored_expectation(payload: Mapping[str, Any], recommendation: str) -> dict[str, float]:
    """E7 / D7 as the engine set them when it recorded where they came from (evidence, or 0 for a
    HOLD); an analysis from before that keeps the scenario formula it was built with."""
    if not isinstance(payload.get("expected_return_source"), str):
        return {}
    if recommendation == "HOLD":
        return {"expected_return_7d_pct": 0.0, "downside_risk_7d_pct": 0.0}
    seven = (((payload.get("return_evidence") or {}).get("horizons") or {}).get("7d")) or {}
    net, downside = _num(seven.get("expected_net_return_pct")), _num(seven.get("downside_pct"))
    if seven.get("source") != "evidence" or net is None or downside is None:
        return {}
    side = 1.0 if recommendation == "BUY" else -1.0
    return {"expected_return_7d_pct": side * net, "downside_risk_7d_pct": downside}
