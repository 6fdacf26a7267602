"""Signal contract v2: the deterministic builder, its JSON Schema and the validator.

Pure maths and plain data: no Django import. The builder reproduces the earlier system's
rules (``/work/shared/spec/earlier-system.md``, "Signal contract v2"); the validator checks a
contract against ``analysis/schemas/signal_contract_v2.schema.json`` plus cross-field rules.

Units, used everywhere below:

* returns, downside risks, drawdowns, distances and volatilities are in **percent**
  (``5.2`` means 5.2 %);
* probabilities, hit rates, confidences, freshness, shares and evidence strengths are
  **fractions** in ``[0, 1]``;
* ``data_quality_score`` and ``conflict_score`` are **points** in ``[0, 100]``;
* ``uncertainty_band_pct`` is in **percentage points** of confidence (``8`` = ±0.08);
* spreads are in **basis points**, dollar volume and capacity in **US dollars**;
* the scenario returns, ``E7`` and ``D7`` refer to a **7-day** horizon and are the
  instrument's own returns (a long holder's view), for every recommendation.

Every float in a built contract is rounded to 4 decimals; non-finite values become None.

Modules, each depending only on those above it:

* ``vocabulary``: schema version, instrument type, value sets, direction aliases;
* ``numeric``: clamping and rounding (finite-or-None is ``core.numeric``);
* ``inputs``: the builder's input dataclasses (``ContractInputs`` and its parts);
* ``returns``: expected return, downside risk, EV and risk/reward (percent);
* ``calibration``: hit rates, shrinkage toward the base rate, calibrated confidence;
* ``scores``: data quality, conflict, liquidity and per-agent evidence strength;
* ``builder``: :func:`build_signal_contract_v2` and the rationale truncation;
* ``validator``: the JSON Schema and :func:`validate_signal_contract_v2`.

Callers import from ``analysis.contract`` what they use (below); the rest stays in its module.
"""

from __future__ import annotations

from analysis.contract.builder import build_signal_contract_v2, truncate_rationale
from analysis.contract.calibration import (
    MIN_BIN_SAMPLES,
    SHRUNK_BAND_PCT,
    CalibratedConfidence,
    calibrate_confidence,
    fallback_hit_rate,
    hit_rate,
    shrunk_confidence,
)
from analysis.contract.inputs import ContractInputs, EvidenceItem, ReliabilityEvidence, Scenario
from analysis.contract.returns import (
    downside_risk_7d,
    ev_score_7d,
    expected_returns,
    normalised_probabilities,
    scenario_expected_return,
)
from analysis.contract.scores import (
    capacity_usd,
    conflict_score,
    data_quality_score,
    estimated_spread_bps,
    fundamentals_evidence_strength,
    market_evidence_strength,
    news_freshness,
    options_evidence_strength,
    sentiment_evidence_strength,
    technical_evidence_strength,
)
from analysis.contract.validator import (
    SCHEMA_ID,
    is_valid_signal_contract_v2,
    load_contract_schema,
    validate_signal_contract_v2,
)
from analysis.contract.vocabulary import CONFIDENCE_SOURCES, RECOMMENDATIONS, REGIME_LABELS

__all__ = [
    "CONFIDENCE_SOURCES",
    "MIN_BIN_SAMPLES",
    "RECOMMENDATIONS",
    "REGIME_LABELS",
    "SCHEMA_ID",
    "SHRUNK_BAND_PCT",
    "CalibratedConfidence",
    "ContractInputs",
    "EvidenceItem",
    "ReliabilityEvidence",
    "Scenario",
    "build_signal_contract_v2",
    "calibrate_confidence",
    "capacity_usd",
    "conflict_score",
    "data_quality_score",
    "downside_risk_7d",
    "estimated_spread_bps",
    "ev_score_7d",
    "expected_returns",
    "fallback_hit_rate",
    "fundamentals_evidence_strength",
    "hit_rate",
    "is_valid_signal_contract_v2",
    "load_contract_schema",
    "market_evidence_strength",
    "news_freshness",
    "normalised_probabilities",
    "options_evidence_strength",
    "scenario_expected_return",
    "sentiment_evidence_strength",
    "shrunk_confidence",
    "technical_evidence_strength",
    "truncate_rationale",
    "validate_signal_contract_v2",
]
