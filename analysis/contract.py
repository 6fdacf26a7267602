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
"""

from __future__ import annotations

import copy
import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_VERSION = "2.0"
INSTRUMENT_TYPE = "US_EQUITY"
SCHEMA_ID = "https://pmresearch.invalid/schemas/signal_contract_v2.schema.json"
SCHEMA_RESOURCE = "schemas/signal_contract_v2.schema.json"

RECOMMENDATIONS: tuple[str, ...] = ("BUY", "HOLD", "SELL")
REGIME_LABELS: tuple[str, ...] = ("risk_on", "transition", "risk_off")
EVIDENCE_DIRECTIONS: tuple[str, ...] = ("bullish", "neutral", "bearish")
CONFIDENCE_SOURCES: tuple[str, ...] = ("reliability_bin", "shrunk", "raw")
HORIZONS: tuple[int, ...] = (1, 7, 30)

#: A reliability bin is trusted from this many samples on.
MIN_BIN_SAMPLES = 30
#: Uncertainty band (percentage points) of a confidence shrunk toward the base rate. The same
#: as the raw fallback's: a bin below 30 samples is never presented as tighter than the
#: earlier system's below-threshold band, and shrinkage moves the value, not the band.
SHRUNK_BAND_PCT = 15.0
#: Uncertainty band (percentage points) of the raw confidence.
RAW_BAND_PCT = 15.0
#: E30 is clamped to ±60 percent.
E30_LIMIT_PCT = 60.0
#: News older than this many hours has zero freshness.
NEWS_STALE_HOURS = 48.0
#: Floor for D7 in the risk/reward denominator, percent.
MIN_RISK_DENOMINATOR_PCT = 0.1
#: Share of 20-day average dollar volume one can trade (2 %).
CAPACITY_SHARE = 0.02
SPREAD_MIN_BPS = 5.0
SPREAD_MAX_BPS = 250.0
RATIONALE_MAX_CHARS = 400
ELLIPSIS = "\u2026"
DECIMALS = 4

_DIRECTION_ALIASES = {
    "bullish": "bullish",
    "buy": "bullish",
    "positive": "bullish",
    "up": "bullish",
    "neutral": "neutral",
    "hold": "neutral",
    "sideways": "neutral",
    "bearish": "bearish",
    "sell": "bearish",
    "negative": "bearish",
    "down": "bearish",
}


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One 7-day scenario: ``probability`` a fraction, ``return_pct`` in percent over 7 days."""

    name: str
    probability: float
    return_pct: float


@dataclass(frozen=True)
class ReliabilityEvidence:
    """A reliability bin: empirical ``hit_rate`` (fraction) over ``sample_size`` evaluated calls.

    ``base_rate`` (fraction, optional) is the horizon's overall hit rate across all its bins,
    ``Σ hits / Σ samples``, over ``base_sample_size`` evaluated calls (0 when unknown). A
    confidence that falls in an empty or missing bin is described by ``sample_size = 0`` and
    ``hit_rate = base_rate``.
    """

    hit_rate: float
    sample_size: int
    base_rate: float | None = None
    base_sample_size: int = 0


@dataclass(frozen=True)
class CalibratedConfidence:
    """Calibrated confidence.

    ``value`` a fraction in ``[0, 1]``; ``band_pct`` the uncertainty band in percentage points;
    ``sample_size`` the bin's sample (0 without a bin); ``source`` ``"reliability_bin"`` (a bin
    of at least 30 samples), ``"shrunk"`` (a smaller bin shrunk toward the horizon's base rate)
    or ``"raw"`` (no reliability evidence).
    """

    value: float
    band_pct: float
    sample_size: int
    source: str


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence.

    ``direction`` bullish / neutral / bearish (aliases buy/sell/hold, positive/negative, up/down
    are accepted by the builder); ``strength`` a fraction, clamped to ``[0, 1]`` by the builder
    (see the ``*_evidence_strength`` helpers); ``freshness_hours`` the age of the underlying
    data in hours (None when unknown); ``source`` the data source's name.
    """

    factor: str
    direction: str
    strength: float
    freshness_hours: float | None = None
    source: str = ""


@dataclass(frozen=True, kw_only=True)
class ContractInputs:
    """Everything :func:`build_signal_contract_v2` needs.

    Fields (units):
        recommendation: ``BUY`` / ``HOLD`` / ``SELL`` (case-insensitive).
        raw_confidence: fraction in ``[0, 1]`` (clamped).
        scenarios: 7-day :class:`Scenario` tuple (probabilities are clamped and renormalised).
        entry_price: reference price, US dollars.
        entry_zone: ``(low, high)`` prices (sorted by the builder).
        stop_loss: price or None.
        targets: target prices (non-finite ones are dropped).
        invalidation_conditions: short sentences.
        max_holding_days: calendar days (negative becomes 0).
        reliability: horizon in days (1, 7, 30; ``"7d"`` keys also accepted) to the matching
            :class:`ReliabilityEvidence` bin or None.
        agent_success_rate: fraction of agents that succeeded.
        fallback_share: fraction of agents that used a fallback source.
        newest_news_age_hours: age of the newest article in hours, None when there is no news.
        bullish_count / bearish_count: numbers of bullish / bearish agents.
        regime_label: ``risk_on`` / ``transition`` / ``risk_off`` (from ``analysis.regime``).
        regime_detail: ``RegimeAssessment.to_dict()`` or None.
        avg_dollar_volume_20d: 20-day average dollar volume, US dollars, or None.
        volatility_3m_pct: 3-month volatility in percent as the market agent reports it (the
            standard deviation of daily % returns), or None.
        evidence: :class:`EvidenceItem` tuple (order kept).
        rationale: free text; collapsed and truncated to 400 characters.
    """

    recommendation: str
    raw_confidence: float
    scenarios: tuple[Scenario, ...]
    entry_price: float
    entry_zone: tuple[float, float]
    stop_loss: float | None
    targets: tuple[float, ...] = ()
    invalidation_conditions: tuple[str, ...] = ()
    max_holding_days: int
    reliability: Mapping[Any, ReliabilityEvidence | None] = field(default_factory=dict)
    agent_success_rate: float
    fallback_share: float
    newest_news_age_hours: float | None
    bullish_count: int
    bearish_count: int
    regime_label: str
    regime_detail: Mapping[str, Any] | None = None
    avg_dollar_volume_20d: float | None
    volatility_3m_pct: float | None
    evidence: tuple[EvidenceItem, ...] = ()
    rationale: str = ""


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _finite(value: Any) -> float | None:
    """``float(value)`` when it is a finite real number (bools excluded), else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _unit(value: Any) -> float:
    """Clamp to ``[0, 1]``; non-finite or missing becomes 0."""
    number = _finite(value)
    return 0.0 if number is None else _clamp(number, 0.0, 1.0)


def _round(value: Any, digits: int = DECIMALS) -> float | None:
    """Round a finite number to ``digits`` decimals as a plain float (``-0.0`` becomes 0.0)."""
    number = _finite(value)
    if number is None:
        return None
    return round(number, digits) + 0.0


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
        return _round(value)
    number = _finite(value)
    return _round(number) if number is not None else str(value)


def normalise_recommendation(value: str) -> str:
    """Upper-cased recommendation; ValueError unless BUY / HOLD / SELL."""
    recommendation = str(value).strip().upper()
    if recommendation not in RECOMMENDATIONS:
        raise ValueError(f"recommendation must be one of {', '.join(RECOMMENDATIONS)}, got {value!r}")
    return recommendation


def normalise_direction(value: str) -> str:
    """bullish / neutral / bearish from a direction or its alias; ValueError otherwise."""
    direction = _DIRECTION_ALIASES.get(str(value).strip().lower())
    if direction is None:
        raise ValueError(f"evidence direction must be one of {', '.join(EVIDENCE_DIRECTIONS)}, got {value!r}")
    return direction


# --------------------------------------------------------------------------------------------
# Expected return and downside (percent)
# --------------------------------------------------------------------------------------------


def _usable_scenarios(scenarios: Iterable[Scenario]) -> list[Scenario]:
    """Scenarios with a finite return (others are dropped)."""
    return [s for s in scenarios if _finite(s.return_pct) is not None]


def normalised_probabilities(scenarios: Iterable[Scenario]) -> list[float]:
    """Scenario probabilities clamped to ``[0, 1]`` and renormalised to sum to 1.

    ``p_i = clamp(p_i, 0, 1) / Σ_j clamp(p_j, 0, 1)``. A non-finite probability counts as 0.
    When every clamped probability is 0 the scenarios get equal weights ``1/n`` (nothing says
    one is likelier). Scenarios with a non-finite return are dropped first. Empty → ``[]``.
    """
    usable = _usable_scenarios(scenarios)
    clamped = [_unit(s.probability) for s in usable]
    total = sum(clamped)
    if not clamped:
        return []
    if total <= 0.0:
        return [1.0 / len(clamped)] * len(clamped)
    return [p / total for p in clamped]


def scenario_expected_return(scenarios: Iterable[Scenario]) -> float:
    """E7, percent: ``Σ p_i·r_i`` with the renormalised probabilities of
    :func:`normalised_probabilities`. No usable scenario → 0.0.
    """
    usable = _usable_scenarios(scenarios)
    weights = normalised_probabilities(usable)
    return float(sum(p * float(s.return_pct) for p, s in zip(weights, usable, strict=True)))


def expected_returns(e7: float) -> dict[str, float]:
    """``{"1d": E7/7, "7d": E7, "30d": clamp(E7·30/7, −60, 60)}``, percent (unrounded)."""
    return {
        "1d": e7 / 7.0,
        "7d": e7,
        "30d": _clamp(e7 * 30.0 / 7.0, -E30_LIMIT_PCT, E30_LIMIT_PCT),
    }


def bear_scenario(scenarios: Iterable[Scenario]) -> tuple[Scenario, float] | None:
    """The bear scenario and its renormalised probability.

    The scenario named ``bear`` (case-insensitive, first one); without one, the scenario with
    the lowest return (first on ties). None when there is no usable scenario.
    """
    usable = _usable_scenarios(scenarios)
    if not usable:
        return None
    weights = normalised_probabilities(usable)
    named = [i for i, s in enumerate(usable) if str(s.name).strip().lower() == "bear"]
    index = named[0] if named else min(range(len(usable)), key=lambda i: float(usable[i].return_pct))
    return usable[index], weights[index]


def stop_distance_pct(entry_price: float | None, stop_loss: float | None, recommendation: str) -> float:
    """Distance to the stop, percent of entry.

    BUY / HOLD (long): ``(entry − stop)/entry·100``, floored at 0 (a stop above entry adds no
    downside). SELL (stop above entry): ``|entry − stop|/entry·100``. 0 when the stop or a
    positive entry price is missing.
    """
    entry = _finite(entry_price)
    stop = _finite(stop_loss)
    if entry is None or stop is None or entry <= 0.0:
        return 0.0
    if normalise_recommendation(recommendation) == "SELL":
        return abs(entry - stop) / entry * 100.0
    return max(0.0, (entry - stop) / entry * 100.0)


def downside_risk_7d(
    scenarios: Iterable[Scenario],
    *,
    entry_price: float | None,
    stop_loss: float | None,
    recommendation: str,
) -> float:
    """D7, percent: ``max(|min(0, r_bear)|·p_bear, stop distance)`` (>= 0).

    ``r_bear`` / ``p_bear`` from :func:`bear_scenario` (renormalised probability), stop
    distance from :func:`stop_distance_pct`.
    """
    bear = bear_scenario(scenarios)
    scenario_term = 0.0
    if bear is not None:
        scenario, probability = bear
        scenario_term = abs(min(0.0, float(scenario.return_pct))) * probability
    return max(scenario_term, stop_distance_pct(entry_price, stop_loss, recommendation))


def downside_risks(d7: float) -> dict[str, float]:
    """``{"1d": D7/7, "7d": D7, "30d": D7·30/7}``, percent (unrounded)."""
    return {"1d": d7 / 7.0, "7d": d7, "30d": d7 * 30.0 / 7.0}


# --------------------------------------------------------------------------------------------
# Hit rate, EV, confidence (fractions)
# --------------------------------------------------------------------------------------------


def fallback_hit_rate(recommendation: str, confidence: float) -> float:
    """Hit rate without a trusted bin (fraction).

    BUY / SELL: ``clamp(0.45 + 0.45·c, 0.35, 0.90)``; HOLD: ``clamp(0.40 + 0.30·c, 0.35, 0.75)``,
    with ``c`` the raw confidence clamped to ``[0, 1]``.
    """
    c = _unit(confidence)
    if normalise_recommendation(recommendation) == "HOLD":
        return _clamp(0.40 + 0.30 * c, 0.35, 0.75)
    return _clamp(0.45 + 0.45 * c, 0.35, 0.90)


def _trusted(evidence: ReliabilityEvidence | None) -> bool:
    return (
        evidence is not None
        and _finite(evidence.hit_rate) is not None
        and _finite(evidence.sample_size) is not None
        and evidence.sample_size >= MIN_BIN_SAMPLES
    )


def hit_rate(recommendation: str, confidence: float, evidence: ReliabilityEvidence | None) -> float:
    """Hit rate for one horizon (fraction): the bin's empirical hit rate (clamped to
    ``[0, 1]``) when it has at least 30 samples, otherwise :func:`fallback_hit_rate`.
    """
    if evidence is not None and _trusted(evidence):
        return _unit(evidence.hit_rate)
    return fallback_hit_rate(recommendation, confidence)


def ev_score_7d(e7: float, d7: float, h7: float) -> float:
    """``EV = E7·h7 − D7·(1 − h7)``, percent (E7, D7 percent; h7 fraction)."""
    return e7 * h7 - d7 * (1.0 - h7)


def risk_reward_ratio_7d(e7: float, d7: float) -> float:
    """``E7 / max(D7, 0.1)`` (both percent; a ratio)."""
    return e7 / max(d7, MIN_RISK_DENOMINATOR_PCT)


def _is_count(value: Any) -> bool:
    """True for a whole number (an int, or an integral finite float); bools excluded."""
    number = _finite(value)
    return number is not None and number.is_integer()


def shrunk_confidence(
    *,
    bin_hit_rate: float | None,
    bin_samples: int,
    base_rate: float,
    min_samples: int = MIN_BIN_SAMPLES,
) -> float:
    """A bin's hit rate shrunk toward the base rate when the bin is small (all fractions).

    With ``n = bin_samples`` and ``m = min_samples``:

    * ``n >= m``: ``bin_hit_rate`` unchanged;
    * ``n < m``: ``w = n / (n + m)`` and ``value = w·bin_hit_rate + (1 − w)·base_rate``
      (``n = 0`` gives ``base_rate``; ``bin_hit_rate`` may then be None).

    Worked example: bin 0.70 over 10 samples, base 0.55, ``m = 30`` → ``w = 10/40 = 0.25`` →
    ``0.25·0.70 + 0.75·0.55 = 0.5875``. The weight rises monotonically with ``n``; the jump at
    ``n = m`` (from ``w = 0.5`` to 1) is where the earlier system's 30-sample rule takes over.

    The single definition of the formula: ``calibration.stats`` re-exports it (``analysis`` is
    the lower layer). Raises ValueError for a negative ``n``, a non-positive ``m``, a
    ``base_rate`` outside ``[0, 1]``, or a missing/out-of-range ``bin_hit_rate`` when ``n > 0``.
    """
    if not _is_count(bin_samples) or bin_samples < 0:
        raise ValueError(f"bin_samples must be a non-negative integer (got {bin_samples!r})")
    if not _is_count(min_samples) or min_samples <= 0:
        raise ValueError(f"min_samples must be a positive integer (got {min_samples!r})")
    base = _finite(base_rate)
    if base is None or not 0.0 <= base <= 1.0:
        raise ValueError(f"base_rate must be a fraction in [0, 1] (got {base_rate!r})")
    n = int(bin_samples)
    if n == 0:
        return base
    rate = _finite(bin_hit_rate)
    if rate is None or not 0.0 <= rate <= 1.0:
        raise ValueError(
            f"bin_hit_rate must be a fraction in [0, 1] when bin_samples > 0 (got {bin_hit_rate!r})"
        )
    if n >= min_samples:
        return rate
    weight = n / (n + min_samples)
    return weight * rate + (1.0 - weight) * base


def calibrate_confidence(raw: float, bin: ReliabilityEvidence | None) -> CalibratedConfidence:
    """Calibrated confidence from the 7-day reliability bin matching the raw confidence.

    * Bin with at least 30 samples: the bin's hit rate (clamped to ``[0, 1]``) with an
      uncertainty band of 5 / 8 / 12 percentage points for samples >= 200 / >= 100 / >= 30,
      source ``"reliability_bin"`` (the earlier system's rule, unchanged).
    * Otherwise, when the horizon's base rate is known (``base_sample_size > 0``): the bin's hit
      rate shrunk toward the base rate by :func:`shrunk_confidence` with ``m = 30``
      (``w = n/(n + 30)``; an empty or missing bin, ``n = 0``, gives the base rate), band
      ``SHRUNK_BAND_PCT`` = 15 points, source ``"shrunk"``, ``sample_size`` the bin's ``n``.
    * Otherwise (no evidence at all): the raw confidence (clamped to ``[0, 1]``) with a band of
      15 points, source ``"raw"``; ``sample_size`` still reports the bin's sample (0 without one).

    Never raises: hit and base rates are clamped to ``[0, 1]``; a non-finite bin hit rate counts
    as an empty bin, a non-finite base rate as no base rate.
    """
    if bin is not None and _trusted(bin):
        samples = int(bin.sample_size)
        band = 5.0 if samples >= 200 else 8.0 if samples >= 100 else 12.0
        return CalibratedConfidence(_unit(bin.hit_rate), band, samples, "reliability_bin")
    samples = 0
    if bin is not None and _finite(bin.sample_size) is not None:
        samples = max(0, int(bin.sample_size))
    base = _finite(bin.base_rate) if bin is not None else None
    base_samples = _finite(bin.base_sample_size) if bin is not None else None
    if bin is not None and base is not None and base_samples is not None and base_samples > 0:
        bin_rate = _finite(bin.hit_rate)
        value = shrunk_confidence(
            bin_hit_rate=None if bin_rate is None else _unit(bin_rate),
            bin_samples=samples if bin_rate is not None else 0,
            base_rate=_unit(base),
            min_samples=MIN_BIN_SAMPLES,
        )
        return CalibratedConfidence(_unit(value), SHRUNK_BAND_PCT, samples, "shrunk")
    return CalibratedConfidence(_unit(raw), RAW_BAND_PCT, samples, "raw")


# --------------------------------------------------------------------------------------------
# Data quality, conflict, liquidity
# --------------------------------------------------------------------------------------------


def news_freshness(newest_article_age_hours: float | None) -> float:
    """``clamp(1 − age_hours/48, 0, 1)`` (fraction); 0 when there is no news (None)."""
    age = _finite(newest_article_age_hours)
    if age is None:
        return 0.0
    return _clamp(1.0 - age / NEWS_STALE_HOURS, 0.0, 1.0)


def data_quality_score(
    agent_success_rate: float, newest_article_age_hours: float | None, fallback_share: float
) -> float:
    """``100·(0.5·success + 0.3·freshness + 0.2·(1 − fallback share))``, points in ``[0, 100]``.

    Success rate and fallback share are fractions (clamped to ``[0, 1]``); freshness from
    :func:`news_freshness`.
    """
    success = _unit(agent_success_rate)
    fallback = _unit(fallback_share)
    freshness = news_freshness(newest_article_age_hours)
    return 100.0 * (0.5 * success + 0.3 * freshness + 0.2 * (1.0 - fallback))


def conflict_score(bullish: int, bearish: int) -> float:
    """``100·min(bullish, bearish)/(bullish + bearish)``, points in ``[0, 50]``; 0 when both are 0."""
    up = max(0.0, _finite(bullish) or 0.0)
    down = max(0.0, _finite(bearish) or 0.0)
    if up + down <= 0.0:
        return 0.0
    return 100.0 * min(up, down) / (up + down)


def estimated_spread_bps(volatility_3m_pct: float | None) -> float | None:
    """``clamp(5 + 0.5·vol, 5, 250)`` basis points, vol in percent; None when vol is unknown."""
    vol = _finite(volatility_3m_pct)
    if vol is None:
        return None
    return _clamp(5.0 + 0.5 * vol, SPREAD_MIN_BPS, SPREAD_MAX_BPS)


def capacity_usd(avg_dollar_volume_20d: float | None) -> float | None:
    """2 % of the 20-day average dollar volume, US dollars; None when unknown or negative."""
    adv = _finite(avg_dollar_volume_20d)
    if adv is None or adv < 0.0:
        return None
    return CAPACITY_SHARE * adv


# --------------------------------------------------------------------------------------------
# Evidence strength per agent (fractions in [0, 1])
# --------------------------------------------------------------------------------------------


def technical_evidence_strength(signal_strength: float) -> float:
    """``|strength|/100`` for the technical agent's strength in ``[−100, 100]``, clamped to [0, 1]."""
    value = _finite(signal_strength)
    return 0.0 if value is None else _clamp(abs(value) / 100.0, 0.0, 1.0)


def fundamentals_evidence_strength(health_score: float) -> float:
    """``|health − 50|/50`` for a health score in ``[0, 100]``, clamped to [0, 1]."""
    value = _finite(health_score)
    return 0.0 if value is None else _clamp(abs(value - 50.0) / 50.0, 0.0, 1.0)


def sentiment_evidence_strength(sentiment_score: float) -> float:
    """``|score|`` for an overall sentiment in ``[−1, 1]``, clamped to [0, 1]."""
    value = _finite(sentiment_score)
    return 0.0 if value is None else _clamp(abs(value), 0.0, 1.0)


def market_evidence_strength(trending: bool) -> float:
    """0.7 when the market trend is up/down (trending), 0.5 when sideways."""
    return 0.7 if trending else 0.5


def options_evidence_strength(put_call_ratio: float) -> float:
    """``|P/C − 1|`` for a put/call ratio, clamped to [0, 1]."""
    value = _finite(put_call_ratio)
    return 0.0 if value is None else _clamp(abs(value - 1.0), 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# Rationale
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Builder
# --------------------------------------------------------------------------------------------


def _reliability_for(reliability: Mapping[Any, ReliabilityEvidence | None], horizon: int) -> Any:
    for key in (horizon, f"{horizon}d", str(horizon)):
        if key in reliability:
            return reliability[key]
    return None


def _evidence_dict(item: EvidenceItem) -> dict[str, Any]:
    factor = str(item.factor or "").strip()
    if not factor:
        raise ValueError("evidence factor must be a non-empty string")
    freshness = _finite(item.freshness_hours)
    return {
        "factor": factor,
        "direction": normalise_direction(item.direction),
        "strength": _round(_unit(item.strength)),
        "freshness_hours": _round(max(0.0, freshness)) if freshness is not None else None,
        "source": str(item.source or ""),
    }


def build_signal_contract_v2(inputs: ContractInputs) -> dict[str, Any]:
    """Build the signal contract v2 as plain JSON data (deterministic: same inputs, same dict).

    ``E7`` from :func:`scenario_expected_return`; ``E1``/``E30`` from :func:`expected_returns`;
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
    raw_confidence = _unit(inputs.raw_confidence)

    scenarios = tuple(inputs.scenarios)
    e7 = scenario_expected_return(scenarios)
    d7 = downside_risk_7d(
        scenarios, entry_price=inputs.entry_price, stop_loss=inputs.stop_loss, recommendation=recommendation
    )
    returns = expected_returns(e7)
    risks = downside_risks(d7)
    hit_rates = {
        f"{h}d": hit_rate(recommendation, raw_confidence, _reliability_for(inputs.reliability, h))
        for h in HORIZONS
    }
    h7 = hit_rates["7d"]
    calibrated = calibrate_confidence(raw_confidence, _reliability_for(inputs.reliability, 7))

    zone_low, zone_high = (_finite(value) for value in inputs.entry_zone)
    if zone_low is not None and zone_high is not None and zone_low > zone_high:
        zone_low, zone_high = zone_high, zone_low

    adv = _finite(inputs.avg_dollar_volume_20d)
    detail = _json_clean(dict(inputs.regime_detail)) if inputs.regime_detail is not None else None

    return {
        "schema_version": SCHEMA_VERSION,
        "instrument_type": INSTRUMENT_TYPE,
        "recommendation": recommendation,
        "expected_return_pct": {key: _round(value) for key, value in returns.items()},
        "downside_risk_pct": {key: _round(value) for key, value in risks.items()},
        "hit_rate": {key: _round(value) for key, value in hit_rates.items()},
        "ev_score_7d": _round(ev_score_7d(e7, d7, h7)),
        "confidence": {
            "raw": _round(raw_confidence),
            "calibrated": _round(calibrated.value),
            "uncertainty_band_pct": _round(calibrated.band_pct),
            "sample_size": int(calibrated.sample_size),
            "source": calibrated.source,
        },
        "risk": {
            "risk_reward_ratio_7d": _round(risk_reward_ratio_7d(e7, d7)),
            "max_drawdown_est_pct_7d": _round(d7),
            "data_quality_score": _round(
                data_quality_score(
                    inputs.agent_success_rate, inputs.newest_news_age_hours, inputs.fallback_share
                )
            ),
            "conflict_score": _round(conflict_score(inputs.bullish_count, inputs.bearish_count)),
            "regime_label": regime_label,
            "regime_detail": detail,
        },
        "liquidity": {
            "avg_dollar_volume_20d": _round(adv) if adv is not None and adv >= 0.0 else None,
            "est_spread_bps": _round(estimated_spread_bps(inputs.volatility_3m_pct)),
            "capacity_usd": _round(capacity_usd(adv)),
        },
        "execution_plan": {
            "entry_zone": {"low": _round(zone_low), "high": _round(zone_high)},
            "stop_loss": _round(inputs.stop_loss),
            "targets": [r for r in (_round(t) for t in inputs.targets) if r is not None],
            "invalidation_conditions": [str(c) for c in inputs.invalidation_conditions],
            "max_holding_days": max(0, int(inputs.max_holding_days)),
        },
        "rationale_summary": truncate_rationale(inputs.rationale),
        "evidence": [_evidence_dict(item) for item in inputs.evidence],
    }


# --------------------------------------------------------------------------------------------
# Schema and validator
# --------------------------------------------------------------------------------------------


@functools.cache
def _schema() -> dict[str, Any]:
    text = resources.files(__package__ or "analysis").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    return json.loads(text)


def load_contract_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of signal contract v2, as a fresh dict (the parsed file is
    cached; callers may mutate the copy they get).
    """
    return copy.deepcopy(_schema())


@functools.cache
def _validator() -> Draft202012Validator:
    schema = _schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _path_text(parts: Iterable[Any]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "contract"


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + ELLIPSIS


def _schema_message(error: Any) -> str:
    """jsonschema's message, without long echoes of the offending value."""
    instance = error.instance
    if error.validator == "maxLength" and isinstance(instance, str):
        return f"is {len(instance)} characters long; at most {error.validator_value} allowed"
    if error.validator == "minLength" and isinstance(instance, str):
        return f"is {len(instance)} characters long; at least {error.validator_value} required"
    if error.validator == "maxItems" and isinstance(instance, list):
        return f"has {len(instance)} items; at most {error.validator_value} allowed"
    return _short(error.message)


_MISSING = object()


def _get(container: Any, *path: Any) -> Any:
    node = container
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return _MISSING
        elif not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _num(container: Any, *path: Any) -> float | None:
    """A finite number at ``path`` (bools excluded), else None."""
    value = _get(container, *path)
    if value is _MISSING or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _finite(value)


def _non_finite_paths(node: Any, path: tuple[Any, ...], out: list[tuple[str, float]], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(node, float) and not math.isfinite(node):
        out.append((_path_text(path), node))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            _non_finite_paths(value, (*path, key), out, depth + 1)
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            _non_finite_paths(value, (*path, index), out, depth + 1)


def _close(actual: float, expected: float, abs_tol: float = 1e-3) -> bool:
    return math.isclose(actual, expected, rel_tol=1e-3, abs_tol=abs_tol)


def _rule_problems(
    contract: Mapping[str, Any], bad_paths: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Cross-field rules as ``(field path, message)``.

    Consistency rules are only evaluated where their operands are finite numbers that the schema
    did not already reject (``bad_paths``), so one wrong value does not cascade into others.
    """
    problems: list[tuple[str, str]] = []

    def operand(*path: Any) -> float | None:
        return None if _path_text(path) in bad_paths else _num(contract, *path)

    # No NaN or infinity anywhere (JSON cannot carry them; the schema's ranges do not catch NaN).
    non_finite: list[tuple[str, float]] = []
    _non_finite_paths(contract, (), non_finite)
    problems.extend((path, f"must be a finite number (got {value!r})") for path, value in non_finite)

    # The earlier validator's rules: values from their sets, confidences and strengths in range.
    for key, allowed in (
        ("schema_version", (SCHEMA_VERSION,)),
        ("instrument_type", (INSTRUMENT_TYPE,)),
        ("recommendation", RECOMMENDATIONS),
    ):
        value = _get(contract, key)
        if value is not _MISSING and value not in allowed:
            problems.append((key, f"must be one of {', '.join(allowed)} (got {value!r})"))
    for key in ("raw", "calibrated"):
        present = _get(contract, "confidence", key) is not _MISSING
        value = _num(contract, "confidence", key)
        if present and (value is None or not 0.0 <= value <= 1.0):
            problems.append((f"confidence.{key}", "must be a number between 0 and 1"))
    evidence = _get(contract, "evidence")
    if isinstance(evidence, list):
        for index, item in enumerate(evidence):
            direction = _get(item, "direction")
            if direction is not _MISSING and direction not in EVIDENCE_DIRECTIONS:
                problems.append(
                    (f"evidence[{index}].direction", f"must be one of {', '.join(EVIDENCE_DIRECTIONS)}")
                )
            present = _get(item, "strength") is not _MISSING
            strength = _num(item, "strength")
            if present and (strength is None or not 0.0 <= strength <= 1.0):
                problems.append((f"evidence[{index}].strength", "must be a number between 0 and 1"))

    # Consistency between horizons and with the 7-day figures.
    e1, e7, e30 = (operand("expected_return_pct", k) for k in ("1d", "7d", "30d"))
    d1, d7, d30 = (operand("downside_risk_pct", k) for k in ("1d", "7d", "30d"))
    h7 = operand("hit_rate", "7d")
    if e7 is not None and e1 is not None and not _close(e1, e7 / 7.0):
        problems.append(("expected_return_pct.1d", f"must equal 7d/7 = {e7 / 7.0:.4f} (got {e1})"))
    if e7 is not None and e30 is not None:
        expected = _clamp(e7 * 30.0 / 7.0, -E30_LIMIT_PCT, E30_LIMIT_PCT)
        if not _close(e30, expected):
            problems.append(
                (
                    "expected_return_pct.30d",
                    f"must equal clamp(7d·30/7, −60, 60) = {expected:.4f} (got {e30})",
                )
            )
    for key, value in (("1d", d1), ("7d", d7), ("30d", d30)):
        if value is not None and value < 0.0:
            problems.append((f"downside_risk_pct.{key}", f"must be >= 0 (got {value})"))
    if d7 is not None and d1 is not None and not _close(d1, d7 / 7.0):
        problems.append(("downside_risk_pct.1d", f"must equal 7d/7 = {d7 / 7.0:.4f} (got {d1})"))
    if d7 is not None and d30 is not None and not _close(d30, d7 * 30.0 / 7.0):
        problems.append(("downside_risk_pct.30d", f"must equal 7d·30/7 = {d7 * 30.0 / 7.0:.4f} (got {d30})"))
    drawdown = operand("risk", "max_drawdown_est_pct_7d")
    if d7 is not None and drawdown is not None and not _close(drawdown, d7):
        problems.append(
            ("risk.max_drawdown_est_pct_7d", f"must equal downside_risk_pct.7d = {d7} (got {drawdown})")
        )
    if e7 is not None and d7 is not None and d7 >= 0.0:
        ratio = operand("risk", "risk_reward_ratio_7d")
        expected_ratio = risk_reward_ratio_7d(e7, d7)
        if ratio is not None and not _close(ratio, expected_ratio):
            problems.append(
                (
                    "risk.risk_reward_ratio_7d",
                    f"must equal E7/max(D7, 0.1) = {expected_ratio:.4f} (got {ratio})",
                )
            )
        ev = operand("ev_score_7d")
        if ev is not None and h7 is not None and 0.0 <= h7 <= 1.0:
            expected_ev = ev_score_7d(e7, d7, h7)
            if not _close(ev, expected_ev, abs_tol=1e-3 + 1e-4 * (abs(e7) + abs(d7))):
                problems.append(
                    ("ev_score_7d", f"must equal E7·h7 − D7·(1 − h7) = {expected_ev:.4f} (got {ev})")
                )
    low = operand("execution_plan", "entry_zone", "low")
    high = operand("execution_plan", "entry_zone", "high")
    if low is not None and high is not None and low > high:
        problems.append(("execution_plan.entry_zone", f"low ({low}) must not exceed high ({high})"))
    return problems


def validate_signal_contract_v2(contract: object) -> list[str]:
    """Problems with ``contract`` as ``"<field path>: <message>"`` strings; empty when valid.

    Checks the JSON Schema (``load_contract_schema``) and then the cross-field rules: the
    earlier validator's (schema_version, instrument_type and recommendation from their sets;
    raw and calibrated confidence in ``[0, 1]``; evidence direction and strength in their
    domains), no NaN/infinity, and consistency: ``E1 = E7/7``,
    ``E30 = clamp(E7·30/7, −60, 60)``, ``D1 = D7/7``, ``D30 = D7·30/7``, all D >= 0,
    ``max_drawdown_est_pct_7d = D7``, ``risk_reward_ratio_7d = E7/max(D7, 0.1)``,
    ``ev_score_7d = E7·h7 − D7·(1 − h7)`` (each within rounding), and
    ``entry_zone.low <= entry_zone.high``. A rule's message is left out when the schema already
    reported a problem at the same field. Never raises.
    """
    problems: list[str] = []
    schema_paths: set[str] = set()
    try:
        errors = list(_validator().iter_errors(contract))
    except Exception as exc:  # a pathological object; report rather than raise
        return [f"contract: could not be checked against the schema ({type(exc).__name__})"]
    errors.sort(key=lambda e: ([str(p) for p in e.absolute_path], e.message))
    for error in errors:
        path = _path_text(error.absolute_path)
        schema_paths.add(path)
        problems.append(f"{path}: {_schema_message(error)}")
    if not isinstance(contract, Mapping):
        return problems
    try:
        rules = _rule_problems(contract, frozenset(schema_paths))
    except Exception as exc:  # defensive: rules must never raise
        return [*problems, f"contract: cross-field checks failed ({type(exc).__name__})"]
    reported = set(schema_paths)
    for path, message in rules:
        if path not in reported:  # one message per field
            reported.add(path)
            problems.append(f"{path}: {message}")
    return problems


def is_valid_signal_contract_v2(contract: object) -> bool:
    """True when :func:`validate_signal_contract_v2` finds no problem."""
    return not validate_signal_contract_v2(contract)
