"""The canonical shapes of an analysis: the full response and the history item.

Every response that carries an analysis (POST /api/analyze, latest, the SSE
`result`, watchlist results) goes through `AnalysisResponseSerializer`, so the
keys clients read never drift between routes.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from analysis.models import Analysis

V2_KEYS = (
    "signal_contract_v2",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "regime_label",
    "rationale_summary",
)
LEGACY_ANALYSIS_KEYS = (
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
    "summary",
)


def _analysis_block(analysis: Analysis) -> dict[str, Any]:
    """The stored payload, or for a legacy row the same keys rebuilt from its columns."""
    payload = dict(analysis.analysis_payload or {})
    block = {key: payload.get(key) for key in LEGACY_ANALYSIS_KEYS}
    block.update({key: value for key, value in payload.items() if key not in block})
    block["recommendation"] = analysis.recommendation
    block["score"] = round(analysis.score) if analysis.score is not None else None
    block["confidence"] = analysis.confidence_score
    block["decision_card"] = analysis.decision_card
    block["change_summary"] = analysis.change_summary
    block["reasoning"] = block.get("reasoning") or analysis.rationale_summary or ""
    for key in ("risks", "opportunities", "changes_since_last_run", "scenarios"):
        block[key] = block.get(key) or []
    block["analysis_schema_version"] = analysis.analysis_schema_version
    for key in V2_KEYS:
        block[key] = getattr(analysis, key) if analysis.analysis_schema_version == "v2" else None
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
            for result in analysis.agent_results.all()
        }
        return {
            "success": True,
            "ticker": analysis.ticker,
            "analysis_id": analysis.pk,
            "analysis_schema_version": analysis.analysis_schema_version,
            "timestamp": analysis.timestamp.isoformat(),
            "as_of": analysis.effective_as_of.isoformat(),
            "run_kind": analysis.run_kind,
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
            "data_source": analysis.data_source,
        }
