"""Keep the bars and articles an analysis used in `price_history` and `news_cache`.

The tables are the earlier system's caches, kept filled for the tools that read them. Rows
go in with one multi-row INSERT … ON CONFLICT DO NOTHING per table (SQLite and PostgreSQL
alike): the unique keys (ticker, timestamp) and (ticker, url) drop what is cached already.
Through the ORM, `bulk_create` of a ticker's 63 bars cost more than the rest of storing the
analysis (measured: ~5 ms of a ~16 ms analysis), all of it spent building per-value SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

from analysis.engine import EngineResult
from analysis.market_data import session_close
from analysis.models import NewsArticle, PriceBar

BAR_COLUMNS = ("ticker", "timestamp", "open", "high", "low", "close", "volume")
# 100 rows of 7 values stay under SQLite's oldest limit of 999 parameters per statement.
ROWS_PER_STATEMENT = 100
NEWS_COLUMNS = ("ticker", "published_at", "title", "source", "url", "summary", "sentiment_score")


def cache_market_data(result: EngineResult) -> None:
    """Store the market agent's chart bars and the news agent's articles (no duplicates)."""
    insert_ignoring_duplicates(PriceBar, BAR_COLUMNS, bar_rows(result))
    insert_ignoring_duplicates(NewsArticle, NEWS_COLUMNS, news_rows(result))


def bar_rows(result: EngineResult) -> list[tuple[Any, ...]]:
    market = result.agent_outputs.get("market")
    chart = market.data.get("chart") if market and market.success else None
    if not chart:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    columns = (chart["open"], chart["high"], chart["low"], chart["close"], chart["volume"])
    return [
        (
            result.ticker,
            adapt(session_close(dt.date.fromisoformat(day))),
            _float(o),
            _float(h),
            _float(low),
            _float(c),
            None if v is None else int(v),
        )
        for day, o, h, low, c, v in zip(chart["dates"], *columns, strict=True)
    ]


def news_rows(result: EngineResult) -> list[tuple[Any, ...]]:
    news = result.agent_outputs.get("news")
    articles = news.data.get("articles", []) if news and news.success else []
    adapt = connection.ops.adapt_datetimefield_value
    return [
        (
            result.ticker,
            adapt(dt.datetime.fromisoformat(a["published_at"])),
            a["title"],
            a["source"],
            a["url"],
            a["summary"],
            _float(a["sentiment"]),
        )
        for a in articles
    ]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def insert_ignoring_duplicates(
    model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT `rows` (values in `fields` order, already adapted) into `model`'s table; skip duplicates."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            # Table and column names come from the model's meta, quoted; values are parameters.
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
            cursor.execute(
                sql + ", ".join([one_row] * len(chunk)) + " ON CONFLICT DO NOTHING",
                [value for row in chunk for value in row],
            )
