"""The columns the backfill writes (and how), and those it must leave alone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from analysis.models import V2_CONTRACT_COLUMNS, Analysis

#: The additive columns the backfill writes, and nothing else.
V2_COLUMNS = ("analysis_schema_version", *V2_CONTRACT_COLUMNS)
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


#: Keys the earlier backfill merged into `analysis_payload` beside the columns (its
#: `merge_into_payload`), so clients that read the payload find the contract there too.
PAYLOAD_KEYS = V2_COLUMNS


def payload_with_v2(payload: Any, columns: Mapping[str, Any]) -> Any:
    """The stored payload with the v2 keys merged in, every other key as it was; a row with no
    payload (None, or not an object) is left without one."""
    if not isinstance(payload, dict):
        return payload
    return {**payload, **{key: columns[key] for key in PAYLOAD_KEYS if key in columns}}


def _legacy_payload(payload: Any) -> Any:
    if not isinstance(payload, dict):
        return payload
    return {key: value for key, value in payload.items() if key not in PAYLOAD_KEYS}


def legacy_digest(analysis: Analysis) -> str:
    """A short digest of the legacy columns, to show the backfill left them alone (the payload
    without the v2 keys the backfill merges into it)."""
    values = {name: getattr(analysis, name) for name in LEGACY_COLUMNS}
    values["analysis_payload"] = _legacy_payload(values["analysis_payload"])
    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_v2_columns(analysis_id: int, columns: Mapping[str, Any]) -> bool:
    """One UPDATE of the additive v2 columns, and the same keys merged into the payload as the
    earlier backfill did; False when the row is gone. Call inside a transaction."""
    unknown = set(columns) - set(V2_COLUMNS)
    if unknown:
        raise ValueError(f"the backfill writes only the v2 columns, not {sorted(unknown)}")
    rows = Analysis.objects.select_for_update().filter(pk=analysis_id)
    found = list(rows.values_list("analysis_payload", flat=True))
    if not found:
        return False
    return rows.update(**columns, analysis_payload=payload_with_v2(found[0], columns)) == 1
