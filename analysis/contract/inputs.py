"""What the builder takes: scenarios, reliability evidence, evidence items and ``ContractInputs``.

Plain frozen dataclasses; units as in :mod:`analysis.contract`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    # The horizon's calibration curve at this confidence (``analysis.contract.curve``), when the
    # caller fitted one over all the horizon's bins; ``curve_method`` "isotonic" or "posterior".
    curve_rate: float | None = None
    curve_method: str | None = None


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
        expected_return_7d_pct / downside_risk_7d_pct: E7 and D7 (percent) when they come from
            elsewhere than the scenarios (realised evidence, or 0 for a HOLD); None → the
            scenario formulas.
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
    expected_return_7d_pct: float | None = None
    downside_risk_7d_pct: float | None = None
