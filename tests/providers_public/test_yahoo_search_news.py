import datetime as dt

from analysis.providers.public.yahoo import parse_search_news
from tests.providers_public.conftest import body, ny


def test_it_keeps_news_published_by_as_of_newest_first():
    # The four items were published 2025-02-25 00:20, 05:54:47, 06:00:58 and 09:52 UTC.
    as_of = dt.datetime(2025, 2, 25, 6, 0, 58, tzinfo=dt.UTC)
    items = parse_search_news(body("yahoo/search-AAPL.json"), "AAPL", as_of=as_of)
    assert [i.published_at.strftime("%H:%M:%S") for i in items] == ["06:00:58", "05:54:47", "00:20:00"]
    assert all(i.ticker == "AAPL" and not i.is_demo and i.url.startswith("https://") for i in items)


def test_it_scores_headlines_with_the_finance_lexicon():
    items = parse_search_news(body("yahoo/search-AAPL.json"), "AAPL", as_of=ny(2025, 3, 1))
    warnings = next(i for i in items if "Warnings" in i.title)
    # "Warnings" is in the negative list and no positive word appears: (0 − 1) / 1.
    assert warnings.sentiment == -1.0
    assert {i.category for i in items} <= {
        "earnings",
        "guidance",
        "analyst",
        "product",
        "strategic",
        "legal",
        "macro",
        "other",
    }


def test_it_returns_nothing_for_an_as_of_before_every_item():
    assert parse_search_news(body("yahoo/search-AAPL.json"), "AAPL", as_of=ny(2024, 1, 1)) == []
