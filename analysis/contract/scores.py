"""Data quality, agent conflict, liquidity and per-agent evidence strength.

Data quality and conflict are points in ``[0, 100]``, spreads basis points, capacity US dollars,
evidence strengths fractions in ``[0, 1]``.
"""

from __future__ import annotations

from analysis.contract.numeric import clamp, unit_interval
from core.numeric import finite_number

#: News older than this many hours has zero freshness.
NEWS_STALE_HOURS = 48.0
#: Share of 20-day average dollar volume one can trade (2 %).
CAPACITY_SHARE = 0.02
SPREAD_MIN_BPS = 5.0
SPREAD_MAX_BPS = 250.0


def news_freshness(newest_article_age_hours: float | None) -> float:
    """``clamp(1 − age_hours/48, 0, 1)`` (fraction); 0 when there is no news (None)."""
    age = finite_number(newest_article_age_hours)
    if age is None:
        return 0.0
    return clamp(1.0 - age / NEWS_STALE_HOURS, 0.0, 1.0)


def data_quality_score(
    agent_success_rate: float, newest_article_age_hours: float | None, fallback_share: float
) -> float:
    """``100·(0.5·success + 0.3·freshness + 0.2·(1 − fallback share))``, points in ``[0, 100]``.

    Success rate and fallback share are fractions (clamped to ``[0, 1]``); freshness from
    :func:`news_freshness`.
    """
    success = unit_interval(agent_success_rate)
    fallback = unit_interval(fallback_share)
    freshness = news_freshness(newest_article_age_hours)
    return 100.0 * (0.5 * success + 0.3 * freshness + 0.2 * (1.0 - fallback))


def conflict_score(bullish: int, bearish: int) -> float:
    """``100·min(bullish, bearish)/(bullish + bearish)``, points in ``[0, 50]``; 0 when both are 0."""
    up = max(0.0, finite_number(bullish) or 0.0)
    down = max(0.0, finite_number(bearish) or 0.0)
    if up + down <= 0.0:
        return 0.0
    return 100.0 * min(up, down) / (up + down)


def estimated_spread_bps(volatility_3m_pct: float | None) -> float | None:
    """``clamp(5 + 0.5·vol, 5, 250)`` basis points, vol in percent; None when vol is unknown."""
    vol = finite_number(volatility_3m_pct)
    if vol is None:
        return None
    return clamp(5.0 + 0.5 * vol, SPREAD_MIN_BPS, SPREAD_MAX_BPS)


def capacity_usd(avg_dollar_volume_20d: float | None) -> float | None:
    """2 % of the 20-day average dollar volume, US dollars; None when unknown or negative."""
    adv = finite_number(avg_dollar_volume_20d)
    if adv is None or adv < 0.0:
        return None
    return CAPACITY_SHARE * adv


# --------------------------------------------------------------------------------------------
# Evidence strength per agent (fractions in [0, 1])
# --------------------------------------------------------------------------------------------


def technical_evidence_strength(signal_strength: float) -> float:
    """``|strength|/100`` for the technical agent's strength in ``[−100, 100]``, clamped to [0, 1]."""
    value = finite_number(signal_strength)
    return 0.0 if value is None else clamp(abs(value) / 100.0, 0.0, 1.0)


def fundamentals_evidence_strength(health_score: float) -> float:
    """``|health − 50|/50`` for a health score in ``[0, 100]``, clamped to [0, 1]."""
    value = finite_number(health_score)
    return 0.0 if value is None else clamp(abs(value - 50.0) / 50.0, 0.0, 1.0)


def sentiment_evidence_strength(sentiment_score: float) -> float:
    """``|score|`` for an overall sentiment in ``[−1, 1]``, clamped to [0, 1]."""
    value = finite_number(sentiment_score)
    return 0.0 if value is None else clamp(abs(value), 0.0, 1.0)


def market_evidence_strength(trending: bool) -> float:
    """0.7 when the market trend is up/down (trending), 0.5 when sideways."""
    return 0.7 if trending else 0.5


def options_evidence_strength(put_call_ratio: float) -> float:
    """``|P/C − 1|`` for a put/call ratio, clamped to [0, 1]."""
    value = finite_number(put_call_ratio)
    return 0.0 if value is None else clamp(abs(value - 1.0), 0.0, 1.0)
