"""The signal contract's fixed words: schema identity, the value sets of its enumerated fields, the
direction aliases the builder accepts, and the ellipsis that ends a shortened text.
"""

from __future__ import annotations

SCHEMA_VERSION = "2.0"
INSTRUMENT_TYPE = "US_EQUITY"

RECOMMENDATIONS: tuple[str, ...] = ("BUY", "HOLD", "SELL")
REGIME_LABELS: tuple[str, ...] = ("risk_on", "transition", "risk_off")
EVIDENCE_DIRECTIONS: tuple[str, ...] = ("bullish", "neutral", "bearish")
CONFIDENCE_SOURCES: tuple[str, ...] = ("reliability_bin", "shrunk", "raw")
HORIZONS: tuple[int, ...] = (1, 7, 30)
ELLIPSIS = "\u2026"

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
