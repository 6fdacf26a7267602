"""The canonical shapes of an analysis: the full response and the history item.

Every response that carries an analysis (POST /api/analyze, latest, the SSE
`result`, watchlist results) goes through `AnalysisResponseSerializer`, so the
keys clients read never drift between routes.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from analysis.decision import with_earlier_action_keys, with_earlier_card_keys
from analysis.diagnostics import with_earlier_change_keys, with_earlier_nesting, with_earlier_snapshot_keys
from analysis.models import V2_CONTRACT_COLUMNS, Analysis
from analysis.synthesis import scenario_block
from portfolio.optimizer.result import with_earlier_keys as with_earlier_optimizer_keys

# The earlier analyze response's `analysis` object: always these 28 keys, in this order (null
# where not applicable); ours follow them.
EARLIER_ANALYSIS_KEYS = (
    "recommendation",
    "score",
    "confidence",
    "reasoning",
    "risks",
    "opportunities",
    "price_targets",
    "position_size",
    "time_horizon",
    "decision_card",
    "changes_since_last_run",
    "change_summary",
    "scenarios",
    "scenario_summary",
    "diagnostics",
    "diagnostics_summary",
    "portfolio_action",
    "portfolio_action_v2",
    "portfolio_summary",
    "signal_snapshot",
    *V2_CONTRACT_COLUMNS,
    "analysis_schema_version",
    "summary",
)


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _scenario_rows(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Our scenario list: `scenario_list`, or a list stored under `scenarios` before it moved."""
    rows = payload.get("scenario_list")
    if not isinstance(rows, list):
        rows = payload.get("scenarios") if isinstance(payload.get("scenarios"), list) else []
    return [row for row in rows if isinstance(row, dict)]


def _contract_with_reference(contract: Any, card: dict[str, Any] | None) -> Any:
    """A stored contract with `execution_plan.entry_zone.reference` (stored before it existed)."""
    plan = _dict(_dict(contract) and contract.get("execution_plan"))
    zone = _dict(plan and plan.get("entry_zone"))
    if zone is None or "reference" in zone:
        return contract
    reference = (card or {}).get("reference_price")
    return {**contract, "execution_plan": {**plan, "entry_zone": {**zone, "reference": reference}}}


def _analysis_block(analysis: Analysis) -> dict[str, Any]:
    """The 28-key analysis object from the stored payload and the row's columns.

    Payloads stored before the earlier shapes came back (scenarios as a list, changes as a
    list of labels, flat diagnostics, ...) are converted here, so every stored analysis
    reads the same way.
    """
    payload = dict(analysis.analysis_payload or {})
    block = {key: payload.get(key) for key in EARLIER_ANALYSIS_KEYS}
    block.update({key: value for key, value in payload.items() if key not in block})
    block["recommendation"] = analysis.recommendation
    block["score"] = round(analysis.score) if analysis.score is not None else None
    block["confidence"] = analysis.confidence_score
    block["reasoning"] = block.get("reasoning") or analysis.rationale_summary or ""
    for key in ("risks", "opportunities"):
        block[key] = block.get(key) or []
    card = with_earlier_card_keys(_dict(analysis.decision_card))
    block["decision_card"] = card
    change = analysis.change_summary
    block["change_summary"] = with_earlier_change_keys(change) if change is not None else None
    block["changes_since_last_run"] = block["change_summary"]
    rows = _scenario_rows(payload)
    block["scenario_list"] = rows
    stored = payload.get("scenarios")
    source = stored if isinstance(stored, dict) else rows
    block["scenarios"] = scenario_block(source) if source else None
    diag = _dict(block.get("diagnostics"))
    block["diagnostics"] = with_earlier_nesting(diag) if diag is not None else None
    block["portfolio_action"] = with_earlier_action_keys(
        _dict(block.get("portfolio_action")),
        confidence=analysis.confidence_score,
        data_quality_level=(diag or {}).get("data_quality_level"),
        conflicted=bool((diag or {}).get("conflicted")),
    )
    block["portfolio_action_v2"] = with_earlier_optimizer_keys(_dict(block.get("portfolio_action_v2")))
    snapshot = _dict(block.get("signal_snapshot"))
    block["signal_snapshot"] = with_earlier_snapshot_keys(snapshot) if snapshot is not None else None
    block["analysis_schema_version"] = analysis.analysis_schema_version
    for key in V2_CONTRACT_COLUMNS:
        block[key] = getattr(analysis, key) if analysis.analysis_schema_version == "v2" else None
    block["signal_contract_v2"] = _contract_with_reference(block["signal_contract_v2"], card)
    if block.get("rationale_summary") is None:
        block["rationale_summary"] = payload.get("rationale_summary") or block["reasoning"]
    return block


class AnalysisResponseSerializer(serializers.BaseSerializer):
    """The analyze response: success, ticker, analysis_id, analysis {...}, agent_results {...}."""

    def to_representation(self, analysis: Analysis) -> dict[str, Any]:
        agent_results = {
            result.agent_type: {
                "success": bool(result.success),
                "agent_type": result.agent_type,
                "data": result.data,
                "error": result.error,
                "duration_seconds": result.duration_seconds,
                "timestamp": analysis.timestamp.isoformat(),
            }
            # Stored in the order the agents ran; PostgreSQL returns rows unordered otherwise.
            for result in sorted(analysis.agent_results.all(), key=lambda row: row.pk)
        }
        return {
            "success": True,
            "ticker": analysis.ticker,
            "analysis_id": analysis.pk,
            "analysis_schema_version": analysis.analysis_schema_version,
            "timestamp": analysis.timestamp.isoformat(),
            "as_of": analysis.effective_as_of.isoformat(),
            "run_kind": analysis.run_kind,
            # A replay or a run as of a past session: evidence, never the current call.
            "backdated": analysis.backdated,
            "data_source": analysis.data_source,
            "is_demo_data": analysis.data_source == "demo",
            "analysis": _analysis_block(analysis),
            "agent_results": agent_results,
            "duration_seconds": analysis.duration_seconds,
            "error": None,
        }


class AnalysisHistoryItemSerializer(serializers.BaseSerializer):
    """One row of a ticker's history (the earlier system's history item keys)."""

    def to_representation(self, analysis: Analysis) -> dict[str, Any]:
        return {
            "id": analysis.pk,
            "ticker": analysis.ticker,
            "timestamp": analysis.timestamp.isoformat(),
            "as_of": analysis.effective_as_of.isoformat(),
            "recommendation": analysis.recommendation,
            "analysis_schema_version": analysis.analysis_schema_version,
            "score": analysis.score,
            "ev_score_7d": analysis.ev_score_7d,
            "confidence_calibrated": analysis.confidence_calibrated,
            "data_quality_score": analysis.data_quality_score,
            "regime_label": analysis.regime_label,
            "confidence_score": analysis.confidence_score,
            "overall_sentiment_score": analysis.overall_sentiment_score,
            "decision_card": analysis.decision_card,
            "change_summary": analysis.change_summary,
            "duration_seconds": analysis.duration_seconds,
            "run_kind": analysis.run_kind,
            "backdated": analysis.backdated,
            "data_source": analysis.data_source,
        }


OUTCOME_KEYS = (
    "status",
    "target_date",
    "realized_return_pct",
    "realized_return_net_pct",
    "direction_correct",
    "brier_component",
    "predicted_up_probability",
    "max_drawdown_pct",
    "utility_score",
    "evaluated_at",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def outcomes_by_horizon(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """An analysis's outcome rows keyed "1d"/"7d"/"30d" (the earlier system's `outcomes`)."""
    return {
        f"{outcome.horizon_days}d": {key: _iso(getattr(outcome, key)) for key in OUTCOME_KEYS}
        for outcome in sorted(analysis.outcomes.all(), key=lambda row: row.horizon_days)
    }


class StoredAnalysisSerializer(serializers.BaseSerializer):
    """A stored analysis as read back: latest, /history/detailed items, a watchlist's latest_analysis.

    The earlier system's row keys (`id`, `confidence_score`, `analysis_payload` and the hydrated
    `analysis`, ...) with this project's provenance beside them (`as_of`, `run_kind`, `backdated`,
    `data_source`, `is_demo_data`). Context: `detail=True` adds `agents` and `sentiment_factors` (latest);
    `outcomes=True` adds `outcomes` when the analysis has outcome rows (/history/detailed).
    Prefetch `agent_results`, `sentiment_factors` and `outcomes` for lists.
    """

    def to_representation(self, analysis: Analysis) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": analysis.pk,
            "analysis_id": analysis.pk,
            "ticker": analysis.ticker,
            "timestamp": analysis.timestamp.isoformat(),
            "as_of": analysis.effective_as_of.isoformat(),
            "recommendation": analysis.recommendation,
            "confidence_score": analysis.confidence_score,
            # A run without the sentiment agent has no sentiment: neutral, as the earlier rows said.
            "overall_sentiment_score": (
                analysis.overall_sentiment_score if analysis.overall_sentiment_score is not None else 0.0
            ),
            # The rationale (or the rule trace when COT persistence stored one); never a model's
            # chain of thought.
            "solution_agent_reasoning": analysis.solution_agent_reasoning or analysis.rationale_summary or "",
            "duration_seconds": analysis.duration_seconds,
            "score": analysis.score,
            "decision_card": analysis.decision_card,
            "change_summary": analysis.change_summary,
            "analysis_payload": analysis.analysis_payload or {},
            "analysis_schema_version": analysis.analysis_schema_version,
            **{key: getattr(analysis, key) for key in V2_CONTRACT_COLUMNS},
            "rationale_summary": analysis.rationale_summary or "",
            "run_kind": analysis.run_kind,
            "backdated": analysis.backdated,
            "data_source": analysis.data_source,
            "is_demo_data": analysis.data_source == "demo",
            "analysis": _analysis_block(analysis),
        }
        if self.context.get("detail"):
            body["agents"] = [
                {
                    "id": result.pk,
                    "analysis_id": analysis.pk,
                    "agent_type": result.agent_type,
                    "success": bool(result.success),
                    "data": result.data,
                    "error": result.error,
                    "duration_seconds": result.duration_seconds,
                }
                for result in sorted(analysis.agent_results.all(), key=lambda row: row.pk)
            ]
            # A factor with no evidence has no score; it carries no weight, so it reads as a
            # neutral 0.0 (clients format the number), and `has_evidence` says which it is.
            body["sentiment_factors"] = {
                factor.factor: {
                    "score": factor.score if factor.score is not None else 0.0,
                    "weight": factor.weight if factor.weight is not None else 0.0,
                    "contribution": factor.contribution if factor.contribution is not None else 0.0,
                    "has_evidence": factor.score is not None,
                }
                for factor in sorted(analysis.sentiment_factors.all(), key=lambda row: row.pk)
                if factor.factor
            }
        if self.context.get("outcomes"):
            outcomes = outcomes_by_horizon(analysis)
            if outcomes:
                body["outcomes"] = outcomes
        return body
