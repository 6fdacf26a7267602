"""The columns the backfill writes (and how), and those it must leave alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from analysis.models import Analysis

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


def write_v2_columns(analysis_id: int, columns: Mapping[str, Any]) -> bool:
    """One UPDATE of the additive v2 columns only; False when the row is gone."""
    unknown = set(columns) - set(V2_COLUMNS)
    if unknown:
        raise ValueError(f"the backfill writes only the v2 columns, not {sorted(unknown)}")
    return Analysis.objects.filter(pk=analysis_id).update(**columns) == 1
