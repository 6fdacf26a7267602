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
* ``numeric``: finite-or-None, clamping and rounding;
* ``inputs``: the builder's input dataclasses (``ContractInputs`` and its parts);
* ``returns``: expected return, downside risk, EV and risk/reward (percent);
* ``calibration``: hit rates, shrinkage toward the base rate, calibrated confidence;
* ``scores``: data quality, conflict, liquidity and per-agent evidence strength;
* ``builder``: :func:`build_signal_contract_v2` and the rationale truncation;
* ``validator``: the JSON Schema and :func:`validate_signal_contract_v2`.

Callers import from ``analysis.contract``, which re-exports every public name below.
"""

from __future__ import annotations

from analysis.contract.builder import (
    RATIONALE_MAX_CHARS,
    build_signal_contract_v2,
    truncate_rationale,
)
from analysis.contract.calibration import (
    MIN_BIN_SAMPLES,
    RAW_BAND_PCT,
    SHRUNK_BAND_PCT,
    CalibratedConfidence,
    calibrate_confidence,
    fallback_hit_rate,
    hit_rate,
    shrunk_confidence,
)
from analysis.contract.inputs import (
    ContractInputs,
    EvidenceItem,
    ReliabilityEvidence,
    Scenario,
)
from analysis.contract.numeric import (
    DECIMALS,
)
from analysis.contract.returns import (
    E30_LIMIT_PCT,
    MIN_RISK_DENOMINATOR_PCT,
    bear_scenario,
    downside_risk_7d,
    downside_risks,
    ev_score_7d,
    expected_returns,
    normalised_probabilities,
    risk_reward_ratio_7d,
    scenario_expected_return,
    stop_distance_pct,
)
from analysis.contract.scores import (
    CAPACITY_SHARE,
    NEWS_STALE_HOURS,
    SPREAD_MAX_BPS,
    SPREAD_MIN_BPS,
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
    SCHEMA_RESOURCE,
    is_valid_signal_contract_v2,
    load_contract_schema,
    validate_signal_contract_v2,
)
from analysis.contract.vocabulary import (
    CONFIDENCE_SOURCES,
    ELLIPSIS,
    EVIDENCE_DIRECTIONS,
    HORIZONS,
    INSTRUMENT_TYPE,
    RECOMMENDATIONS,
    REGIME_LABELS,
    SCHEMA_VERSION,
    normalise_direction,
    normalise_recommendation,
)

__all__ = [
    "CAPACITY_SHARE",
    "CONFIDENCE_SOURCES",
    "DECIMALS",
    "E30_LIMIT_PCT",
    "ELLIPSIS",
    "EVIDENCE_DIRECTIONS",
    "HORIZONS",
    "INSTRUMENT_TYPE",
    "MIN_BIN_SAMPLES",
    "MIN_RISK_DENOMINATOR_PCT",
    "NEWS_STALE_HOURS",
    "RATIONALE_MAX_CHARS",
    "RAW_BAND_PCT",
    "RECOMMENDATIONS",
    "REGIME_LABELS",
    "SCHEMA_ID",
    "SCHEMA_RESOURCE",
    "SCHEMA_VERSION",
    "SHRUNK_BAND_PCT",
    "SPREAD_MAX_BPS",
    "SPREAD_MIN_BPS",
    "CalibratedConfidence",
    "ContractInputs",
    "EvidenceItem",
    "ReliabilityEvidence",
    "Scenario",
    "bear_scenario",
    "build_signal_contract_v2",
    "calibrate_confidence",
    "capacity_usd",
    "conflict_score",
    "data_quality_score",
    "downside_risk_7d",
    "downside_risks",
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
    "normalise_direction",
    "normalise_recommendation",
    "normalised_probabilities",
    "options_evidence_strength",
    "risk_reward_ratio_7d",
    "scenario_expected_return",
    "sentiment_evidence_strength",
    "shrunk_confidence",
    "stop_distance_pct",
    "technical_evidence_strength",
    "truncate_rationale",
    "validate_signal_contract_v2",
]
