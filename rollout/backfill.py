"""The 180-day `signal_contract_v2` backfill (upgrade plan, "Backfill Procedure (180-day)").

Selection
    Every analysis of the window (``timestamp >= since`` or ``as_of >= since``, and an id no
    higher than the highest id when the run started) is *scanned*. It is *eligible* when its
    ``analysis_schema_version`` is ``v1``, its ``signal_contract_v2`` is missing, or the stored
    contract fails ``validate_signal_contract_v2``; otherwise it is skipped as *existing valid*.

Rebuild
    An eligible row is rebuilt with the live path's builder (``build_signal_contract_v2``) from
    what it stored: the payload's scenarios, decision card, diagnostics, market regime and
    rationale when the row has an ``analysis_payload``; otherwise (a row from before the
    upgrade) from its ``agent_results`` and core columns (``recommendation``,
    ``confidence_score``, ``score``, ``decision_card``) with the live path's own functions
    (``synthesis.scenarios_for``, ``decision.decision_card``, ``diagnostics.diagnostics``, the
    agents' direction helpers, ``regime.classify_regime`` on macro alone since no index prices
    are stored). Reliability evidence is the calibration bins known at the row's as-of date,
    as the live path reads them. Every fallback is written down in the row's notes.

    Only what truly cannot be rebuilt is skipped, with its reason: no agent results at all
    (*missing agent results*), no recommendation in the column or the payload (*missing
    recommendation*), or no payload and nothing to anchor the execution plan on (neither a
    ``decision_card`` column nor a market agent price: *missing payload*). A rebuilt contract
    that fails validation, or inputs the builder rejects, count as *failed (validation)*; a
    database error while writing as *failed (write)*. Hard failures are the two failure
    kinds; the run fails (exit code 2) when they reach 1 % of eligible rows.

Writes
    Only the additive v2 columns (``analysis_schema_version='v2'``, ``signal_contract_v2``,
    ``ev_score_7d``, ``confidence_calibrated``, ``data_quality_score``, ``regime_label``,
    ``rationale_summary``), with one ``UPDATE`` per row. Legacy columns and the payload are
    never touched; the report's spot-check compares a digest of them before and after.

Checkpoint and crash safety
    Rows are processed in id order, ``batch_size`` at a time, after the checkpoint cursor
    ``last_processed_id``. For each batch:

    1. the batch is classified and rebuilt in memory (nothing written);
    2. the checkpoint is rewritten with the batch as ``pending`` (its outcomes and the exact
       column values to write) - atomically: temporary file, fsync, ``os.replace``;
    3. the batch's updates are committed in one transaction (a savepoint per row, so one
       failed write does not undo the others);
    4. the checkpoint is rewritten with the batch folded in: cursor advanced, counters and
       audit lists updated, ``pending`` cleared - atomically again.

    A process killed anywhere (``kill -9`` included) leaves a checkpoint either before step 2
    (the batch is simply scanned again: its rows are untouched) or with a ``pending`` batch
    (re-applied - the writes are idempotent, the same values - then folded once). Either way
    every row's outcome is decided once, from its state before the backfill touched it, and
    counted once, so a crash followed by a re-run ends with the same database state and the
    same report counts as one clean run. The window (``since``, highest id) is fixed in the
    checkpoint when the run starts and reused on resume. (This covers the process dying; a
    power loss is covered only as far as the database makes a commit durable - SQLite with
    ``synchronous=NORMAL`` may lose the last commits, whose rows a later run finds again.)
    A finished run marks the checkpoint
    ``complete``; the next run starts afresh (and, everything now being valid, finds nothing
    eligible). A lock file next to the checkpoint refuses a second concurrent run.

Dry run
    Nothing is written to the database and the checkpoint is neither read nor written: the
    whole window is scanned in memory and the report says what a real run would do
    ("Updated" counts the rows that would be updated).

Report
    Markdown in the upgrade plan's template (with a "Run details" section after it: missing
    recommendation skips, interruption, resumes, skip and failure reasons) and a JSON twin at
    the same path with a ``.json`` suffix; written at the end of every run, dry or not, and
    when a run is interrupted (SIGINT/SIGTERM: it stops at the next row, discards the
    unwritten batch, writes the report with "Interrupted: yes"). A killed process cannot
    write one; the re-run writes the final report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import signal
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from analysis import contract as signal_contract
from analysis import decision, diagnostics, regime, synthesis
from analysis.agents import AGENT_NAMES
from analysis.agents import fundamentals as fundamentals_agent
from analysis.agents import macro as macro_agent
from analysis.agents import market as market_agent
from analysis.agents import technical as technical_agent
from analysis.agents.base import hours_between
from analysis.engine import ReliabilityBinRow, pick_bin
from analysis.market_data import last_closed_session_day, session_close
from analysis.models import AgentResult, Analysis
from calibration.selectors import latest_reliability_bins

DEFAULT_DAYS = 180
DEFAULT_BATCH_SIZE = 200
HARD_FAILURE_THRESHOLD = 0.01
SPOT_CHECK_ROWS = 20
CHECKPOINT_FORMAT = "signal-contract-backfill-checkpoint/1"
REPORT_TITLE = "Signal Contract V2 Backfill Audit Report"
SPOT_CHECK_HEADER = (
    "| analysis_id | ticker | schema_version=v2 | signal_contract_v2 valid | legacy keys unchanged | notes |"
)
#: Daily volatility (percent) assumed when the market agent reported none (the engine's default).
DEFAULT_DAILY_VOL_PCT = 2.0

# Outcomes of an eligible row.
UPDATED = "updated"
SKIPPED_MISSING_PAYLOAD = "skipped_missing_payload"
SKIPPED_MISSING_AGENT_RESULTS = "skipped_missing_agent_results"
SKIPPED_MISSING_RECOMMENDATION = "skipped_missing_recommendation"
FAILED_VALIDATION = "failed_validation"
FAILED_WRITE = "failed_write"
SKIP_REASONS = (SKIPPED_MISSING_PAYLOAD, SKIPPED_MISSING_AGENT_RESULTS, SKIPPED_MISSING_RECOMMENDATION)
FAILURES = (FAILED_VALIDATION, FAILED_WRITE)

COUNT_KEYS = (
    "scanned",
    "eligible",
    "updated",
    "skipped_existing_valid",
    "skipped_missing_payload",
    "skipped_missing_agent_results",
    "skipped_missing_recommendation",
    "failed_validation",
    "failed_write",
)

#: The additive columns the backfill writes, and nothing else.
V2_COLUMNS = (
    "analysis_schema_version",
    "signal_contract_v2",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "regime_label",
    "rationale_summary",
)
#: Columns the backfill must leave exactly as they were (compared by digest in the spot-check).
LEGACY_COLUMNS = (
    "ticker",
    "timestamp",
    "as_of",
    "recommendation",
    "confidence_score",
    "overall_sentiment_score",
    "score",
    "decision_card",
    "change_summary",
    "analysis_payload",
    "solution_agent_reasoning",
    "duration_seconds",
)


# --------------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------------


def window_since(days: int, *, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=days)


def in_window(since: dt.datetime) -> Q:
    """Analyses made, or looking at the market, on or after ``since``."""
    return Q(timestamp__gte=since) | Q(as_of__gte=since)


def eligibility(schema_version: str | None, contract: Any) -> str | None:
    """Why a row needs the backfill (``"contract missing"``, ``"schema v1"``, ``"contract
    invalid: …"``), or None when it already carries a valid v2 contract.
    """
    if contract is None:
        return "contract missing"
    if schema_version != "v2":
        return "schema v1"
    problems = signal_contract.validate_signal_contract_v2(contract)
    if problems:
        return f"contract invalid: {problems[0]}"
    return None


def select_eligible(since: dt.datetime, *, until_id: int | None = None) -> list[int]:
    """Ids (ascending) of the window's analyses that the backfill would rebuild."""
    rows = Analysis.objects.filter(in_window(since))
    if until_id is not None:
        rows = rows.filter(id__lte=until_id)
    values = rows.order_by("id").values_list("id", "analysis_schema_version", "signal_contract_v2")
    return [pk for pk, version, contract in values.iterator() if eligibility(version, contract) is not None]


# --------------------------------------------------------------------------------------------
# Rebuild
# --------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Agent:
    agent_type: str
    success: bool
    data: dict[str, Any]
    duration_seconds: float


def _num(value: Any) -> float | None:
    """A finite float (bools excluded), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


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


def _payload_scenarios(payload: Mapping[str, Any]) -> list[synthesis.Scenario] | None:
    rows = payload.get("scenarios")
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


def _bull_return(scenarios: Sequence[synthesis.Scenario]) -> float:
    named = [s for s in scenarios if s.name.lower() == "bull"]
    return (named[0] if named else max(scenarios, key=lambda s: s.return_pct)).return_pct


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
            self._by_date[day] = {
                horizon: [
                    ReliabilityBinRow(b.bin_lower, b.bin_upper, b.sample_size, b.empirical_hit_rate)
                    for b in rows
                ]
                for horizon, rows in latest_reliability_bins(as_of_date=day).items()
            }
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
    entry_price = _num(card.get("reference_price")) or (float(zone["low"]) + float(zone["high"])) / 2
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
    )
    return Rebuilt(signal_contract.build_signal_contract_v2(inputs), source, tuple(notes))


def v2_columns(contract: Mapping[str, Any]) -> dict[str, Any]:
    """The additive v2 column values of a contract, exactly as the live path persists them."""
    return {
        "analysis_schema_version": "v2",
        "signal_contract_v2": dict(contract),
        "ev_score_7d": contract["ev_score_7d"],
        "confidence_calibrated": contract["confidence"]["calibrated"],
        "data_quality_score": contract["risk"]["data_quality_score"],
        "regime_label": contract["risk"]["regime_label"],
        "rationale_summary": contract["rationale_summary"],
    }


def legacy_digest(analysis: Analysis) -> str:
    """A short digest of the legacy columns, to show the backfill left them alone."""
    values = {name: getattr(analysis, name) for name in LEGACY_COLUMNS}
    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _spot_key(analysis_id: int) -> str:
    """Spot-check order: a hash of the id, so the sample is the same whatever the batching."""
    return hashlib.sha256(f"spot-check:{analysis_id}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Checkpoint
# --------------------------------------------------------------------------------------------


class BackfillError(Exception):
    """A run that cannot start (bad checkpoint, mismatched parameters, a concurrent run)."""


def _write_json_atomic(path: Path, value: Any) -> None:
    """Replace ``path`` with ``value`` as JSON, durably: a reader (or a re-run after a crash)
    sees the old file or the new one, never a mix.
    """
    _write_text_atomic(path, json.dumps(value, separators=(",", ":")), durable=True)


def _write_text_atomic(path: Path, text: str, *, durable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        with contextlib.suppress(OSError):  # make the rename itself durable
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def _new_state(*, days: int, since: dt.datetime, max_id: int, started_at: dt.datetime) -> dict[str, Any]:
    return {
        "format": CHECKPOINT_FORMAT,
        "status": "running",
        "started_at": started_at.isoformat(),
        "since": since.isoformat(),
        "days": days,
        "max_id": max_id,
        "last_processed_id": 0,
        "batches": 0,
        "resumes": 0,
        "counts": dict.fromkeys(COUNT_KEYS, 0),
        "spot_candidates": [],
        "skipped": [],
        "failures": [],
        "pending": None,
    }


@contextlib.contextmanager
def _run_lock(checkpoint_path: Path) -> Iterator[None]:
    """An exclusive lock next to the checkpoint (released by the OS even on kill -9)."""
    import fcntl

    lock_path = checkpoint_path.with_name(checkpoint_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise BackfillError(f"Another backfill holds {lock_path}; wait for it to finish.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackfillOptions:
    checkpoint_path: Path
    report_path: Path
    days: int = DEFAULT_DAYS
    batch_size: int = DEFAULT_BATCH_SIZE
    dry_run: bool = False


@dataclass
class BackfillResult:
    """What a run did: the report's content, and where it was written."""

    report: dict[str, Any]
    markdown: str
    report_path: Path
    json_path: Path

    @property
    def counts(self) -> dict[str, int]:
        return self.report["summary"]

    @property
    def hard_failure_rate(self) -> float:
        return self.report["summary"]["hard_failure_rate"]

    @property
    def hard_failed(self) -> bool:
        return self.report["summary"]["hard_failure_rate"] >= HARD_FAILURE_THRESHOLD

    @property
    def interrupted(self) -> bool:
        return self.report["interrupted"]


@dataclass
class _Outcome:
    analysis_id: int
    ticker: str
    status: str
    detail: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    digest: str = ""
    columns: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "analysis_id": self.analysis_id,
            "ticker": self.ticker,
            "status": self.status,
            "detail": self.detail,
            "source": self.source,
            "notes": self.notes,
            "digest": self.digest,
            "columns": self.columns,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> _Outcome:
        return cls(**{key: value[key] for key in cls.__dataclass_fields__ if key in value})


class Backfill:
    """One backfill run. ``run()`` returns the result after writing the report.

    ``stop_requested`` may be set from a signal handler: the run stops before the next row,
    discards the batch it had not written yet and writes an interrupted report.
    """

    def __init__(
        self,
        options: BackfillOptions,
        *,
        now: Callable[[], dt.datetime] = timezone.now,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if options.days < 1:
            raise BackfillError("--days must be 1 or more.")
        if options.batch_size < 1:
            raise BackfillError("--batch-size must be 1 or more.")
        self.options = options
        self.now = now
        self.progress = progress or (lambda message: None)
        self.stop_requested: str | None = None
        self.reliability = ReliabilityCache()
        self.resumed = False

    # -- entry point ------------------------------------------------------------------------

    def run(self) -> BackfillResult:
        if self.options.dry_run:
            state = self._fresh_state()
            self._guarded(lambda: self._loop(state, write=False))
            return self._finish(state)
        with _run_lock(self.options.checkpoint_path):
            state = self._load_or_start()

            def work() -> None:
                if state.get("pending"):
                    upto = state["pending"]["last_processed_id"]
                    self.progress(f"Re-applying the batch left pending (through id {upto}).")
                    self._commit_pending(state)
                self._loop(state, write=True)

            self._guarded(work)
            if not self.stop_requested:
                state["status"] = "complete"
                _write_json_atomic(self.options.checkpoint_path, state)
            return self._finish(state)

    def _guarded(self, work: Callable[[], None]) -> None:
        """Run ``work``; a KeyboardInterrupt (no handler installed, or a second signal) stops the
        run like a requested stop. The checkpoint on disk is consistent at every instant, so the
        report is still written and a re-run resumes.
        """
        try:
            work()
        except KeyboardInterrupt:
            self.stop_requested = self.stop_requested or "SIGINT"

    # -- state ------------------------------------------------------------------------------

    def _fresh_state(self) -> dict[str, Any]:
        started = self.now()
        max_id = Analysis.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return _new_state(
            days=self.options.days,
            since=window_since(self.options.days, now=started),
            max_id=max_id,
            started_at=started,
        )

    def _load_or_start(self) -> dict[str, Any]:
        path = self.options.checkpoint_path
        if path.exists():
            try:
                state = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise BackfillError(
                    f"Checkpoint {path} is unreadable ({exc}); inspect it, or delete it to start over."
                ) from exc
            if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
                raise BackfillError(f"{path} is not a backfill checkpoint; use another --checkpoint-file.")
            if state.get("status") == "running":
                if state.get("days") != self.options.days:
                    raise BackfillError(
                        f"Checkpoint {path} belongs to an unfinished run with --days {state.get('days')}; "
                        "re-run with those days to finish it, or delete the checkpoint to start over."
                    )
                state["resumes"] = int(state.get("resumes", 0)) + 1
                self.resumed = True
                self.progress(
                    f"Resuming from {path} after id {state['last_processed_id']} "
                    f"(window since {state['since']})."
                )
                _write_json_atomic(path, state)
                return state
        state = self._fresh_state()
        _write_json_atomic(path, state)
        return state

    # -- batches ----------------------------------------------------------------------------

    def _loop(self, state: dict[str, Any], *, write: bool) -> None:
        since = dt.datetime.fromisoformat(state["since"])
        while not self.stop_requested:
            ids = list(
                Analysis.objects.filter(
                    in_window(since), id__gt=state["last_processed_id"], id__lte=state["max_id"]
                )
                .order_by("id")
                .values_list("id", flat=True)[: self.options.batch_size]
            )
            if not ids:
                return
            batch = self._classify(ids)
            if batch is None:  # stopped mid-batch: nothing of it was written or counted
                return
            state["pending"] = {"last_processed_id": ids[-1], "scanned": len(ids), "outcomes": batch}
            if write:
                _write_json_atomic(self.options.checkpoint_path, state)
                self._commit_pending(state)
            else:
                self._fold(state)
            self.progress(
                f"Batch {state['batches']}: through id {state['last_processed_id']}, "
                f"{state['counts']['updated']} updated so far."
            )

    def _classify(self, ids: list[int]) -> list[dict[str, Any]] | None:
        """Outcomes of a batch's eligible rows (existing-valid rows are only counted)."""
        rows = (
            Analysis.objects.filter(id__in=ids)
            .order_by("id")
            .prefetch_related(Prefetch("agent_results", queryset=AgentResult.objects.order_by("id")))
        )
        outcomes: list[dict[str, Any]] = []
        for row in rows:
            if self.stop_requested:
                return None
            why = eligibility(row.analysis_schema_version, row.signal_contract_v2)
            if why is None:
                continue
            outcomes.append(self._rebuild(row, why).to_json())
        return outcomes

    def _rebuild(self, row: Analysis, why: str) -> _Outcome:
        outcome = _Outcome(analysis_id=row.pk, ticker=row.ticker, status=UPDATED, digest=legacy_digest(row))
        try:
            rebuilt = rebuild_contract(row, list(row.agent_results.all()), reliability=self.reliability)
        except SkipRow as skip:
            outcome.status, outcome.detail = skip.outcome, skip.detail
            return outcome
        except ValueError as exc:
            outcome.status, outcome.detail = FAILED_VALIDATION, f"builder rejected the inputs: {exc}"
            return outcome
        except Exception as exc:  # odd stored data must not stop the run; recorded as a failure
            outcome.status = FAILED_VALIDATION
            outcome.detail = f"rebuild error ({type(exc).__name__}: {str(exc)[:120]})"
            return outcome
        problems = signal_contract.validate_signal_contract_v2(rebuilt.contract)
        outcome.source, outcome.notes = rebuilt.source, [why, *rebuilt.notes]
        if problems:
            outcome.status = FAILED_VALIDATION
            outcome.detail = "; ".join(problems[:3])
            return outcome
        outcome.columns = v2_columns(rebuilt.contract)
        return outcome

    def _commit_pending(self, state: dict[str, Any]) -> None:
        """Write the pending batch's updates (idempotent: the same values every time), then fold."""
        pending = state["pending"]
        with transaction.atomic():
            for item in pending["outcomes"]:
                if item["status"] != UPDATED:
                    continue
                try:
                    with transaction.atomic():
                        written = write_v2_columns(item["analysis_id"], item["columns"])
                except DatabaseError as exc:
                    item["status"], item["detail"] = FAILED_WRITE, f"{type(exc).__name__}: {str(exc)[:160]}"
                    continue
                if not written:
                    item["status"], item["detail"] = FAILED_WRITE, "row no longer exists"
        self._fold(state)
        _write_json_atomic(self.options.checkpoint_path, state)

    def _fold(self, state: dict[str, Any]) -> None:
        """Count the pending batch once, advance the cursor and clear ``pending``."""
        pending = state["pending"]
        counts = state["counts"]
        outcomes = [_Outcome.from_json(item) for item in pending["outcomes"]]
        counts["scanned"] += pending["scanned"]
        counts["eligible"] += len(outcomes)
        counts["skipped_existing_valid"] += pending["scanned"] - len(outcomes)
        candidates = state["spot_candidates"]
        for outcome in outcomes:
            counts[outcome.status] += 1
            if outcome.status in SKIP_REASONS:
                state["skipped"].append(
                    {
                        "analysis_id": outcome.analysis_id,
                        "ticker": outcome.ticker,
                        "reason": outcome.status,
                        "detail": outcome.detail,
                    }
                )
            elif outcome.status in FAILURES:
                state["failures"].append(
                    {
                        "analysis_id": outcome.analysis_id,
                        "ticker": outcome.ticker,
                        "kind": outcome.status,
                        "detail": outcome.detail,
                    }
                )
            else:
                candidates.append(
                    {
                        "key": _spot_key(outcome.analysis_id),
                        "analysis_id": outcome.analysis_id,
                        "ticker": outcome.ticker,
                        "digest": outcome.digest,
                        "source": outcome.source,
                        "notes": outcome.notes,
                    }
                )
        candidates.sort(key=lambda c: c["key"])
        del candidates[SPOT_CHECK_ROWS:]
        state["last_processed_id"] = pending["last_processed_id"]
        state["batches"] += 1
        state["pending"] = None

    # -- report -----------------------------------------------------------------------------

    def _finish(self, state: dict[str, Any]) -> BackfillResult:
        report = build_report(
            state,
            ended_at=self.now(),
            batch_size=self.options.batch_size,
            dry_run=self.options.dry_run,
            interrupted=self.stop_requested,
            checkpoint_path=None if self.options.dry_run else self.options.checkpoint_path,
        )
        markdown = render_markdown(report)
        report_path = self.options.report_path
        json_path = json_twin_path(report_path)
        _write_text_atomic(report_path, markdown)
        _write_text_atomic(json_path, json.dumps(report, indent=2, sort_keys=True) + "\n")
        return BackfillResult(report=report, markdown=markdown, report_path=report_path, json_path=json_path)


def write_v2_columns(analysis_id: int, columns: Mapping[str, Any]) -> bool:
    """One UPDATE of the additive v2 columns only; False when the row is gone."""
    unknown = set(columns) - set(V2_COLUMNS)
    if unknown:
        raise ValueError(f"the backfill writes only the v2 columns, not {sorted(unknown)}")
    return Analysis.objects.filter(pk=analysis_id).update(**columns) == 1


def json_twin_path(report_path: Path) -> Path:
    if report_path.suffix.lower() == ".json":
        return report_path.with_name(report_path.name + ".json")
    return report_path.with_suffix(".json")


def build_report(
    state: Mapping[str, Any],
    *,
    ended_at: dt.datetime,
    batch_size: int,
    dry_run: bool,
    interrupted: str | None,
    checkpoint_path: Path | None,
) -> dict[str, Any]:
    """The report as plain data (the JSON twin); ``render_markdown`` turns it into the template."""
    counts = dict(state["counts"])
    hard = counts["failed_validation"] + counts["failed_write"]
    rate = hard / counts["eligible"] if counts["eligible"] else 0.0
    spot = []
    current = {
        row.pk: row
        for row in Analysis.objects.filter(pk__in=[c["analysis_id"] for c in state["spot_candidates"]])
    }
    for candidate in state["spot_candidates"]:
        row = current.get(candidate["analysis_id"])
        notes = ", ".join([f"rebuilt from {candidate['source']}", *candidate["notes"]])
        if row is None:
            spot.append(_spot_row(candidate, False, False, False, f"row deleted; {notes}"))
        elif dry_run:
            unchanged = legacy_digest(row) == candidate["digest"]
            spot.append(_spot_row(candidate, False, True, unchanged, f"dry run, not written; {notes}"))
        else:
            spot.append(
                _spot_row(
                    candidate,
                    row.analysis_schema_version == "v2",
                    signal_contract.is_valid_signal_contract_v2(row.signal_contract_v2),
                    legacy_digest(row) == candidate["digest"],
                    notes,
                )
            )
    return {
        "title": REPORT_TITLE,
        "started": state["started_at"],
        "ended": ended_at.isoformat(),
        "scope_days": state["days"],
        "since": state["since"],
        "batch_size": batch_size,
        "dry_run": dry_run,
        "interrupted": bool(interrupted),
        "interrupted_by": interrupted,
        "resumes": int(state.get("resumes", 0)),
        "complete": not interrupted,
        "checkpoint_file": str(checkpoint_path) if checkpoint_path else None,
        "last_processed_id": state["last_processed_id"],
        "max_id": state["max_id"],
        "summary": {
            **counts,
            "hard_failures": hard,
            "hard_failure_rate": round(rate, 6),
            "hard_failure_threshold": HARD_FAILURE_THRESHOLD,
        },
        "spot_check": spot,
        "skipped": list(state["skipped"]),
        "failures": list(state["failures"]),
    }


def _spot_row(
    candidate: Mapping[str, Any], is_v2: bool, valid: bool, unchanged: bool, notes: str
) -> dict[str, Any]:
    return {
        "analysis_id": candidate["analysis_id"],
        "ticker": candidate["ticker"],
        "schema_version_v2": is_v2,
        "signal_contract_v2_valid": valid,
        "legacy_keys_unchanged": unchanged,
        "notes": notes,
    }


def _cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def render_markdown(report: Mapping[str, Any]) -> str:
    """The upgrade plan's "Backfill Audit Report Template", filled, then the run details."""
    s = report["summary"]
    lines = [
        f"# {REPORT_TITLE}",
        "",
        f"- Started: {report['started']}",
        f"- Ended: {report['ended']}",
        f"- Scope (days): {report['scope_days']}",
        f"- Since timestamp: {report['since']}",
        f"- Batch size: {report['batch_size']}",
        f"- Dry run: {_yes(report['dry_run'])}",
        "",
        "## Summary",
        "| Metric | Value |",
        "| --- | ---: |",
        f"| Scanned | {s['scanned']} |",
        f"| Eligible | {s['eligible']} |",
        f"| Updated | {s['updated']} |",
        f"| Skipped (existing valid) | {s['skipped_existing_valid']} |",
        f"| Skipped (missing payload) | {s['skipped_missing_payload']} |",
        f"| Skipped (missing agent results) | {s['skipped_missing_agent_results']} |",
        f"| Failed (validation) | {s['failed_validation']} |",
        f"| Failed (write) | {s['failed_write']} |",
        f"| Hard failure rate | {s['hard_failure_rate'] * 100:.2f}% |",
        "",
        f"## Spot-check ({SPOT_CHECK_ROWS} rows)",
        SPOT_CHECK_HEADER,
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["spot_check"]:
        is_v2 = "no (dry run)" if report["dry_run"] else _yes(row["schema_version_v2"])
        valid = (
            "yes (rebuilt)"
            if report["dry_run"] and row["signal_contract_v2_valid"]
            else _yes(row["signal_contract_v2_valid"])
        )
        lines.append(
            f"| {row['analysis_id']} | {_cell(row['ticker'])} | {is_v2} | {valid} | "
            f"{_yes(row['legacy_keys_unchanged'])} | {_cell(row['notes'])} |"
        )
    interrupted = (
        f"yes ({report['interrupted_by']}); re-run the same command to resume"
        if report["interrupted"]
        else "no"
    )
    resumed = f"yes ({report['resumes']} time(s))" if report["resumes"] else "no"
    exceeded = s["eligible"] and s["hard_failure_rate"] >= HARD_FAILURE_THRESHOLD
    lines += [
        "",
        "## Run details",
        "",
        f"- Interrupted: {interrupted}",
        f"- Resumed from checkpoint: {resumed}",
        f"- Checkpoint file: {report['checkpoint_file'] or 'none (dry run: not read or written)'}",
        f"- Processed through id: {report['last_processed_id']} (window ends at id {report['max_id']})",
        f"- Skipped (missing recommendation): {s['skipped_missing_recommendation']}",
        f"- Hard failures: {s['hard_failures']} of {s['eligible']} eligible "
        f"(threshold {HARD_FAILURE_THRESHOLD:.0%}: {'exceeded' if exceeded else 'met'})",
    ]
    if report["dry_run"]:
        lines.append("- Dry run: no row was written; Updated counts the rows a real run would update.")
    lines += _listing("Skipped rows", report["skipped"], "reason")
    lines += _listing("Failed rows", report["failures"], "kind")
    return "\n".join(lines) + "\n"


def _listing(title: str, rows: Sequence[Mapping[str, Any]], kind: str, limit: int = 50) -> list[str]:
    if not rows:
        return []
    lines = [
        "",
        f"### {title}",
        "",
        "| analysis_id | ticker | reason | detail |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows[:limit]:
        lines.append(f"| {r['analysis_id']} | {_cell(r['ticker'])} | {r[kind]} | {_cell(r['detail'])} |")
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more (see the JSON report).")
    return lines


@contextlib.contextmanager
def stop_on_signals(backfill: Backfill) -> Iterator[None]:
    """SIGINT / SIGTERM ask the run to stop at the next row (a second one stops it at once)."""

    def handler(signum: int, frame: Any) -> None:
        if backfill.stop_requested:
            raise KeyboardInterrupt
        backfill.stop_requested = signal.Signals(signum).name

    previous: dict[int, Any] = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread: no handlers, the defaults apply
        pass
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
