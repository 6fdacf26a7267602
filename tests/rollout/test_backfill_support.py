"""Rows and helpers shared by the backfill tests (this module holds no tests).

Agent data comes from the demo engine, so stored `agent_results` look like real ones.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from analysis.engine import EngineRequest, EngineResult, run_engine
from analysis.models import AgentResult, Analysis
from analysis.providers import DemoProvider
from rollout.backfill import V2_COLUMNS

AS_OF = dt.datetime(2025, 6, 2, 21, 0, tzinfo=dt.UTC)
TICKERS = ("AAPL", "NVDA", "TSLA", "XOM", "KO")


@functools.cache
def _engine(ticker: str, contract: bool) -> EngineResult:
    return run_engine(
        EngineRequest(ticker=ticker, as_of=AS_OF, contract_enabled=contract), provider=DemoProvider()
    )


def engine_result(ticker: str, *, contract: bool = False) -> EngineResult:
    return _engine(ticker, contract)


def agent_rows(ticker: str, *, trim: bool = False) -> list[dict[str, Any]]:
    """The engine's agent results for `ticker` as `agent_results` field values (fresh copies).

    `trim` drops the bulky chart and article lists (for the many-row tests).
    """
    rows = []
    for name, output in engine_result(ticker).agent_outputs.items():
        data = copy.deepcopy(output.data)
        if trim:
            data.pop("chart", None)
            data.pop("articles", None)
        rows.append(
            {
                "agent_type": name,
                "success": output.success,
                "data": data,
                "error": output.error,
                "duration_seconds": round(output.duration_seconds, 6),
            }
        )
    return rows


def legacy_fields(ticker: str) -> dict[str, Any]:
    """The core columns an analysis from before the upgrade has (no payload, no card, v1)."""
    analysis = engine_result(ticker).analysis
    sentiment = engine_result(ticker).agent_outputs["sentiment"].data
    return {
        "ticker": ticker,
        "recommendation": analysis["recommendation"],
        "confidence_score": analysis["confidence"],
        "overall_sentiment_score": sentiment.get("overall_sentiment"),
        "score": float(analysis["score"]),
        "duration_seconds": 1.5,
    }


def legacy_analysis(
    ticker: str = "AAPL",
    *,
    timestamp: dt.datetime | None = None,
    with_agents: bool = True,
    trim: bool = False,
    **overrides: Any,
) -> Analysis:
    """A pre-upgrade analysis: legacy columns only, its agent results stored."""
    fields = {**legacy_fields(ticker), "timestamp": timestamp or timezone.now(), **overrides}
    analysis = Analysis.objects.create(**fields)
    if with_agents:
        AgentResult.objects.bulk_create(
            AgentResult(analysis=analysis, **row) for row in agent_rows(ticker, trim=trim)
        )
    return analysis


def persisted_analysis(
    ticker: str = "AAPL", *, timestamp: dt.datetime | None = None, contract: bool = False
) -> Analysis:
    """An analysis stored the way `persist_analysis` stores one (payload; v2 when `contract`)."""
    result = engine_result(ticker, contract=contract)
    payload = copy.deepcopy(result.analysis)
    v2 = payload["analysis_schema_version"] == "v2"
    analysis = Analysis.objects.create(
        ticker=ticker,
        timestamp=timestamp or timezone.now(),
        as_of=AS_OF,
        run_kind="interactive",
        data_source="demo",
        recommendation=payload["recommendation"],
        confidence_score=payload["confidence"],
        overall_sentiment_score=result.agent_outputs["sentiment"].data.get("overall_sentiment"),
        score=payload["score"],
        decision_card=payload["decision_card"],
        change_summary=payload["change_summary"],
        analysis_payload=payload,
        analysis_schema_version=payload["analysis_schema_version"],
        **{key: payload[key] for key in V2_COLUMNS[1:]} if v2 else {},
    )
    AgentResult.objects.bulk_create(AgentResult(analysis=analysis, **row) for row in agent_rows(ticker))
    return analysis


def v2_state() -> dict[int, tuple[Any, ...]]:
    """Every analysis's v2 column values, by id."""
    return {row[0]: row[1:] for row in Analysis.objects.order_by("id").values_list("id", *V2_COLUMNS)}


def restore_v2_state(state: dict[int, tuple[Any, ...]]) -> None:
    for pk, values in state.items():
        Analysis.objects.filter(pk=pk).update(**dict(zip(V2_COLUMNS, values, strict=True)))


LEGACY_VALUE_COLUMNS = (
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


def legacy_state() -> dict[int, tuple[Any, ...]]:
    return {
        row[0]: row[1:] for row in Analysis.objects.order_by("id").values_list("id", *LEGACY_VALUE_COLUMNS)
    }


def run_backfill(tmp_path: Path, *args: str, name: str = "run") -> dict[str, Any]:
    """`backfill_signal_contract` in-process; returns the JSON report."""
    report = tmp_path / f"{name}.md"
    call_command(
        "backfill_signal_contract",
        "--checkpoint-file",
        str(tmp_path / f"{name}.checkpoint.json"),
        "--report-path",
        str(report),
        *args,
        verbosity=0,
    )
    return read_report(report)


def read_report(markdown_path: Path) -> dict[str, Any]:
    return json.loads(markdown_path.with_suffix(".json").read_text(encoding="utf-8"))


def bulk_rows(count: int, *, start: dt.datetime | None = None) -> dict[str, int]:
    """`count` analyses of every kind the backfill meets, made in bulk; the expected counts.

    Most are pre-upgrade rows (agent results, legacy columns); some lack a score or a
    confidence (derived), some carry a payload, some are already valid v2, some carry an
    invalid contract; a few lack a recommendation or agent results (skipped).
    """
    start = start or timezone.now()
    valid = {t: engine_result(t, contract=True).analysis for t in TICKERS}
    rows: list[Analysis] = []
    kinds: list[str] = []
    for i in range(count):
        ticker = TICKERS[i % len(TICKERS)]
        fields = {**legacy_fields(ticker), "timestamp": start - dt.timedelta(minutes=i + 1)}
        kind = "legacy"
        if i % 53 == 7:
            kind, fields["recommendation"] = "no_recommendation", None
        elif i % 61 == 11:
            kind = "no_agents"
        elif i % 17 == 3:
            kind = "valid_v2"
            payload = valid[ticker]
            fields.update(
                analysis_payload=payload,
                as_of=AS_OF,
                data_source="demo",
                decision_card=payload["decision_card"],
                **{key: payload[key] for key in V2_COLUMNS},
            )
        elif i % 19 == 5:
            kind = "invalid_v2"
            fields.update(analysis_schema_version="v2", signal_contract_v2={"schema_version": "2.0"})
        elif i % 13 == 2:
            kind = "payload"
            payload = engine_result(ticker).analysis
            fields.update(analysis_payload=payload, as_of=AS_OF, decision_card=payload["decision_card"])
        elif i % 7 == 1:
            fields["score"] = None
        elif i % 11 == 4:
            fields["confidence_score"] = None
        rows.append(Analysis(**fields))
        kinds.append(kind)
    created = Analysis.objects.bulk_create(rows)
    if any(a.pk is None for a in created):  # backends that do not return ids
        created = list(Analysis.objects.order_by("-timestamp")[:count])
    agent_data = {t: agent_rows(t, trim=True) for t in TICKERS}
    AgentResult.objects.bulk_create(
        [
            AgentResult(analysis_id=analysis.pk, **row)
            for analysis, kind in zip(created, kinds, strict=True)
            if kind != "no_agents"
            for row in agent_data[analysis.ticker]
        ],
        batch_size=500,
    )
    existing = kinds.count("valid_v2")
    return {
        "scanned": count,
        "eligible": count - existing,
        "skipped_existing_valid": existing,
        "skipped_missing_recommendation": kinds.count("no_recommendation"),
        "skipped_missing_agent_results": kinds.count("no_agents"),
        "updated": count - existing - kinds.count("no_recommendation") - kinds.count("no_agents"),
    }
