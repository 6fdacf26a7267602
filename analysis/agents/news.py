"""News agent: recent articles with their sentiment; sentiment builds on it."""

from __future__ import annotations

from collections import Counter

from analysis.agents.base import AgentContext, AgentOutput, Direction, NoData, finite, hours_between

NAME = "news"
LOOKBACK_DAYS = 7
KEY_HEADLINES = 5
# The earlier system's six news buckets, filled from this project's finer categories.
EARLIER_CATEGORIES = {
    "earnings": ("earnings", "guidance"),
    "product": ("product",),
    "leadership": ("strategic",),  # deals, buybacks and management changes
    "market": ("analyst", "macro"),
    "regulatory": ("legal",),
    "other": ("other",),
}


def earlier_categories(by_category: dict[str, int]) -> dict[str, int]:
    return {bucket: sum(by_category.get(c, 0) for c in ours) for bucket, ours in EARLIER_CATEGORIES.items()}


def summary(total: int, recent: int) -> str:
    activity = "High" if recent >= 5 else "Moderate" if recent >= 2 else "Low"
    return (
        f"Found {total} relevant news articles. {recent} published in the last 24 hours. "
        f"{activity} recent news activity."
    )


def run(ctx: AgentContext) -> AgentOutput:
    articles = ctx.provider.news(ctx.ticker, as_of=ctx.as_of, lookback_days=LOOKBACK_DAYS)
    if not articles:
        raise NoData(f"no news from the {ctx.provider.name} provider in the last {LOOKBACK_DAYS} days")
    newest_age = min(hours_between(a.published_at, ctx.as_of) for a in articles)
    mean_sentiment = sum(a.sentiment for a in articles) / len(articles)
    key = sorted(articles, key=lambda a: (-abs(a.sentiment), -a.published_at.timestamp()))[:KEY_HEADLINES]
    recent = sum(hours_between(a.published_at, ctx.as_of) <= 24 for a in articles)
    by_category = dict(sorted(Counter(a.category for a in articles).items()))
    source = articles[0].source if articles[0].is_demo else ctx.provider.name
    data = {
        "article_count": len(articles),
        "last_24h_count": recent,
        "by_category": by_category,
        "average_sentiment": finite(mean_sentiment),
        "newest_article_age_hours": finite(newest_age, 2),
        "key_headline_titles": [a.title for a in key],
        # The earlier system's objects; no relevance score is measured here, so it is null.
        "key_headlines": [
            {
                "title": a.title,
                "source": a.source,
                "url": a.url,
                "published_at": a.published_at.isoformat(),
                "relevance_score": None,
                "sentiment": finite(a.sentiment),
            }
            for a in key
        ],
        "articles": [
            {
                "title": a.title,
                "source": a.source,
                "url": a.url,
                "published_at": a.published_at.isoformat(),
                "sentiment": finite(a.sentiment),
                "category": a.category,
                "summary": a.summary,
                # The earlier article keys: no byline or relevance score is known here.
                "description": a.summary,
                "content": a.summary,
                "author": None,
                "relevance_score": None,
            }
            for a in articles
        ],
        "total_count": len(articles),
        "filtered_count": 0,  # no article is filtered out
        "categories": earlier_categories(by_category),
        "recent_count": recent,
        "summary": summary(len(articles), recent),
        "data_source": source,
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
        source=source,
        freshness_hours=newest_age,
    )
