"""Pasting many tickers at once: each validated, repeats and ones already listed reported."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import WatchlistFactory, WatchlistTickerFactory
from watchlists.bulk_add import split_paste
from watchlists.models import WatchlistTicker

pytestmark = pytest.mark.django_db


def _symbols(watchlist: Any) -> list[str]:
    return sorted(WatchlistTicker.objects.filter(watchlist=watchlist).values_list("ticker", flat=True))


def test_it_splits_on_commas_spaces_semicolons_and_lines() -> None:
    assert split_paste(" AAPL, MSFT NVDA\n\tbrk-b;;GOOG\r\n") == ["AAPL", "MSFT", "NVDA", "brk-b", "GOOG"]
    assert split_paste(" ,\n ") == []


def test_it_adds_a_pasted_list_and_reports_each_symbol(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    WatchlistTickerFactory(watchlist=watchlist, ticker="AAPL")
    response = pm_api.post(
        f"/api/watchlists/{watchlist.pk}/tickers",
        {"tickers": "aapl, MSFT NVDA\nbrk-b BRK.B msft TOOLONGX"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["added"] == ["MSFT", "NVDA", "BRK.B"]
    assert body["already_on_list"] == ["AAPL"]
    # brk-b and BRK.B are one symbol: the second spelling is a repeat, as is the second msft.
    assert body["repeated"] == ["BRK.B", "MSFT"]
    assert [item["ticker"] for item in body["invalid"]] == ["TOOLONGX"]
    assert body["invalid"][0]["detail"]
    assert body["changed"] is True
    assert _symbols(watchlist) == ["AAPL", "BRK.B", "MSFT", "NVDA"]


def test_it_takes_a_json_list(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    response = pm_api.post(
        f"/api/watchlists/{watchlist.pk}/tickers", {"tickers": ["AAPL", "MSFT"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["added"] == ["AAPL", "MSFT"]


def test_it_refuses_a_paste_with_no_valid_symbol_and_writes_nothing(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"tickers": "12345, $$"}, format="json")
    assert response.status_code == 400
    assert "12345" in response.json()["detail"]
    assert _symbols(watchlist) == []


def test_it_refuses_tickers_of_the_wrong_type(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"tickers": {"a": 1}}, format="json")
    assert response.status_code == 400


def test_the_single_ticker_body_keeps_its_earlier_answer(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/tickers", {"ticker": "aapl"}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"success", "ticker", "watchlist_id", "changed", "watchlist"}


def test_the_page_form_adds_a_paste_longer_than_twelve_characters(pm: Any, client_for: Any) -> None:
    watchlist = WatchlistFactory(name="Core")
    client = client_for(pm)
    response = client.post(
        f"/watchlists/{watchlist.pk}/tickers", {"tickers": "AAPL, MSFT, NVDA, AAPL, 9X"}, follow=True
    )
    assert response.status_code == 200
    assert _symbols(watchlist) == ["AAPL", "MSFT", "NVDA"]
    html = response.content.decode()
    assert "Added AAPL, MSFT, NVDA." in html
    assert "Pasted more than once (added once): AAPL." in html
    assert "Not added: 9X" in html
    # The box keeps no 12-character cap.
    assert 'maxlength="12"' not in html
