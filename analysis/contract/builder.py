"""The deterministic signal contract v2 builder: :func:`build_signal_contract_v2`.

It reproduces the earlier system's rules (``/work/shared/spec/earlier-system.md``, "Signal
contract v2") from the formulas in ``returns``, ``calibration`` and ``scores``; every float in
the result is rounded to 4 decimals and non-finite values become None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.contract.calibration import calibrate_confidence, hit_rate
from analysis.contract.inputs import ContractInputs, EvidenceItem, ReliabilityEvidence
from analysis.contract.numeric import rounded, unit_interval
from analysis.contract.returns import (
    downside_risk_7d,
    downside_risks,
    ev_score_7d,
    expected_returns,
    risk_reward_ratio_7d,
    scenario_expected_return,
)
from analysis.contract.scores import (
    capacity_usd,
    conflict_score,
    data_quality_score,
    estimated_spread_bps,
)
from analysis.contract.vocabulary import (
    ELLIPSIS,
    HORIZONS,
    INSTRUMENT_TYPE,
    REGIME_LABELS,
    SCHEMA_VERSION,
    normalise_direction,
    normalise_recommendation,
)
from core.numeric import finite_number

RATIONALE_MAX_CHARS = 400


def _json_clean(value: Any, depth: int = 0) -> Any:
    """Plain JSON data: dicts with str keys, lists, str, bool, int, rounded finite floats, None."""
    if depth > 20:
        return None
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_":  # numpy.bool_, without importing numpy
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Mapping):
        return {str(key): _json_clean(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_clean(item, depth + 1) for item in value]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return _json_clean(value.tolist(), depth + 1)
    if isinstance(value, float):
        return rounded(value)
    number = finite_number(value)
    return rounded(number) if number is not None else str(value)


def truncate_rationale(text: str | None, limit: int = RATIONALE_MAX_CHARS) -> str:
    """Whitespace collapsed to single spaces; longer than ``limit`` characters → cut on a word
    boundary and ended with an ellipsis ("…", one character), at most ``limit`` characters.
    A single word longer than the limit is cut hard.
    """
    collapsed = " ".join(str(text or "").split())
    if len(collapsed) <= limit:
        return collapsed
    cut = collapsed[: limit - 1]
    if collapsed[limit - 1] != " ":
        space = cut.rfind(" ")
        if space > 0:
            cut = cut[:space]
    cut = cut.rstrip(" ,;:")
    return (cut or collapsed[: limit - 1]) + ELLIPSIS


def _reliability_for(reliability: Mapping[Any, ReliabilityEvidence | None], horizon: int) -> Any:
    for key in (horizon, f"{horizon}d", str(horizon)):
        if key in reliability:
            return reliability[key]
    return None


def _evidence_dict(item: EvidenceItem) -> dict[str, Any]:
    factor = str(item.factor or "").strip()
    if not factor:
        raise ValueError("evidence factor must be a non-empty string")
    freshness = finite_number(item.freshness_hours)
    return {
        "factor": factor,
        "direction": normalise_direction(item.direction),
        "strength": rounded(unit_interval(item.strength)),
        "freshness_hours": rounded(max(0.0, freshness)) if freshness is not None else None,
        "source": str(item.source or ""),
    }


def build_signal_contract_v2(inputs: ContractInputs) -> dict[str, Any]:
    """Build the signal contract v2 as plain JSON data (deterministic: same inputs, same dict).

    ``E7`` from :func:`scenario_expected_return` (or ``inputs.expected_return_7d_pct`` when given,
    likewise ``D7``); ``E1``/``E30`` from :func:`expected_returns`;
    ``D7`` from :func:`downside_risk_7d`, ``D1``/``D30`` from :func:`downside_risks`; hit rates per
    horizon from :func:`hit_rate`; ``ev_score_7d`` and ``risk_reward_ratio_7d`` from ``E7``, ``D7``
    and ``h7``; confidence from :func:`calibrate_confidence` with the 7-day bin; data quality,
    conflict and liquidity from their functions. Floats are rounded to 4 decimals, non-finite
    values become None. Raises ValueError for an unknown recommendation, regime label or
    evidence direction, or an empty evidence factor.
    """
    recommendation = normalise_recommendation(inputs.recommendation)
    regime_label = str(inputs.regime_label).strip().lower()
    if regime_label not in REGIME_LABELS:
        raise ValueError(
            f"regime_label must be one of {', '.join(REGIME_LABELS)}, got {inputs.regime_label!r}"
        )
    raw_confidence = unit_interval(inputs.raw_confidence)

    scenarios = tuple(inputs.scenarios)
    e7 = finite_number(inputs.expected_return_7d_pct)
    if e7 is None:
        e7 = scenario_expected_return(scenarios)
    d7 = finite_number(inputs.downside_risk_7d_pct)
    if d7 is None or d7 < 0.0:
        d7 = downside_risk_7d(
            scenarios,
            entry_price=inputs.entry_price,
            stop_loss=inputs.stop_loss,
            recommendation=recommendation,
        )
    returns = expected_returns(e7)
    risks = downside_risks(d7)
    hit_rates = {
        f"{h}d": hit_rate(recommendation, raw_confidence, _reliability_for(inputs.reliability, h))
        for h in HORIZONS
    }
    h7 = hit_rates["7d"]
    calibrated = calibrate_confidence(raw_confidence, _reliability_for(inputs.reliability, 7))

    zone_low, zone_high = (finite_number(value) for value in inputs.entry_zone)
    if zone_low is not None and zone_high is not None and zone_low > zone_high:
        zone_low, zone_high = zone_high, zone_low

    adv = finite_number(inputs.avg_dollar_volume_20d)
    detail = _json_clean(dict(inputs.regime_detail)) if inputs.regime_detail is not None else None

    return {
        "schema_version": SCHEMA_VERSION,
        "instrument_type": INSTRUMENT_TYPE,
        "recommendation": recommendation,
        "expected_return_pct": {key: rounded(value) for key, value in returns.items()},
        "downside_risk_pct": {key: rounded(value) for key, value in risks.items()},
        "hit_rate": {key: rounded(value) for key, value in hit_rates.items()},
        "ev_score_7d": rounded(ev_score_7d(e7, d7, h7)),
        "confidence": {
            "raw": rounded(raw_confidence),
            "calibrated": rounded(calibrated.value),
            "uncertainty_band_pct": rounded(calibrated.band_pct),
            "sample_size": int(calibrated.sample_size),
            "source": calibrated.source,
        },
        "risk": {
            "risk_reward_ratio_7d": rounded(risk_reward_ratio_7d(e7, d7)),
            "max_drawdown_est_pct_7d": rounded(d7),
            "data_quality_score": rounded(
                data_quality_score(
                    inputs.agent_success_rate, inputs.newest_news_age_hours, inputs.fallback_share
                )
            ),
            "conflict_score": rounded(conflict_score(inputs.bullish_count, inputs.bearish_count)),
            "regime_label": regime_label,
            "regime_detail": detail,
        },
        "liquidity": {
            "avg_dollar_volume_20d": rounded(adv) if adv is not None and adv >= 0.0 else None,
            "est_spread_bps": rounded(estimated_spread_bps(inputs.volatility_3m_pct)),
            "capacity_usd": rounded(capacity_usd(adv)),
        },
        "execution_plan": {
            "entry_zone": {
                "low": rounded(zone_low),
                "high": rounded(zone_high),
                # The earlier plan's reference price: the entry the zone is built around.
                "reference": rounded(finite_number(inputs.entry_price)),
            },
            "stop_loss": rounded(inputs.stop_loss),
            "targets": [r for r in (rounded(t) for t in inputs.targets) if r is not None],
            "invalidation_conditions": [str(c) for c in inputs.invalidation_conditions],
            "max_holding_days": max(0, int(inputs.max_holding_days)),
        },
        "rationale_summary": truncate_rationale(inputs.rationale),
        "evidence": [_evidence_dict(item) for item in inputs.evidence],
    }
