"""Rule-based synthesis: score, recommendation, confidence and scenarios.

Pure functions over the agents' outputs (plain dicts). Deterministic: the same
agent data always gives the same call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

BUY_THRESHOLD = 30.0
SELL_THRESHOLD = -30.0
TRADING_DAYS_PER_WEEK = 5  # a 7-calendar-day horizon spans about five sessions


@dataclass(frozen=True)
class ScoreTerm:
    name: str
    points: float
    why: str


def score_terms(data: dict[str, dict[str, Any]]) -> list[ScoreTerm]:
    """The earlier system's score, term by term; an absent agent contributes nothing.

    score = 0.56·(health − 50) + 0.23·technical strength + 23·sentiment
            ± 18 (trend up/down) ± 8 (macro normal+expansion vs inverted/contraction)
            ± 8 (options signal)
    """
    terms: list[ScoreTerm] = []
    fundamentals = data.get("fundamentals")
    if fundamentals and fundamentals.get("health_score") is not None:
        health = fundamentals["health_score"]
        terms.append(ScoreTerm("fundamentals", 0.56 * (health - 50), f"health {health:g}"))
    technical = data.get("technical")
    if technical:
        strength = technical["signals"]["strength"]
        terms.append(ScoreTerm("technical", 0.23 * strength, f"technical strength {strength:+d}"))
    sentiment = data.get("sentiment")
    if sentiment and sentiment.get("overall_sentiment") is not None:
        value = sentiment["overall_sentiment"]
        terms.append(ScoreTerm("sentiment", 23 * value, f"sentiment {value:+.2f}"))
    market = data.get("market")
    if market:
        trend = market["trend"]
        points = 18.0 if trend.endswith("uptrend") else -18.0 if trend.endswith("downtrend") else 0.0
        terms.append(ScoreTerm("trend", points, trend.replace("_", " ")))
    macro = data.get("macro")
    if macro:
        # The status string: `yield_curve_status`, or inside the earlier `yield_curve` object.
        curve = macro.get("yield_curve_status") or macro.get("yield_curve")
        curve = curve.get("status") if isinstance(curve, dict) else curve
        cycle = macro["economic_cycle"]
        points = 8.0 if (curve == "normal" and cycle == "expansion") else 0.0
        points = -8.0 if (curve == "inverted" or cycle == "contraction") else points
        terms.append(ScoreTerm("macro", points, f"{curve} curve, {cycle}"))
    options = data.get("options")
    if options:
        signal = options["signal"]
        points = 8.0 if signal > 0 else -8.0 if signal < 0 else 0.0
        terms.append(ScoreTerm("options", points, f"options signal {signal:+d}"))
    return terms


def total_score(terms: list[ScoreTerm]) -> int:
    return round(max(-100.0, min(100.0, sum(t.points for t in terms))))


def recommendation_for(score: float) -> str:
    """The earlier system's call on the raw score (kept for reference; the engine calls
    :func:`scaled_call`)."""
    return "BUY" if score > BUY_THRESHOLD else "SELL" if score < SELL_THRESHOLD else "HOLD"


#: How far each term can move the score in one direction, in score points. Each is the term's
#: bound except the technical one: its components exclude each other (RSI ≤ 30 and Bollinger
#: below the lower band do not occur with MACD and the MA stack both bullish), so its reach is
#: the largest set that occurs together in a trend, MACD 25 + MA stack 20 = 45, times 0.23.
TERM_REACH = {
    "fundamentals": 0.56 * 50.0,  # 28
    "technical": 0.23 * 45.0,  # 10.35
    "sentiment": 23.0,
    "trend": 18.0,
    "macro": 8.0,
    "options": 8.0,
}
FULL_REACH = sum(TERM_REACH.values())  # 95.35: every agent answered
#: A call needs |strength| at or above this (percent of what the answering agents can reach).
#: Chosen by walk-forward among 20, 31.5 (the earlier ±30 score over the full reach, 30 / 95.35),
#: 45, 60, 80 and 95: the one whose calls earned most net of costs on the earlier half of the
#: replay (figures in `analysis.expected_returns`). With every agent answering it is a score of
#: about ±43 where the earlier system used ±30.
STRENGTH_THRESHOLD = 45.0
#: Below this share of the full reach no call is made: one small term (technical alone,
#: macro alone, options alone) cannot carry a call on its own. Price data (trend + technical,
#: 28.35 / 95.35 = 0.297) is above it.
MIN_CALL_COVERAGE = 0.15


@dataclass(frozen=True)
class ScaledCall:
    """The call judged against what the answering agents can say.

    ``signal_strength`` in [−100, 100]: the score as a share of the reach of the terms that
    answered, ``100·Σ clamp(points, −reach, reach) / Σ reach``; ``evidence_coverage`` in
    [0, 1]: that reach over the full reach (95.35); ``recommendation`` BUY / HOLD / SELL.
    """

    signal_strength: float
    evidence_coverage: float
    recommendation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "signal_strength": self.signal_strength,
            "evidence_coverage": self.evidence_coverage,
            "strength_threshold": STRENGTH_THRESHOLD,
            "min_call_coverage": MIN_CALL_COVERAGE,
        }


def scaled_call(terms: list[ScoreTerm]) -> ScaledCall:
    """Strength, coverage and the call (deterministic; see :class:`ScaledCall`).

    BUY when strength ≥ ``STRENGTH_THRESHOLD`` (45) and coverage ≥ 0.15, SELL when strength
    ≤ −45 and coverage ≥ 0.15, else HOLD. No answering term → strength 0, coverage 0, HOLD.
    """
    reach = sum(TERM_REACH.get(t.name, 0.0) for t in terms)
    if reach <= 0.0:
        return ScaledCall(0.0, 0.0, "HOLD")
    points = sum(max(-TERM_REACH.get(t.name, 0.0), min(TERM_REACH.get(t.name, 0.0), t.points)) for t in terms)
    strength = round(100.0 * points / reach, 2)
    coverage = round(reach / FULL_REACH, 4)
    call = "HOLD"
    if coverage >= MIN_CALL_COVERAGE and strength >= STRENGTH_THRESHOLD:
        call = "BUY"
    elif coverage >= MIN_CALL_COVERAGE and strength <= -STRENGTH_THRESHOLD:
        call = "SELL"
    return ScaledCall(strength, coverage, call)


def raw_confidence(*, score: float, bullish: int, bearish: int, neutral: int, success_rate: float) -> float:
    """How much the evidence agrees and how strong it is, in [0.05, 0.95].

    agreement = |bullish − bearish| / (bullish + bearish + neutral) over agents
    that answered; strength = |score| / 100. Failed agents pull it down:
        confidence = 0.30 + 0.35·agreement + 0.30·strength − 0.20·(1 − success_rate)
    The earlier system reported a flat 0.6 whatever the evidence.
    """
    answered = bullish + bearish + neutral
    agreement = abs(bullish - bearish) / answered if answered else 0.0
    strength = min(1.0, abs(score) / 100.0)
    value = 0.30 + 0.35 * agreement + 0.30 * strength - 0.20 * (1.0 - success_rate)
    return round(max(0.05, min(0.95, value)), 4)


@dataclass(frozen=True)
class Scenario:
    name: str
    probability: float
    return_pct: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "probability": self.probability, "return_pct": round(self.return_pct, 4)}


SCENARIO_PROBABILITIES = {
    "BUY": (0.45, 0.35, 0.20),
    "HOLD": (0.30, 0.45, 0.25),
    "SELL": (0.20, 0.35, 0.45),
}


def horizon_volatility_pct(daily_volatility_pct: float, sessions: int = TRADING_DAYS_PER_WEEK) -> float:
    """Realised daily volatility scaled to the horizon by √time."""
    return daily_volatility_pct * math.sqrt(sessions)


def scenarios_for(recommendation: str, score: float, daily_volatility_pct: float) -> list[Scenario]:
    """Bull / base / bear over seven days, in percent, scaled by the ticker's volatility.

    σ7 = daily vol · √5. The earlier system used base ± fixed 8 / −10 points,
    which matches σ7 ≈ 4 % (a 28 % annual-vol stock): bull = base + 2·σ7,
    bear = base − 2.5·σ7. The base keeps the earlier shape in units of σ7/4:
    BUY max(0.5·σ7, 0.15·score·σ7/4), SELL min(−0.5·σ7, 0.15·score·σ7/4),
    HOLD 0.08·score·σ7/4.
    """
    sigma = max(0.25, horizon_volatility_pct(daily_volatility_pct))
    unit = sigma / 4.0
    if recommendation == "BUY":
        base = max(0.5 * sigma, 0.15 * score * unit)
    elif recommendation == "SELL":
        base = min(-0.5 * sigma, 0.15 * score * unit)
    else:
        base = 0.08 * score * unit
    p_bull, p_base, p_bear = SCENARIO_PROBABILITIES[recommendation]
    return [
        Scenario("bull", p_bull, base + 2.0 * sigma),
        Scenario("base", p_base, base),
        Scenario("bear", p_bear, base - 2.5 * sigma),
    ]


def predicted_up_probability(scenarios: list[Scenario], recommendation: str) -> float:
    """Sum of the probabilities of scenarios with a positive return (earlier fallback by call)."""
    up = sum(s.probability for s in scenarios if s.return_pct > 0)
    total = sum(s.probability for s in scenarios)
    if total <= 0:
        return {"BUY": 0.65, "HOLD": 0.5, "SELL": 0.35}[recommendation]
    return round(up / total, 4)


def scenario_summary(scenarios: list[Scenario]) -> str:
    parts = [f"{s.name} {s.return_pct:+.1f}% (p={s.probability:.2f})" for s in scenarios]
    return "7-day scenarios: " + ", ".join(parts)


SCENARIO_THESES = {
    "bull": "Upside drivers outweigh the risks and the move extends.",
    "base": "The current picture holds: signals stay mixed around the call.",
    "bear": "The risks play out and the price gives back ground.",
}


def scenario_block(scenarios: list[dict[str, Any]] | dict[str, Any] | None) -> dict[str, Any]:
    """The earlier `scenarios` object {bull, base, bear: {probability, expected_return_pct, thesis}}.

    Built from our list (`scenario_list`, items {name, probability, return_pct}); an object
    already in the earlier shape is returned as it is, anything else gives nulls.
    """
    if isinstance(scenarios, dict) and all(isinstance(scenarios.get(k), dict) for k in SCENARIO_THESES):
        return scenarios
    rows = {
        str(row.get("name", "")).lower(): row
        for row in (scenarios if isinstance(scenarios, list) else [])
        if isinstance(row, dict)
    }
    return {
        name: {
            "probability": rows.get(name, {}).get("probability"),
            "expected_return_pct": rows.get(name, {}).get("return_pct"),
            "thesis": thesis,
        }
        for name, thesis in SCENARIO_THESES.items()
    }
