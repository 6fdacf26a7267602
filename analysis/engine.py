"""The analysis engine: provider → agents → synthesis → contract, for one ticker.

No database and no other app: callers pass in what the engine needs to know of
the world (previous snapshot, reliability evidence, portfolio position) and
persist what it returns. Point-in-time: every read goes through the provider
with `as_of`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analysis import contract as signal_contract
from analysis import decision, diagnostics, expected_returns, indicators, regime, synthesis
from analysis.agents import AGENT_NAMES
from analysis.agents.base import AgentOutput
from analysis.agents.parallel import ProgressCallback, run_agents
from analysis.contract.reliability import ReliabilityBinRow
from analysis.contract_inputs import AnsweredAgent, contract_inputs, contract_scenarios, decision_card_for
from analysis.market_data import MarketDataError, MarketDataProvider, PriceSeries

HISTORY_DAYS = 3 * 365 + 30  # three years of daily bars, plus warm-up
INDEX_TICKER = "SPY"


@dataclass(frozen=True)
class EngineRequest:
    ticker: str
    as_of: dt.datetime
    agents: tuple[str, ...] = AGENT_NAMES
    contract_enabled: bool = False
    cot_enabled: bool = False
    agent_timeout_s: float = 30.0
    previous_snapshot: dict[str, Any] | None = None
    previous_analysis_id: int | None = None
    previous_timestamp: str | None = None
    # Per horizon (1, 7, 30): the latest reliability bins known at `as_of`.
    reliability_bins: Mapping[int, Sequence[ReliabilityBinRow]] = field(default_factory=dict)
    portfolio_position: decision.PortfolioPosition | None = None
    # Per horizon: past calls' realised outcomes by signal-strength band, as known at `as_of`.
    return_evidence: Mapping[int, Sequence[expected_returns.BandEvidence]] = field(default_factory=dict)
    # Round trip of a new position (transaction cost + slippage), percent.
    round_trip_cost_pct: float = 0.15


@dataclass(frozen=True)
class EngineResult:
    ticker: str
    as_of: dt.datetime
    agent_outputs: dict[str, AgentOutput]
    analysis: dict[str, Any]
    reasoning_trace: str | None
    sentiment_factors: list[dict[str, Any]]
    reference_price: float
    last_bar_date: dt.date
    predicted_up_probability: float
    data_source: str
    is_demo: bool
    duration_seconds: float


def run_engine(
    request: EngineRequest, *, provider: MarketDataProvider, on_progress: ProgressCallback | None = None
) -> EngineResult:
    started = time.perf_counter()
    progress = on_progress or (lambda *args: None)
    prices = load_prices(provider, request.ticker, request.as_of)
    progress("data", "", 5, f"Loaded {len(prices)} daily bars through {prices.last_date}")
    outputs = run_agents(
        ticker=request.ticker,
        as_of=request.as_of,
        agents=request.agents,
        timeout_s=request.agent_timeout_s,
        provider=provider,
        prices=prices,
        progress=progress,
    )
    progress("synthesizing", "", 90, "Synthesising the agents' outputs")
    analysis, trace, factors, up_probability = synthesise(request, provider, prices, outputs)
    progress("synthesis", "", 95, f"{analysis['recommendation']} with score {analysis['score']:+d}")
    return EngineResult(
        ticker=request.ticker,
        as_of=request.as_of,
        agent_outputs=outputs,
        analysis=analysis,
        reasoning_trace=trace,
        sentiment_factors=factors,
        reference_price=float(prices.close[-1]),
        last_bar_date=prices.dates[-1].astype(dt.date),
        predicted_up_probability=up_probability,
        data_source=provider.name,
        is_demo=provider.is_demo,
        duration_seconds=time.perf_counter() - started,
    )


def load_prices(provider: MarketDataProvider, ticker: str, as_of: dt.datetime) -> PriceSeries:
    start = as_of.date() - dt.timedelta(days=HISTORY_DAYS)
    prices = provider.prices(ticker, start=start, as_of=as_of)
    if len(prices) < 2:
        raise MarketDataError(f"No daily prices for {ticker} on or before {as_of.date().isoformat()}.")
    return prices


def _daily_volatility_pct(prices: PriceSeries) -> float:
    returns = indicators.simple_returns(prices.close[-64:])[1:]
    return float(np.std(returns, ddof=1) * 100) if returns.size > 2 else 2.0


def _index_close(
    provider: MarketDataProvider, ticker: str, prices: PriceSeries, as_of: dt.datetime
) -> np.ndarray:
    """The market index for the regime; a provider without it falls back to the ticker itself."""
    if ticker == INDEX_TICKER:
        return prices.close
    try:
        return load_prices(provider, INDEX_TICKER, as_of).close
    except MarketDataError:
        return prices.close


def synthesise(
    request: EngineRequest, provider: MarketDataProvider, prices: PriceSeries, outputs: dict[str, AgentOutput]
) -> tuple[dict[str, Any], str | None, list[dict[str, Any]], float]:
    data = {name: out.data for name, out in outputs.items() if out.success}
    news = outputs.get("news")
    diag = diagnostics.diagnostics(
        directions={n: o.direction.value for n, o in outputs.items()},
        successes={n: o.success for n, o in outputs.items()},
        durations={n: o.duration_seconds for n, o in outputs.items()},
        sources={n: o.source for n, o in outputs.items()},
        # Demo data is the synthetic stand-in the earlier system fell back to.
        fallback_sources={
            n: o.source
            for n, o in outputs.items()
            if o.success
            and (o.data.get("is_demo_data", False) or (provider.is_demo and o.source == provider.name))
        },
        news_freshness_hours=news.freshness_hours if news and news.success else None,
    )
    terms = synthesis.score_terms(data)
    score = synthesis.total_score(terms)
    scaled = synthesis.scaled_call(terms)
    band7 = expected_returns.pick_band(request.return_evidence.get(7, ()), scaled.signal_strength)
    recommendation, _ = expected_returns.adapt_call(scaled.recommendation, band7)
    confidence = synthesis.raw_confidence(
        score=score,
        bullish=diag["bullish_count"],
        bearish=diag["bearish_count"],
        neutral=diag["neutral_count"],
        success_rate=diag["agent_success_rate"],
    )
    daily_vol = _daily_volatility_pct(prices)
    scenarios = synthesis.scenarios_for(recommendation, score, daily_vol)
    up_probability = synthesis.predicted_up_probability(scenarios, recommendation)
    price = float(prices.close[-1])
    atr_value = float(indicators.atr(prices.high, prices.low, prices.close, 14)[-1])
    if not np.isfinite(atr_value):
        atr_value = price * daily_vol / 100
    technical, fundamentals = data.get("technical") or {}, data.get("fundamentals") or {}
    card = decision_card_for(
        recommendation=recommendation,
        price=price,
        atr=atr_value,
        confidence=confidence,
        technical_strength=(technical.get("signals") or {}).get("strength"),
        health_score=fundamentals.get("health_score"),
        conflicted=diag["conflicted"],
        data_quality_level=diag["data_quality_level"],
        scenarios=scenarios,
        support=(data.get("market") or {}).get("support"),
        resistance=(data.get("market") or {}).get("resistance"),
        data=data,
    )
    horizon, size = card["time_horizon"], card["position_sizing"]["hint"]
    expectation = expected_returns.expected_returns_for(
        recommendation=recommendation,
        signal_recommendation=scaled.recommendation,
        signal_strength=scaled.signal_strength,
        evidence=request.return_evidence,
        scenario_e7_pct=signal_contract.scenario_expected_return(contract_scenarios(scenarios)),
        scenario_d7_pct=signal_contract.downside_risk_7d(
            contract_scenarios(scenarios),
            entry_price=card["reference_price"],
            stop_loss=card["stop_loss"],
            recommendation=recommendation,
        ),
        cost_pct=request.round_trip_cost_pct,
    )
    risks, opportunities = decision.risks_and_opportunities(data, diag)
    snapshot = diagnostics.signal_snapshot(
        recommendation=recommendation, score=score, confidence=confidence, data=data
    )
    changes = diagnostics.change_summary(
        request.previous_snapshot,
        snapshot,
        previous_analysis_id=request.previous_analysis_id,
        previous_timestamp=request.previous_timestamp,
    )
    rationale = decision.rationale(recommendation, request.ticker, score, confidence, terms, risks)
    if expectation.note:  # what the evidence says of this band comes first: it may have changed the call
        rationale = signal_contract.truncate_rationale(f"{expectation.note} {rationale}")
    portfolio_action = decision.legacy_portfolio_action(
        recommendation,
        size,
        request.portfolio_position,
        confidence=confidence,
        data_quality_level=diag["data_quality_level"],
        conflicted=diag["conflicted"],
    )
    macro = data.get("macro") or {}
    assessment = regime.classify_regime(
        _index_close(provider, request.ticker, prices, request.as_of),
        macro_environment=macro.get("market_environment"),
        data_quality_level=diag["data_quality_level"],
    )
    analysis: dict[str, Any] = {
        "recommendation": recommendation,
        "score": score,
        # Beside the legacy score: the call judged against what the answering agents can say.
        "signal_strength": scaled.signal_strength,
        "evidence_coverage": scaled.evidence_coverage,
        "signal_recommendation": scaled.recommendation,
        "synthesis_scaling": scaled.to_dict(),
        "expected_return_source": expectation.source,
        "expected_net_return_pct": {
            key: h.to_dict()["expected_net_return_pct"] for key, h in expectation.horizons.items()
        },
        "return_evidence": expectation.to_dict(),
        "confidence": confidence,
        "reasoning": rationale,
        "risks": risks,
        "opportunities": opportunities,
        "price_targets": {
            "entry": round(price, 4),
            "target": card["targets"][0],
            "stop_loss": card["stop_loss"],
        },
        "position_size": size,
        "time_horizon": horizon,
        "decision_card": card,
        # The earlier system sent the change summary under both names.
        "changes_since_last_run": changes,
        "change_summary": changes,
        "scenarios": synthesis.scenario_block([s.to_dict() for s in scenarios]),
        "scenario_list": [s.to_dict() for s in scenarios],
        "scenario_summary": synthesis.scenario_summary(scenarios),
        "diagnostics": diag,
        "diagnostics_summary": diagnostics.diagnostics_summary(diag),
        "portfolio_action": portfolio_action,
        "portfolio_action_v2": None,
        "portfolio_summary": portfolio_action["reason"],
        "signal_snapshot": snapshot,
        "market_regime": assessment.to_dict(),
        "data_source": {"provider": provider.name, "is_demo": provider.is_demo},
        "as_of": request.as_of.isoformat(),
        "price_as_of_date": str(prices.dates[-1]),
        "summary": f"{recommendation} {request.ticker} (score {score:+d}, confidence {confidence:.2f}). "
        + diagnostics.diagnostics_summary(diag),
    }
    if request.contract_enabled:
        contract = build_contract(request, analysis, outputs, scenarios, diag, assessment, expectation)
        analysis.update(
            {
                "analysis_schema_version": "v2",
                "signal_contract_v2": contract,
                "ev_score_7d": contract["ev_score_7d"],
                "confidence_calibrated": contract["confidence"]["calibrated"],
                "data_quality_score": contract["risk"]["data_quality_score"],
                "regime_label": contract["risk"]["regime_label"],
                "rationale_summary": contract["rationale_summary"],
            }
        )
    else:
        analysis.update(
            {
                "analysis_schema_version": "v1",
                "signal_contract_v2": None,
                "ev_score_7d": None,
                "confidence_calibrated": None,
                "data_quality_score": None,
                "regime_label": None,
                "rationale_summary": rationale,
            }
        )
    trace = reasoning_trace(terms, score, recommendation, diag, scaled) if request.cot_enabled else None
    factors = (data.get("sentiment") or {}).get("factor_rows", [])
    return analysis, trace, factors, up_probability


def reasoning_trace(
    terms: list[synthesis.ScoreTerm],
    score: int,
    recommendation: str,
    diag: dict[str, Any],
    scaled: synthesis.ScaledCall,
) -> str:
    """Step-by-step working; persisted only when COT_PERSISTENCE_ENABLED is on."""
    lines = [f"{t.name}: {t.why} → {t.points:+.2f}" for t in terms]
    lines.append(
        f"total (clipped to ±100) = {score:+d}; strength {scaled.signal_strength:+.1f} of reach "
        f"(coverage {scaled.evidence_coverage:.2f}) → {scaled.recommendation}; "
        f"after evidence {recommendation}"
    )
    lines.append(diagnostics.diagnostics_summary(diag))
    return "\n".join(lines)


def build_contract(
    request: EngineRequest,
    analysis: dict[str, Any],
    outputs: dict[str, AgentOutput],
    scenarios: list[synthesis.Scenario],
    diag: dict[str, Any],
    assessment: regime.RegimeAssessment,
    expectation: expected_returns.ExpectedReturns,
) -> dict[str, Any]:
    """The signal contract v2 of this analysis (`analysis.contract_inputs`, as the backfill builds it)."""
    news = outputs.get("news")
    market = outputs["market"].data if outputs.get("market") and outputs["market"].success else {}
    inputs = contract_inputs(
        recommendation=analysis["recommendation"],
        confidence=analysis["confidence"],
        scenarios=scenarios,
        card=analysis["decision_card"],
        reliability_bins=request.reliability_bins,
        diag=diag,
        answered=[
            AnsweredAgent(
                factor=o.agent_type,
                direction=o.direction.value,
                strength=o.strength,
                freshness_hours=o.freshness_hours,
                source=o.source,
                is_demo_data=bool(o.data.get("is_demo_data", False)),
            )
            for o in outputs.values()
            if o.success
        ],
        agent_count=len(outputs),
        newest_news_age_hours=news.freshness_hours if news and news.success else None,
        market=market,
        regime_label=assessment.label,
        regime_detail=assessment.to_dict(),
        rationale=analysis["reasoning"],
        expected_return_7d_pct=expectation.contract_e7_pct,
        downside_risk_7d_pct=expectation.contract_d7_pct,
    )
    return signal_contract.build_signal_contract_v2(inputs)
