"""The one service that runs an analysis end to end, across the apps it orchestrates.

`run_analysis` is the only path from "a ticker" to "a stored analysis": API views, pages,
Celery tasks, watchlist runs and replay all call it, and none of the apps it calls imports it
back. Its steps stay a short list of calls: resolve flags → engine (point-in-time, with the
reliability bins and return evidence `calibration` knows at as_of, and the position
`portfolio` holds) → optimizer v2 (when enabled) → persist in one transaction (analysis,
agent results, sentiment factors, outcome rows) with the alert evaluation (`alerts`) → cache
the bars and articles used (best effort) → log line.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from alerts.services import evaluate_alerts
from analysis.backdating import is_backdated
from analysis.contract.reliability import ReliabilityBinRow
from analysis.decision import PortfolioPosition
from analysis.engine import HISTORY_DAYS, EngineRequest, EngineResult, ProgressCallback, run_engine
from analysis.engine_pool import run_engine_in_worker
from analysis.market_cache import cache_market_data
from analysis.market_context import MarketContext, load_market_context, with_market_context
from analysis.market_data import MarketDataError, MarketDataProvider, last_closed_session_day, session_close
from analysis.models import AgentResult, Analysis, RunKind, SentimentFactor
from analysis.providers import ProviderSpec, provider_for, provider_spec
from analysis.selectors import previous_analysis
from analysis.services import parse_analysis_request
from calibration.models import HORIZONS, AnalysisOutcome
from calibration.outcome_evidence import return_evidence
from calibration.selectors import reliability_bin_rows
from core.db import write_transaction
from core.domain_errors import DomainError
from core.flags import Flag, flag_posture, is_enabled
from portfolio.optimizer import optimize
from portfolio.optimizer.result import with_earlier_keys
from portfolio.selectors import current_profile, position_view
from portfolio.services import build_optimizer_inputs

logger = logging.getLogger(__name__)

# The features that change what one analysis computes or stores.
ANALYSIS_FEATURES = (
    Flag.SIGNAL_CONTRACT_V2,
    Flag.COT_PERSISTENCE,
    Flag.PORTFOLIO_OPTIMIZER_V2,
    Flag.CALIBRATION_ECONOMICS,
    Flag.ALERTS_V2,
)


@dataclass
class RunContext:
    """What the analyses of one run share, read once instead of once per ticker.

    A run (a watchlist's "analyse all") analyses many tickers as of one moment: the flag
    posture, the reliability bins and the market context (index series, macro snapshot) are
    the same for all of them. `engine_processes` > 0 runs each engine in a worker process
    (`analysis.engine_pool`), so a run's analyses use every core; a worker reports no
    per-agent progress, so streams that show it (one analysis, live) run in process. A flag
    flipped during a run applies from the next run.
    """

    posture: dict[str, bool]
    provider_spec: ProviderSpec
    provider: MarketDataProvider
    market: MarketContext | None = None
    engine_processes: int = 0
    # When the run was asked for: its analyses are backdated when their as_of session is
    # earlier than this moment's (`analysis.backdating`), however long the run then takes.
    requested_at: dt.datetime = field(default_factory=timezone.now)
    # The run's prefetched data, for a provider that fetches online (`prefetched`).
    snapshot: Any = None
    _snapshot_lock: threading.Lock = field(default_factory=threading.Lock)
    _bins: dict[dt.date, dict[int, list[ReliabilityBinRow]]] = field(default_factory=dict)
    _evidence: dict[dt.date, dict[int, list[Any]]] = field(default_factory=dict)

    def reliability_bins(self, as_of_date: dt.date) -> dict[int, list[ReliabilityBinRow]]:
        if as_of_date not in self._bins:
            self._bins[as_of_date] = reliability_bin_rows(as_of_date)
        return self._bins[as_of_date]

    def return_evidence(self, as_of_date: dt.date) -> dict[int, list[Any]]:
        """Outcomes realised by `as_of_date`, by signal-strength band (`analysis.expected_returns`)."""
        if as_of_date not in self._evidence:
            self._evidence[as_of_date] = return_evidence(as_of_date=as_of_date)
        return self._evidence[as_of_date]

    def prefetched(self, request: EngineRequest) -> MarketDataProvider | None:
        """For a provider that fetches online (`public`): the request's data, loaded into memory
        through its cache here, so the engine touches no network; None for the others."""
        if not getattr(self.provider, "fetches", False):
            return None
        with self._snapshot_lock:
            held = self.snapshot
        if held is None or not held.holds([request.ticker], request.as_of):
            loaded = self.provider.snapshot([request.ticker], request.as_of)
            with self._snapshot_lock:
                same_moment = self.snapshot is not None and self.snapshot.as_of == loaded.as_of
                self.snapshot = self.snapshot.merge(loaded) if same_moment else loaded
                held = self.snapshot
        prices = held.entries.get(("prices", request.ticker))
        if prices is not None and prices.unknown_ticker:
            raise DomainError(prices.reason)  # a 400 naming the price source
        return held

    def run_engine(self, request: EngineRequest, on_progress: ProgressCallback | None) -> EngineResult:
        snapshot = self.prefetched(request)
        if self.engine_processes > 0:
            return run_engine_in_worker(
                request,
                spec=self.provider_spec,
                context=self.market,
                size=self.engine_processes,
                provider=snapshot,
            )
        provider = snapshot if snapshot is not None else with_market_context(self.provider, self.market)
        return run_engine(request, provider=provider, on_progress=on_progress)


def prepare_run(
    *,
    as_of: dt.datetime | None = None,
    share_market: bool = False,
    engine_processes: int = 0,
    tickers: list[str] | None = None,
) -> RunContext:
    """A context for one or more analyses; `share_market` loads the market context at `as_of`.

    With a provider that fetches online, `tickers` are prefetched together at `as_of` (in
    bounded parallel threads), and that snapshot holds the index and macro the context would.
    """
    spec = provider_spec()
    provider = provider_for(spec)
    market = None
    snapshot = None
    if getattr(provider, "fetches", False):
        if tickers and as_of is not None:
            snapshot = provider.snapshot(list(tickers), as_of)
    elif share_market and as_of is not None:
        market = load_market_context(
            provider, as_of=as_of, index_start=as_of.date() - dt.timedelta(days=HISTORY_DAYS)
        )
    return RunContext(
        posture=flag_posture(),
        provider_spec=spec,
        provider=provider,
        market=market,
        engine_processes=max(0, engine_processes),
        snapshot=snapshot,
    )


def run_analysis(
    *,
    ticker: object,
    agents: str | list[str] | None = None,
    as_of: str | dt.date | dt.datetime | None = None,
    run_kind: str = RunKind.INTERACTIVE,
    on_progress: ProgressCallback | None = None,
    context: RunContext | None = None,
) -> Analysis:
    # Before as_of is parsed: an analysis as of "now" is then never earlier than its request.
    requested_at = context.requested_at if context is not None else timezone.now()
    request = parse_analysis_request(ticker=ticker, agents=agents, as_of=as_of)
    run = context or prepare_run()
    posture = run.posture
    backdated = is_backdated(as_of=request.as_of, created_at=requested_at, run_kind=run_kind)
    # A current run is compared with the current call before it, never with a replay.
    previous = previous_analysis(request.ticker, before=request.as_of, current_only=not backdated)
    position = position_view(request.ticker)
    cost_bps = (
        position.default_transaction_cost_bps if position else current_profile().default_transaction_cost_bps
    )
    session_day = last_closed_session_day(request.as_of)
    engine_request = EngineRequest(
        ticker=request.ticker,
        as_of=request.as_of,
        agents=request.agents,
        contract_enabled=is_enabled(Flag.SIGNAL_CONTRACT_V2, run_kind=run_kind, posture=posture),
        cot_enabled=is_enabled(Flag.COT_PERSISTENCE, posture=posture),
        agent_timeout_s=settings.ANALYSIS_AGENT_TIMEOUT_SECONDS,
        previous_snapshot=(previous.analysis_payload or {}).get("signal_snapshot") if previous else None,
        previous_analysis_id=previous.pk if previous else None,
        previous_timestamp=previous.timestamp.isoformat() if previous else None,
        # Bins dated by New York session: those closed by as_of, never a later day's.
        reliability_bins=run.reliability_bins(session_day),
        # Expected returns learn from outcomes realised by the same session day, never later.
        return_evidence=run.return_evidence(session_day),
        round_trip_cost_pct=(cost_bps + settings.CALIBRATION_SLIPPAGE_BPS) / 100.0,
        portfolio_position=PortfolioPosition(
            total_value=position.total_value,
            position_value=position.position_value,
            sector=position.sector,
            sector_value=position.sector_value,
            max_position_pct=position.max_position_pct,
            max_sector_pct=position.max_sector_pct,
        )
        if position
        else None,
    )
    try:
        result = run.run_engine(engine_request, on_progress)
    except MarketDataError as exc:
        raise DomainError(str(exc), status_code=422) from exc
    # Which features this analysis ran with, for audits and the rollout gates (a Stage B
    # gate asks only analyses sized by optimizer v2 for a portfolio_action_v2).
    features = {
        flag.value: is_enabled(flag, run_kind=run_kind, posture=posture) for flag in ANALYSIS_FEATURES
    }
    result.analysis["feature_flags"] = features
    if features[Flag.PORTFOLIO_OPTIMIZER_V2.value]:
        action = size_with_optimizer(result)
        result.analysis["portfolio_action_v2"] = action
        result.analysis["portfolio_summary_v2"] = (
            f"Optimizer v2: {str(action['recommended_action']).upper()} "
            f"(fit {action['fit_score']}/100). Target {action['target_position_pct']:.1%}, "
            f"sector {action['projected_sector_pct']:.1%}."
        )
    if on_progress is not None:
        on_progress("saving", "", 95, "Saving the analysis")
    with write_transaction():
        analysis = persist_analysis(
            result, run_kind=run_kind, backdated=backdated, transaction_cost_bps=cost_bps
        )
        evaluate_alerts(
            analysis=analysis,
            previous=previous,
            v2_enabled=is_enabled(Flag.ALERTS_V2, run_kind=run_kind, posture=posture),
        )
        # In the same commit (one write to the log, not three), under a savepoint: the cache
        # is a convenience, and the stored analysis stands without it.
        try:
            with transaction.atomic():
                cache_market_data(result)
        except DatabaseError:
            logger.exception("Could not cache market data for %s", request.ticker)
    success_rate = result.analysis["diagnostics"]["agent_success_rate"]
    logger.info(
        "baseline_metrics ticker=%s latency_s=%.3f agent_success_rate=%.2f",
        request.ticker,
        result.duration_seconds,
        success_rate,
    )
    return analysis


def size_with_optimizer(result: EngineResult) -> dict[str, Any]:
    """`portfolio_action_v2`: optimizer v2 against the desk's portfolio as it stands now."""
    agent_data = {name: output.data for name, output in result.agent_outputs.items() if output.success}
    try:
        inputs = build_optimizer_inputs(result.ticker, result.analysis, agent_data)
    except ValueError as exc:
        return with_earlier_keys({"action": "hold", "error": str(exc), "schema_version": "optimizer-2"})
    action = optimize(inputs).to_dict()
    contract = result.analysis.get("signal_contract_v2") or {}
    conflict = (contract.get("risk") or {}).get("conflict_score")
    if isinstance(conflict, int | float):
        action["signal_inputs"]["conflict_score"] = float(conflict)
    return action


@transaction.atomic
def persist_analysis(
    result: EngineResult, *, run_kind: str, transaction_cost_bps: float, backdated: bool | None = None
) -> Analysis:
    """Store one engine result; `backdated` None → decided from its as_of and now."""
    now = timezone.now()
    if backdated is None:
        backdated = is_backdated(as_of=result.as_of, created_at=now, run_kind=run_kind)
    payload = result.analysis
    v2 = payload["analysis_schema_version"] == "v2"
    sentiment = result.agent_outputs.get("sentiment")
    analysis = Analysis.objects.create(
        ticker=result.ticker,
        timestamp=now,
        as_of=result.as_of,
        run_kind=run_kind,
        backdated=backdated,
        data_source=result.data_source,
        recommendation=payload["recommendation"],
        confidence_score=payload["confidence"],
        overall_sentiment_score=sentiment.data.get("overall_sentiment")
        if sentiment and sentiment.success
        else None,
        solution_agent_reasoning=result.reasoning_trace,
        duration_seconds=round(result.duration_seconds, 6),
        score=payload["score"],
        decision_card=payload["decision_card"],
        change_summary=payload["change_summary"],
        analysis_payload=payload,
        analysis_schema_version=payload["analysis_schema_version"],
        signal_contract_v2=payload["signal_contract_v2"] if v2 else None,
        ev_score_7d=payload["ev_score_7d"] if v2 else None,
        confidence_calibrated=payload["confidence_calibrated"] if v2 else None,
        data_quality_score=payload["data_quality_score"] if v2 else None,
        regime_label=payload["regime_label"] if v2 else None,
        rationale_summary=payload["rationale_summary"] if v2 else None,
    )
    AgentResult.objects.bulk_create(
        AgentResult(
            analysis=analysis,
            agent_type=name,
            success=output.success,
            data=output.data,
            error=output.error,
            duration_seconds=round(output.duration_seconds, 6),
        )
        for name, output in result.agent_outputs.items()
    )
    SentimentFactor.objects.bulk_create(
        SentimentFactor(
            analysis=analysis,
            factor=row["factor"],
            score=row["score"],
            weight=row["weight"],
            contribution=row["contribution"],
        )
        for row in result.sentiment_factors
    )
    create_outcome_rows(analysis, result, transaction_cost_bps=transaction_cost_bps)
    return analysis


def create_outcome_rows(analysis: Analysis, result: EngineResult, *, transaction_cost_bps: float) -> None:
    """Pending outcomes at 1, 7 and 30 days, to be scored against realised prices."""
    # The raw confidence: reliability bins map raw confidence to realised hit rates.
    confidence = result.analysis["confidence"]
    base_day = result.as_of.astimezone(session_close(result.last_bar_date).tzinfo).date()
    AnalysisOutcome.objects.bulk_create(
        AnalysisOutcome(
            analysis=analysis,
            ticker=result.ticker,
            horizon_days=horizon,
            target_date=base_day + dt.timedelta(days=horizon),
            baseline_price=result.reference_price,
            predicted_up_probability=result.predicted_up_probability,
            confidence=confidence,
            transaction_cost_bps=transaction_cost_bps,
            slippage_bps=settings.CALIBRATION_SLIPPAGE_BPS,
        )
        for horizon in HORIZONS
    )
