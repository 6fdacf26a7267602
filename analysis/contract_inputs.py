"""The decision card's and the signal contract's inputs, built one way for every caller.

The engine builds them live from its agents' outputs; the backfill (`rollout.backfill`) rebuilds
them from what an analysis stored, whose payload may be in an earlier format: a card whose entry
price is `entry_zone.reference` or that has no `max_holding_days`, a payload that did not yet
record where E7 and D7 came from. Both call these functions, so a rebuilt contract is put
together exactly as a live one. Pure: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis import decision, synthesis
from analysis.contract.inputs import ContractInputs, EvidenceItem, Scenario
from analysis.contract.reliability import ReliabilityBinRow, pick_bin
from core.numeric import finite_number


@dataclass(frozen=True)
class AnsweredAgent:
    """An agent that answered, as the contract weighs it: its evidence, and whether its data was
    the demo stand-in (which counts as a fallback source)."""

    factor: str
    direction: str
    strength: float
    freshness_hours: float | None
    source: str
    is_demo_data: bool


def contract_scenarios(scenarios: Sequence[synthesis.Scenario]) -> tuple[Scenario, ...]:
    return tuple(Scenario(s.name, s.probability, s.return_pct) for s in scenarios)


def bull_return_pct(scenarios: Sequence[synthesis.Scenario]) -> float:
    """The bull scenario's 7-day return (percent); without one named so, the best scenario's."""
    named = [s for s in scenarios if s.name.lower() == "bull"]
    return (named[0] if named else max(scenarios, key=lambda s: s.return_pct)).return_pct


def decision_card_for(
    *,
    recommendation: str,
    price: float,
    atr: float,
    confidence: float,
    technical_strength: Any,
    health_score: Any,
    conflicted: bool,
    data_quality_level: str,
    scenarios: Sequence[synthesis.Scenario],
    support: Any,
    resistance: Any,
    data: Mapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """The decision card: the horizon from technical strength and fundamentals health, the size
    from confidence and data quality, and the conditions that would invalidate the call at a
    stop two ATRs against it. The card carries the horizon (`time_horizon`) and the size
    (`position_sizing.hint`)."""
    horizon = decision.time_horizon(technical_strength, health_score)
    size = decision.position_size(confidence, conflicted=conflicted, data_quality_level=data_quality_level)
    stop_guess = price + 2 * atr if recommendation == "SELL" else price - 2 * atr
    return decision.decision_card(
        recommendation=recommendation,
        price=price,
        atr=atr,
        confidence=confidence,
        horizon=horizon,
        size=size,
        bull_return_pct=bull_return_pct(scenarios),
        support=support,
        resistance=resistance,
        invalidation=decision.invalidation_conditions(recommendation, stop=stop_guess, data=dict(data)),
    )


def card_reference_price(card: Mapping[str, Any]) -> float | None:
    """The card's entry price: ours (`reference_price`), else the earlier `entry_zone.reference`."""
    price = finite_number(card.get("reference_price"))
    if price is None:
        zone = card.get("entry_zone")
        price = finite_number(zone.get("reference")) if isinstance(zone, dict) else None
    return price if price is not None and price > 0 else None


def stored_expectation(payload: Mapping[str, Any], recommendation: str) -> tuple[float | None, float | None]:
    """E7 / D7 (percent) as the engine set them when it recorded where they came from (evidence,
    or 0 for a HOLD); (None, None) for an analysis from before that, which keeps the scenario
    formula it was built with."""
    if not isinstance(payload.get("expected_return_source"), str):
        return None, None
    if recommendation == "HOLD":
        return 0.0, 0.0
    seven = (((payload.get("return_evidence") or {}).get("horizons") or {}).get("7d")) or {}
    net, downside = (
        finite_number(seven.get("expected_net_return_pct")),
        finite_number(seven.get("downside_pct")),
    )
    if seven.get("source") != "evidence" or net is None or downside is None:
        return None, None
    side = 1.0 if recommendation == "BUY" else -1.0
    return side * net, downside


def contract_inputs(
    *,
    recommendation: str,
    confidence: float,
    scenarios: Sequence[synthesis.Scenario],
    card: Mapping[str, Any],
    reliability_bins: Mapping[int, Sequence[ReliabilityBinRow]],
    diag: Mapping[str, Any],
    answered: Sequence[AnsweredAgent],
    agent_count: int,
    newest_news_age_hours: float | None,
    market: Mapping[str, Any],
    regime_label: str,
    regime_detail: Mapping[str, Any] | None,
    rationale: str,
    expected_return_7d_pct: float | None = None,
    downside_risk_7d_pct: float | None = None,
) -> ContractInputs:
    """What `build_signal_contract_v2` needs, from one analysis's parts.

    `card` is a decision card with a numeric entry zone, ours or in an earlier format;
    `confidence` the raw confidence, at which each horizon's reliability bins are read;
    `answered` the agents that answered, of `agent_count` asked; `market` the market agent's
    data; E7 / D7 when they come from elsewhere than the scenarios (None: the scenario formulas).
    """
    zone = card["entry_zone"]
    max_holding = finite_number(card.get("max_holding_days"))
    if max_holding is None:
        max_holding = decision.HORIZON_DAYS.get(str(card.get("time_horizon")), 30)
    return ContractInputs(
        recommendation=recommendation,
        raw_confidence=confidence,
        scenarios=contract_scenarios(scenarios),
        entry_price=card_reference_price(card) or (float(zone["low"]) + float(zone["high"])) / 2,
        entry_zone=(finite_number(zone["low"]), finite_number(zone["high"])),
        stop_loss=finite_number(card.get("stop_loss")),
        targets=tuple(t for t in (finite_number(t) for t in card.get("targets") or ()) if t is not None),
        invalidation_conditions=tuple(str(c) for c in card.get("invalidation_conditions") or ()),
        max_holding_days=int(max_holding),
        reliability={horizon: pick_bin(rows, confidence) for horizon, rows in reliability_bins.items()},
        agent_success_rate=float(diag["agent_success_rate"]),
        fallback_share=sum(agent.is_demo_data for agent in answered) / agent_count if agent_count else 0.0,
        newest_news_age_hours=newest_news_age_hours,
        bullish_count=int(diag["bullish_count"]),
        bearish_count=int(diag["bearish_count"]),
        regime_label=regime_label,
        regime_detail=regime_detail,
        avg_dollar_volume_20d=finite_number(market.get("avg_dollar_volume_20d")),
        volatility_3m_pct=finite_number(market.get("volatility_3m")),
        evidence=tuple(
            EvidenceItem(
                factor=agent.factor,
                direction=agent.direction,
                strength=agent.strength,
                freshness_hours=agent.freshness_hours,
                source=agent.source,
            )
            for agent in answered
        ),
        rationale=rationale,
        expected_return_7d_pct=expected_return_7d_pct,
        downside_risk_7d_pct=downside_risk_7d_pct,
    )
