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
    risk_budget_pct: float = 1.0


# The earlier system's profile defaults, used when no holdings are on record.
DEFAULT_MAX_POSITION = 0.10
DEFAULT_MAX_SECTOR = 0.30
# A limit breached by at most 15 % of itself is a warning, beyond that a failure.
LIMIT_WARN_RATIO = 1.15
# fit_score: 85 for a clean fit, less per problem (the earlier overlay's weights).
FIT_BASE = 85
FIT_PENALTY = {"data_quality_gate": (12, 22), "max_position": (8, 16), "max_sector": (8, 16)}
FIT_OVER_BUDGET = 8
FIT_DEFENSIVE = 4


def _add_step(max_position: float) -> float:
    """How much an add buys: half the position limit, kept between 1 % and 5 % of the book."""
    return max(0.01, min(0.05, max_position * 0.5 if max_position > 0 else 0.03))


def _projected(action: str, current: float, sector_now: float, max_position: float) -> tuple[float, float]:
    position = {
        "add": min(1.0, current + _add_step(max_position)),
        "trim": current * 0.7,
        "exit": 0.0,
    }.get(action, current)
    return position, max(0.0, min(1.0, sector_now + position - current))


def _limit_status(projected: float, limit: float) -> str:
    if projected <= limit + 1e-9:
        return "pass"
    return "warn" if projected <= (limit * LIMIT_WARN_RATIO if limit > 0 else 0.05) else "fail"


def legacy_portfolio_action(
    recommendation: str,
    size: str,
    position: PortfolioPosition | None,
    *,
    confidence: float = 0.5,
    data_quality_level: str = "good",
    conflicted: bool = False,
) -> dict[str, Any]:
    """The earlier advisory overlay: add / hedge / trim / exit / hold, checked against the limits.

    BUY adds, SELL exits a held position (else holds), HOLD holds. Poor data or conflicted
    agents block an add: a held BUY or HOLD is hedged instead, an unheld BUY held back. An add
    that would breach the position or sector limit is held back; a HOLD or SELL already over
    a limit is trimmed. `size` and `confidence` do not change the earlier action (they are kept
    for the callers' signature). Ours (`current_weight`, `suggested_weight`, `reason`) and the
    earlier keys (`fit_score`, `*_position_pct` fractions, `constraint_checks`, `rationale`).
    """
    del size, confidence
    held = position is not None and position.total_value > 0
    current = position.position_value / position.total_value if held else 0.0
    sector_now = position.sector_value / position.total_value if held else 0.0
    max_position = position.max_position_pct if position is not None else DEFAULT_MAX_POSITION
    max_sector = position.max_sector_pct if position is not None else DEFAULT_MAX_SECTOR
    risk_budget = position.risk_budget_pct if position is not None else 1.0
    has_position = current > 0.0001
    level = str(data_quality_level or "warn").lower()

    action = {"BUY": "add", "SELL": "exit" if has_position else "hold"}.get(recommendation, "hold")
    rationale = [f"Base mapping from recommendation {recommendation}."]
    if level == "poor" or conflicted:
        if has_position and recommendation in ("BUY", "HOLD"):
            action = "hedge"
            rationale.append("Signal conflict or poor data quality: hedge the position rather than add.")
        elif recommendation == "BUY":
            action = "hold"
            rationale.append("Signal conflict or poor data quality blocked adding exposure.")
    projected, _ = _projected(action, current, sector_now, max_position)
    if projected > max_position:
        if recommendation == "BUY":
            action = "hold"
            rationale.append("The add would breach the position limit; held instead.")
        elif has_position and current > max_position:
            action = "trim"
            rationale.append("The position is above its limit; trim it.")
    _, projected_sector = _projected(action, current, sector_now, max_position)
    if projected_sector > max_sector:
        if recommendation == "BUY":
            action = "hold"
            rationale.append("The add would breach the sector limit; held instead.")
        elif has_position and sector_now > max_sector:
            action = "trim"
            rationale.append("The sector is above its limit; trim the position.")
    projected, projected_sector = _projected(action, current, sector_now, max_position)

    gate = "fail" if level == "poor" or conflicted else "warn" if level == "warn" else "pass"
    checks = [
        {
            "name": "max_position",
            "status": _limit_status(projected, max_position),
            "detail": f"Projected {projected:.2%} vs limit {max_position:.2%}.",
        },
        {
            "name": "max_sector",
            "status": _limit_status(projected_sector, max_sector),
            "detail": f"Projected sector {projected_sector:.2%} vs limit {max_sector:.2%}.",
        },
        {"name": "data_quality_gate", "status": gate, "detail": f"Quality={level}; conflicted={conflicted}."},
    ]
    utilisation = projected / risk_budget if risk_budget > 0 else 1.0
    if not held:
        rationale.append("No portfolio holdings on record; sizing is advisory only.")
    return {
        "action": action,
        "current_weight": round(current, 4),
        "suggested_weight": round(projected, 4),
        "sector": position.sector if held else None,
        "sector_weight": round(sector_now, 4),
        "max_position_pct": max_position,
        "max_sector_pct": max_sector,
        "reason": " ".join(rationale),
        "fit_score": _fit_score(checks, utilisation, action),
        "current_position_pct": round(current, 6),
        "projected_position_pct": round(projected, 6),
        "sector_exposure_pct": round(projected_sector, 6),
        "risk_budget_utilization_pct": round(utilisation, 6),
        "constraint_checks": checks,
        "rationale": rationale,
    }


def _fraction(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _fit_score(checks: list[dict[str, str]], utilisation: float, action: str) -> int:
    """The earlier overlay's fit (0..100): 85 less 12/22 for a warned/failed data gate, 8/16 per
    warned/failed limit, 8 over the risk budget and 4 for a defensive action (hedge, trim)."""
    fit = FIT_BASE
    for check in checks:
        warn, fail = FIT_PENALTY[check["name"]]
        fit -= warn if check["status"] == "warn" else fail if check["status"] == "fail" else 0
    fit -= FIT_OVER_BUDGET if utilisation > 1.0 else 0
    fit -= FIT_DEFENSIVE if action in ("hedge", "trim") else 0
    return int(max(0, min(100, fit)))


def with_earlier_action_keys(
    action: dict[str, Any] | None,
    *,
    confidence: float | None = None,
    data_quality_level: str | None = None,
    conflicted: bool = False,
) -> dict[str, Any] | None:
    """The advisory action with the earlier keys; idempotent, safe on actions stored before them.

    An action stored before the earlier keys came back keeps its own action and weights; its
    checks and `fit_score` are worked out from them as the overlay does today.
    """
    del confidence
    if not isinstance(action, dict):
        return action
    out = dict(action)
    if "constraint_checks" in out and "fit_score" in out:
        return out
    current = _fraction(out.get("current_weight"))
    projected = _fraction(out.get("suggested_weight")) if out.get("suggested_weight") is not None else current
    sector_now = _fraction(out.get("sector_weight"))
    sector_after = max(0.0, sector_now - current + projected)
    max_position = _fraction(out.get("max_position_pct")) or DEFAULT_MAX_POSITION
    max_sector = _fraction(out.get("max_sector_pct")) or DEFAULT_MAX_SECTOR
    level = str(data_quality_level or "warn").lower()
    gate = "fail" if level == "poor" or conflicted else "warn" if level == "warn" else "pass"
    checks = [
        {
            "name": "max_position",
            "status": _limit_status(projected, max_position),
            "detail": f"Projected {projected:.2%} vs limit {max_position:.2%}.",
        },
        {
            "name": "max_sector",
            "status": _limit_status(sector_after, max_sector),
            "detail": f"Projected sector {sector_after:.2%} vs limit {max_sector:.2%}.",
        },
        {"name": "data_quality_gate", "status": gate, "detail": f"Quality={level}; conflicted={conflicted}."},
    ]
    out.update(
        {
            "fit_score": _fit_score(checks, projected, str(out.get("action"))),
            "current_position_pct": round(current, 6),
            "projected_position_pct": round(projected, 6),
            "sector_exposure_pct": round(sector_after, 6),
            "risk_budget_utilization_pct": round(projected, 6),
            "constraint_checks": checks,
            "rationale": [f"{out.get('reason') or 'Advisory action'}."],
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
