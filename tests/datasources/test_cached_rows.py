"""News items are kept by publication time: fetches accumulate and a past as_of reads what was held."""

from __future__ import annotations

import datetime as dt

import pytest

from datasources.cache import RowItem, cached_rows, clear, store_rows
from tests.factories import CachedRowFactory

pytestmark = pytest.mark.django_db


def _item(uid: str, day: int, title: str = "t") -> RowItem:
    return RowItem(uid, dt.datetime(2021, 7, day, 14, tzinfo=dt.UTC), {"title": title})


def test_it_reads_only_items_published_by_as_of() -> None:
    assert store_rows("yahoo", "nvda", [_item("a", 1), _item("b", 20)]) == 2
    # A later fetch repeats "b" (with a changed title) and adds "c": "b" keeps its first record.
    assert store_rows("yahoo", "NVDA", [_item("b", 20, "changed"), _item("c", 21)]) == 1
    held = cached_rows("yahoo", "NVDA", until=dt.datetime(2021, 7, 20, 23, tzinfo=dt.UTC))
    assert [(r.uid, r.payload["title"]) for r in held] == [("a", "t"), ("b", "t")]


def test_it_clears_one_ticker_or_everything() -> None:
    CachedRowFactory(ticker="NVDA", uid="a")
    CachedRowFactory(ticker="AAPL", uid="a", published_at=dt.datetime(2021, 7, 1, tzinfo=dt.UTC))
    assert clear("nvda") == (0, 1)
    assert [r.uid for r in cached_rows("yahoo", "AAPL", until=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))] == [
        "a"
    ]
    assert clear(None) == (0, 1)
