"""Sentiment agent: a weighted factor breakdown over news and the price reaction."""

from __future__ import annotations

import math
from typing import Any

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite

NAME = "sentiment"
DEPENDS_ON = ("news",)
# Factor weights before renormalising over the factors that have data.
FACTOR_WEIGHTS = {
    "earnings": 0.30,
    "guidance": 0.25,
    "stock_reactions": 0.20,
    "strategic_news": 0.15,
    "social": 0.10,
}
CATEGORY_FACTOR = {
    "earnings": "earnings",
    "guidance": "guidance",
    "strategic": "strategic_news",
    "product": "strategic_news",
}


def factor_scores(
    articles: list[dict[str, Any]], five_day_return_pct: float | None
) -> dict[str, float | None]:
    """Mean article sentiment per factor; the stock reaction is tanh(5-day return / 5 %).

    Social sentiment has no source here, so it stays None (no data) rather than
    being invented.
    """
    sums: dict[str, list[float]] = {}
    for article in articles:
        factor = CATEGORY_FACTOR.get(article["category"])
        if factor and article["sentiment"] is not None:
            sums.setdefault(factor, []).append(article["sentiment"])
    scores: dict[str, float | None] = {name: None for name in FACTOR_WEIGHTS}
    for factor, values in sums.items():
        scores[factor] = sum(values) / len(values)
    if five_day_return_pct is not None:
        scores["stock_reactions"] = math.tanh(five_day_return_pct / 5.0)
    return scores


def combine(scores: dict[str, float | None]) -> tuple[float, list[dict[str, Any]], float]:
    """Overall score in [-1, 1], the factor rows, and the weight share that had data."""
    available = {name: s for name, s in scores.items() if s is not None}
    total_weight = sum(FACTOR_WEIGHTS[name] for name in available)
    rows = []
    overall = 0.0
    for name, base_weight in FACTOR_WEIGHTS.items():
        score = scores[name]
        weight = base_weight / total_weight if score is not None and total_weight else 0.0
        contribution = (score or 0.0) * weight
        overall += contribution
        rows.append(
            {
                "factor": name,
                "score": finite(score),
                "weight": finite(weight),
                "contribution": finite(contribution),
            }
        )
    return max(-1.0, min(1.0, overall)), rows, total_weight


FACTOR_LABELS = {
    "earnings": "earnings news",
    "guidance": "guidance",
    "stock_reactions": "the stock's 5-day reaction",
    "strategic_news": "strategic news",
    "social": "social sentiment",
}


def factors_by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The earlier {factor: {score, weight, contribution}} form, only for factors that had data."""
    return {
        row["factor"]: {"score": row["score"], "weight": row["weight"], "contribution": row["contribution"]}
        for row in rows
        if row["score"] is not None
    }


def reasoning(rows: list[dict[str, Any]]) -> str:
    measured = sorted(
        (row for row in rows if row["score"] is not None), key=lambda row: -abs(row["contribution"] or 0.0)
    )
    if not measured:
        return "No factor had data."
    parts = [
        f"{FACTOR_LABELS[row['factor']]} {row['score']:+.2f} (weight {row['weight']:.2f})" for row in measured
    ]
    return "Driven by " + ", ".join(parts) + "."


def key_themes(rows: list[dict[str, Any]]) -> list[str]:
    """The factors that moved the score most, strongest first (at most three)."""
    measured = [row for row in rows if row["score"] is not None and row["contribution"]]
    measured.sort(key=lambda row: -abs(row["contribution"]))
    return [
        f"{'Positive' if row['contribution'] > 0 else 'Negative'} {FACTOR_LABELS[row['factor']]}"
        for row in measured[:3]
    ]


def summary(overall: float, confidence: float, why: str) -> str:
    tone = "Positive" if overall >= 0.2 else "Negative" if overall <= -0.2 else "Neutral"
    return f"Overall sentiment: {tone} ({overall:+.2f}). Confidence: {confidence:.0%}. {why}"


def run(ctx: AgentContext) -> AgentOutput:
    news = ctx.upstream.get("news")
    if news is None or not news.success:
        raise NoData("no news to read sentiment from")
    close = ctx.prices.close
    five_day = float((close[-1] / close[-6] - 1) * 100) if close.shape[0] > 5 else None
    overall, factors, coverage = combine(factor_scores(news.data["articles"], five_day))
    article_count = news.data["article_count"]
    # More articles and more factor coverage make the reading more trustworthy.
    confidence = min(1.0, 0.3 + 0.05 * min(article_count, 10) + 0.3 * coverage)
    regime = "positive" if overall >= 0.2 else "negative" if overall <= -0.2 else "neutral"
    why = reasoning(factors)
    data = {
        "overall_sentiment": finite(overall),
        "confidence": finite(confidence),
        "sentiment_regime": regime,
        "factor_rows": factors,
        "factors": factors_by_name(factors),
        "reasoning": why,
        "key_themes": key_themes(factors),
        "summary": summary(overall, confidence, why),
        "data_source": news.source,
        "article_count": article_count,
        "is_demo_data": news.data.get("is_demo_data", False),
    }
    direction = (
        Direction.BULLISH if overall >= 0.2 else Direction.BEARISH if overall <= -0.2 else Direction.NEUTRAL
    )
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=direction,
        strength=min(1.0, abs(overall)),
        source=news.source,
        freshness_hours=news.freshness_hours,
    )
