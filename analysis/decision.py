"""The decision card, the legacy advisory portfolio action and the rationale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HORIZON_DAYS = {"SHORT_TERM": 7, "MEDIUM_TERM": 30, "LONG_TERM": 90}
SIZING_MULTIPLIER = {"SMALL": 0.5, "MEDIUM": 1.0, "LARGE": 1.5}
RATIONALE_LIMIT = 400


def time_horizon(technical_strength: int | None, fundamentals_health: float | None) -> str:
    """Short when the technical picture dominates, long when fundamentals do."""
    tech = abs(technical_strength or 0) / 100
    fund = abs((fundamentals_health or 50) - 50) / 50
    if tech >= 0.4 and tech > fund:
        return "SHORT_TERM"
    if fund >= 0.4 and fund > tech:
        return "LONG_TERM"
    return "MEDIUM_TERM"


def position_size(confidence: float, *, conflicted: bool, data_quality_level: str) -> str:
    if confidence < 0.55 or conflicted or data_quality_level == "poor":
        return "SMALL"
    if confidence >= 0.75:
        return "LARGE"
    return "MEDIUM"


def decision_card(
    *, recommendation: str, price: float, atr: float, confidence: float, horizon: str, size: str,
    bull_return_pct: float, support: float | None, resistance: float | None, invalidation: list[str],
) -> dict[str, Any]:  # fmt: skip
    """Entry ±2 % around the price, a stop two ATRs against the call, two targets."""
    action = {"BUY": "buy", "HOLD": "hold", "SELL": "avoid"}[recommendation]
    atr = atr if atr > 0 else price * 0.02
    if recommendation == "SELL":
        stop = price + 2 * atr
        targets = [price - 2 * atr, price * (1 + min(-0.01, -abs(bull_return_pct) / 100))]
    else:
        stop = price - 2 * atr
        targets = [price + 2 * atr, price * (1 + max(0.01, bull_return_pct / 100))]
    return {
        "action": action,
        "entry_zone": {"low": round(price * 0.98, 4), "high": round(price * 1.02, 4)},
        "reference_price": round(price, 4),
        "stop_loss": round(stop, 4),
        "targets": [round(t, 4) for t in targets],
        "time_horizon": horizon,
        "max_holding_days": HORIZON_DAYS[horizon],
        "confidence": confidence,
        "invalidation_conditions": invalidation,
        "position_sizing": {"hint": size, "risk_multiplier": SIZING_MULTIPLIER[size]},
        "position_sizing_hint": sizing_hint(size),
        "support": support,
        "resistance": resistance,
    }


SIZING_WORDS = {"SMALL": "reduced", "MEDIUM": "standard", "LARGE": "larger"}


def sizing_hint(size: str | None) -> str:
    """The earlier card's sentence for the size (`position_sizing_hint`)."""
    size = size if size in SIZING_MULTIPLIER else "MEDIUM"
    return f"Use {SIZING_WORDS[size]} size (about {SIZING_MULTIPLIER[size]:.1f}x normal risk)."


def with_earlier_card_keys(card: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored card with `position_sizing_hint`; idempotent, None stays None."""
    if not isinstance(card, dict):
        return card
    out = dict(card)
    if not isinstance(out.get("position_sizing_hint"), str):
        sizing = out.get("position_sizing") if isinstance(out.get("position_sizing"), dict) else {}
        out["position_sizing_hint"] = sizing_hint(sizing.get("hint"))
    return out


def invalidation_conditions(
    recommendation: str, *, stop: float, data: dict[str, dict[str, Any]]
) -> list[str]:
    conditions = [f"Daily close {'above' if recommendation == 'SELL' else 'below'} the stop at {stop:.2f}"]
    if data.get("fundamentals"):
        conditions.append(
            "Fundamentals health rises above 60"
            if recommendation == "SELL"
            else "Fundamentals health falls below 40"
        )
    if data.get("technical"):
        conditions.append(
            "Technical strength turns above +30"
            if recommendation == "SELL"
            else "Technical strength turns below −30"
        )
    if data.get("macro"):
        conditions.append(
            "Macro environment turns restrictive" if recommendation != "SELL" else "Macro turns supportive"
        )
    return conditions


@dataclass(frozen=True)
class PortfolioPosition:
    """What the engine needs to know of the desk's portfolio (plain data)."""

    total_value: float
    position_value: float
    sector: str | None
    sector_value: float
    max_position_pct: float
    max_sector_pct: float


def legacy_portfolio_action(
    recommendation: str,
    size: str,
    position: PortfolioPosition | None,
    *,
    confidence: float = 0.5,
    data_quality_level: str = "good",
    conflicted: bool = False,
) -> dict[str, Any]:
    """The earlier advisory form: what to do with the position, with its limits.

    Ours (`current_weight`, `suggested_weight`, `reason`) and the earlier keys
    (`fit_score`, `*_position_pct` fractions, `constraint_checks`, `rationale`) side by side.
    """
    if position is None or position.total_value <= 0:
        action = {
            "action": {"BUY": "consider_opening", "HOLD": "no_action", "SELL": "avoid"}[recommendation],
            "current_weight": None,
            "suggested_weight": None,
            "reason": "No portfolio holdings on record; sizing is advisory only.",
        }
        return with_earlier_action_keys(
            action, confidence=confidence, data_quality_level=data_quality_level, conflicted=conflicted
        )
    current = position.position_value / position.total_value
    sector_weight = position.sector_value / position.total_value
    cap = position.max_position_pct * SIZING_MULTIPLIER[size] / 1.5
    room_in_sector = max(0.0, position.max_sector_pct - sector_weight + current)
    if recommendation == "BUY":
        suggested = min(cap, room_in_sector, position.max_position_pct)
        action = "add" if suggested > current + 0.002 else "hold"
        reason = (
            f"BUY sized {size.lower()}: target {suggested:.1%} "
            f"within the {position.max_position_pct:.0%} position limit"
        )
    elif recommendation == "SELL":
        suggested = 0.0 if size != "SMALL" else current / 2
        action = "exit" if suggested == 0.0 and current > 0 else "trim" if current > 0 else "avoid"
        reason = "SELL: reduce exposure" if current > 0 else "SELL: no position to reduce"
    else:
        suggested = min(current, position.max_position_pct)
        action = "trim" if current > position.max_position_pct else "hold"
        reason = "HOLD: keep the position within limits"
    return with_earlier_action_keys(
        {
            "action": action,
            "current_weight": round(current, 4),
            "suggested_weight": round(suggested, 4),
            "sector": position.sector,
            "sector_weight": round(sector_weight, 4),
            "max_position_pct": position.max_position_pct,
            "max_sector_pct": position.max_sector_pct,
            "reason": reason,
        },
        confidence=confidence,
        data_quality_level=data_quality_level,
        conflicted=conflicted,
    )


def _fraction(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def with_earlier_action_keys(
    action: dict[str, Any] | None,
    *,
    confidence: float | None = None,
    data_quality_level: str | None = None,
    conflicted: bool = False,
) -> dict[str, Any] | None:
    """The advisory action with the earlier keys; idempotent, safe on actions stored before them.

    Fractions of the book: `current_position_pct` now, `projected_position_pct` after the
    suggestion, `sector_exposure_pct` of the ticker's sector after it,
    `risk_budget_utilization_pct` the projected weight over the position limit. `fit_score`
    (0..100) starts at 100·confidence and loses 25 per failed check and 10 per warning.
    """
    if not isinstance(action, dict):
        return action
    out = dict(action)
    if "constraint_checks" in out and "fit_score" in out:
        return out
    current = _fraction(out.get("current_weight"))
    projected = _fraction(out.get("suggested_weight")) if out.get("suggested_weight") is not None else current
    sector_now = _fraction(out.get("sector_weight"))
    sector_after = max(0.0, sector_now - current + projected)
    max_position = out.get("max_position_pct")
    max_sector = out.get("max_sector_pct")
    checks: list[dict[str, str]] = []
    rationale = [f"{out.get('reason') or 'Advisory action'}."]
    if isinstance(max_position, int | float):
        ok = projected <= max_position + 1e-9
        checks.append(
            {
                "name": "max_position",
                "status": "pass" if ok else "fail",
                "detail": f"Projected {projected:.2%} vs limit {max_position:.2%}.",
            }
        )
        if current > max_position:
            rationale.append("Current position exceeds the position limit.")
    if isinstance(max_sector, int | float):
        ok = sector_after <= max_sector + 1e-9
        checks.append(
            {
                "name": "max_sector",
                "status": "pass" if ok else "fail",
                "detail": f"Projected sector {sector_after:.2%} vs limit {max_sector:.2%}.",
            }
        )
        if sector_now > max_sector:
            rationale.append("Sector concentration is already above its limit.")
    level = data_quality_level or "warn"
    gate = "fail" if level == "poor" else "warn" if (level != "good" or conflicted) else "pass"
    checks.append(
        {"name": "data_quality_gate", "status": gate, "detail": f"Quality={level}; conflicted={conflicted}."}
    )
    base = 100.0 * (confidence if isinstance(confidence, int | float) else 0.5)
    penalty = sum(25 if c["status"] == "fail" else 10 if c["status"] == "warn" else 0 for c in checks)
    out.update(
        {
            "fit_score": round(max(0.0, min(100.0, base - penalty))),
            "current_position_pct": round(current, 6),
            "projected_position_pct": round(projected, 6),
            "sector_exposure_pct": round(sector_after, 6),
            "risk_budget_utilization_pct": round(projected / max_position, 6)
            if isinstance(max_position, int | float) and max_position > 0
            else 0.0,
            "constraint_checks": checks,
            "rationale": rationale,
        }
    )
    return out


def rationale(
    recommendation: str, ticker: str, score: int, confidence: float, terms: list[Any], risks: list[str]
) -> str:
    """A short, quotable rationale (≤ 400 characters), strongest drivers first."""
    drivers = sorted((t for t in terms if t.points), key=lambda t: -abs(t.points))[:3]
    text = f"{recommendation} {ticker}: score {score:+d}, confidence {confidence:.2f}."
    if drivers:
        text += " Drivers: " + "; ".join(f"{t.why} ({t.points:+.0f})" for t in drivers) + "."
    if risks:
        text += " Main risk: " + risks[0] + "."
    if len(text) > RATIONALE_LIMIT:
        text = text[: RATIONALE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return text


def risks_and_opportunities(
    data: dict[str, dict[str, Any]], diag: dict[str, Any]
) -> tuple[list[str], list[str]]:
    risks: list[str] = []
    opportunities: list[str] = []
    market, technical = data.get("market") or {}, data.get("technical") or {}
    fundamentals, sentiment = data.get("fundamentals") or {}, data.get("sentiment") or {}
    macro, options = data.get("macro") or {}, data.get("options") or {}
    if market.get("trend", "").endswith("downtrend"):
        risks.append(f"price in a {market['trend'].replace('_', ' ')}")
    elif market.get("trend", "").endswith("uptrend"):
        opportunities.append(f"price in a {market['trend'].replace('_', ' ')}")
    rsi = (technical.get("indicators") or {}).get("rsi", {}).get("value")
    if rsi is not None and rsi >= 70:
        risks.append(f"RSI {rsi:.0f} is overbought")
    elif rsi is not None and rsi <= 30:
        opportunities.append(f"RSI {rsi:.0f} is oversold")
    health = fundamentals.get("health_score")
    if health is not None and health <= 40:
        risks.append(f"weak fundamentals (health {health:g})")
    elif health is not None and health >= 60:
        opportunities.append(f"solid fundamentals (health {health:g})")
    if sentiment.get("sentiment_regime") == "negative":
        risks.append("negative news sentiment")
    elif sentiment.get("sentiment_regime") == "positive":
        opportunities.append("positive news sentiment")
    if macro.get("market_environment") == "restrictive":
        risks.append("restrictive macro environment")
    elif macro.get("market_environment") == "supportive":
        opportunities.append("supportive macro environment")
    if options.get("signal", 0) < 0:
        risks.append(f"bearish options positioning (P/C {options.get('put_call_ratio')})")
    elif options.get("signal", 0) > 0:
        opportunities.append(f"bullish options positioning (P/C {options.get('put_call_ratio')})")
    if market.get("volatility_3m") and market["volatility_3m"] > 3:
        risks.append(f"high volatility ({market['volatility_3m']:.1f}% daily)")
    if diag["conflicted"]:
        risks.append("agents disagree")
    if diag["data_quality_level"] == "poor":
        risks.append("poor data quality")
    return risks, opportunities
