"""Expected return and downside risk per horizon (percent), and the 7-day EV and risk/reward.

``E7`` and ``D7`` come from the 7-day scenarios (the instrument's own returns, a long holder's
view, for every recommendation); the 1- and 30-day figures are scaled from them.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.contract.inputs import Scenario
from analysis.contract.numeric import clamp, unit_interval
from analysis.contract.vocabulary import normalise_recommendation
from core.numeric import finite_number

#: E30 is clamped to ±60 percent.
E30_LIMIT_PCT = 60.0
#: Floor for D7 in the risk/reward denominator, percent.
MIN_RISK_DENOMINATOR_PCT = 0.1


def _usable_scenarios(scenarios: Iterable[Scenario]) -> list[Scenario]:
    """Scenarios with a finite return (others are dropped)."""
    return [s for s in scenarios if finite_number(s.return_pct) is not None]


def normalised_probabilities(scenarios: Iterable[Scenario]) -> list[float]:
    """Scenario probabilities clamped to ``[0, 1]`` and renormalised to sum to 1.

    ``p_i = clamp(p_i, 0, 1) / Σ_j clamp(p_j, 0, 1)``. A non-finite probability counts as 0.
    When every clamped probability is 0 the scenarios get equal weights ``1/n`` (nothing says
    one is likelier). Scenarios with a non-finite return are dropped first. Empty → ``[]``.
    """
    usable = _usable_scenarios(scenarios)
    clamped = [unit_interval(s.probability) for s in usable]
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
        "30d": clamp(e7 * 30.0 / 7.0, -E30_LIMIT_PCT, E30_LIMIT_PCT),
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
    entry = finite_number(entry_price)
    stop = finite_number(stop_loss)
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


def ev_score_7d(e7: float, d7: float, h7: float) -> float:
    """``EV = E7·h7 − D7·(1 − h7)``, percent (E7, D7 percent; h7 fraction)."""
    return e7 * h7 - d7 * (1.0 - h7)


def risk_reward_ratio_7d(e7: float, d7: float) -> float:
    """``E7 / max(D7, 0.1)`` (both percent; a ratio)."""
    return e7 / max(d7, MIN_RISK_DENOMINATOR_PCT)
