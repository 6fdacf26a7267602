"""News agent: recent articles with their sentiment; sentiment builds on it."""

from __future__ import annotations

from collections import Counter

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between

NAME = "news"
LOOKBACK_DAYS = 7
KEY_HEADLINES = 5


def run(ctx: AgentContext) -> AgentOutput:
    articles = ctx.provider.news(ctx.ticker, as_of=ctx.as_of, lookback_days=LOOKBACK_DAYS)
    if not articles:
        raise NoData(f"no news from the {ctx.provider.name} provider in the last {LOOKBACK_DAYS} days")
    newest_age = min(hours_between(a.published_at, ctx.as_of) for a in articles)
    mean_sentiment = sum(a.sentiment for a in articles) / len(articles)
    key = sorted(articles, key=lambda a: (-abs(a.sentiment), -a.published_at.timestamp()))[:KEY_HEADLINES]
    data = {
        "article_count": len(articles),
        "last_24h_count": sum(hours_between(a.published_at, ctx.as_of) <= 24 for a in articles),
        "by_category": dict(sorted(Counter(a.category for a in articles).items())),
        "average_sentiment": finite(mean_sentiment),
        "newest_article_age_hours": finite(newest_age, 2),
        "key_headlines": [a.title for a in key],
        "articles": [
            {
                "title": a.title,
                "source": a.source,
                "url": a.url,
                "published_at": a.published_at.isoformat(),
                "sentiment": finite(a.sentiment),
                "category": a.category,
                "summary": a.summary,
            }
            for a in articles
        ],
        "lookback_days": LOOKBACK_DAYS,
        "is_demo_data": articles[0].is_demo,
    }
    direction = (
        Direction.BULLISH
        if mean_sentiment >= 0.2
        else Direction.BEARISH
        if mean_sentiment <= -0.2
        else Direction.NEUTRAL
    )
    return AgentOutput(
        agent_type=NAME,
        success=True,
        data=data,
        direction=direction,
        strength=min(1.0, abs(mean_sentiment)),
        source=articles[0].source if articles[0].is_demo else ctx.provider.name,
        freshness_hours=newest_age,
    )
