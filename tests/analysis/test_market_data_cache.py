"""run_analysis keeps the bars and articles it used in price_history and news_cache, once each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Count
from rest_framework.test import APIClient

from analysis.market_data import NEW_YORK, session_close
from analysis.models import Analysis, NewsArticle, PriceBar

pytestmark = pytest.mark.django_db

PAST = "2025-06-13"
LATER = "2025-06-20"


def analyse(client: APIClient, ticker: str, as_of: str, agents: str | None = None) -> dict[str, Any]:
    query = f"?as_of={as_of}" + (f"&agents={agents}" if agents else "")
    response = client.post(f"/api/analyze/{ticker}{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_it_caches_the_chart_bars_up_to_the_as_of(pm_api: APIClient) -> None:
    body = analyse(pm_api, "AAPL", PAST)
    chart = body["agent_results"]["market"]["data"]["chart"]
    analysis = Analysis.objects.get(pk=body["analysis_id"])
    bars = list(PriceBar.objects.filter(ticker="AAPL").order_by("timestamp"))
    assert len(bars) == len(chart["dates"]) == 63
    # Point in time: nothing the analysis could not have seen ends up in the cache.
    assert all(bar.timestamp <= analysis.as_of for bar in bars)
    assert bars[-1].timestamp.astimezone(NEW_YORK).date().isoformat() == chart["dates"][-1] <= PAST
    # Each bar is stamped at its session's close and carries the chart's values.
    assert [bar.timestamp for bar in bars] == [
        session_close(dt.date.fromisoformat(d)) for d in chart["dates"]
    ]
    assert [bar.close for bar in bars] == chart["close"]
    assert [bar.open for bar in bars] == chart["open"]
    assert [bar.high for bar in bars] == chart["high"]
    assert [bar.low for bar in bars] == chart["low"]
    assert [bar.volume for bar in bars] == chart["volume"]
    assert not PriceBar.objects.exclude(ticker="AAPL").exists()


def test_it_caches_the_articles_the_news_agent_used(pm_api: APIClient) -> None:
    body = analyse(pm_api, "AAPL", PAST)
    news = body["agent_results"]["news"]["data"]
    analysis = Analysis.objects.get(pk=body["analysis_id"])
    cached = NewsArticle.objects.filter(ticker="AAPL")
    assert news["article_count"] > 0
    assert cached.count() == news["article_count"]
    assert set(cached.values_list("url", flat=True)) == {a["url"] for a in news["articles"]}
    assert all(article.published_at <= analysis.as_of for article in cached)
    by_url = {a["url"]: a for a in news["articles"]}
    for article in cached:
        used = by_url[article.url]
        assert (article.title, article.source, article.summary) == (
            used["title"],
            used["source"],
            used["summary"],
        )
        assert article.sentiment_score == used["sentiment"]
        assert article.published_at == dt.datetime.fromisoformat(used["published_at"])


def test_repeating_an_analysis_adds_no_rows(pm_api: APIClient) -> None:
    analyse(pm_api, "AAPL", PAST)
    bars, articles = PriceBar.objects.count(), NewsArticle.objects.count()
    analyse(pm_api, "aapl", PAST)
    assert Analysis.objects.filter(ticker="AAPL").count() == 2
    assert PriceBar.objects.count() == bars
    assert NewsArticle.objects.count() == articles


def test_a_later_analysis_adds_only_the_new_bars_and_articles(pm_api: APIClient) -> None:
    first = analyse(pm_api, "AAPL", PAST)
    second = analyse(pm_api, "AAPL", LATER)
    dates = set(first["agent_results"]["market"]["data"]["chart"]["dates"])
    dates |= set(second["agent_results"]["market"]["data"]["chart"]["dates"])
    assert PriceBar.objects.filter(ticker="AAPL").count() == len(dates) > 63
    urls = {a["url"] for body in (first, second) for a in body["agent_results"]["news"]["data"]["articles"]}
    assert NewsArticle.objects.filter(ticker="AAPL").count() == len(urls)
    # The unique constraints hold: one row per (ticker, session) and per (ticker, url).
    assert not PriceBar.objects.values("ticker", "timestamp").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not NewsArticle.objects.values("ticker", "url").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_an_earlier_analysis_adds_no_duplicates(pm_api: APIClient) -> None:
    analyse(pm_api, "AAPL", LATER)
    analyse(pm_api, "AAPL", PAST)
    assert not PriceBar.objects.values("ticker", "timestamp").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not NewsArticle.objects.values("ticker", "url").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_each_ticker_is_cached_under_its_own_symbol(pm_api: APIClient) -> None:
    analyse(pm_api, "AAPL", PAST)
    analyse(pm_api, "brk-b", PAST)
    assert PriceBar.objects.filter(ticker="AAPL").count() == 63
    assert PriceBar.objects.filter(ticker="BRK.B").count() == 63
    assert NewsArticle.objects.filter(ticker="BRK.B").exists()


def test_without_the_news_agent_nothing_is_cached_as_news(pm_api: APIClient) -> None:
    # Only what an analysis actually used is kept; a market-only run read no articles.
    analyse(pm_api, "AAPL", PAST, agents="market")
    assert PriceBar.objects.filter(ticker="AAPL").count() == 63
    assert not NewsArticle.objects.exists()


def test_without_the_market_agent_nothing_is_cached_as_prices(pm_api: APIClient) -> None:
    analyse(pm_api, "AAPL", PAST, agents="news")
    assert not PriceBar.objects.exists()
    assert NewsArticle.objects.filter(ticker="AAPL").exists()
