"""What every analyst agent receives and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from analysis.market_data import MarketDataProvider, PriceSeries
from core.numeric import finite_number


class Direction(StrEnum):
    BULLISH = "bullish"
    NEUTRAL = "neutral"
    BEARISH = "bearish"


class NoData(Exception):
    """The provider has nothing for this agent; reported honestly, never faked."""


@dataclass(frozen=True)
class AgentContext:
    """Inputs shared by all agents of one analysis, loaded once by the engine."""

    ticker: str
    as_of: dt.datetime
    provider: MarketDataProvider
    prices: PriceSeries
    # Outputs of agents this one depends on (sentiment reads news).
    upstream: dict[str, AgentOutput] = field(default_factory=dict)


@dataclass(frozen=True)
class AgentOutput:
    agent_type: str
    success: bool
    data: dict[str, Any]
    direction: Direction
    strength: float  # 0..1, how strongly the agent points its way (evidence strength)
    source: str
    freshness_hours: float | None
    error: str | None = None
    duration_seconds: float = 0.0


def failed_output(agent_type: str, error: str, *, source: str = "none") -> AgentOutput:
    return AgentOutput(
        agent_type=agent_type,
        success=False,
        data={},
        direction=Direction.NEUTRAL,
        strength=0.0,
        source=source,
        freshness_hours=None,
        error=error,
    )


def hours_between(earlier: dt.datetime, later: dt.datetime) -> float:
    return max(0.0, (later - earlier).total_seconds() / 3600.0)


def finite(value: float | None, digits: int = 4) -> float | None:
    """A JSON-safe float rounded to `digits`, or None for missing / NaN / infinite values."""
    number = finite_number(value)
    return None if number is None else round(number, digits)
