"""`?tickers=` on "Analyze all" runs only those tickers of the list, as a resumed run does."""

from __future__ import annotations

from typing import Any

import pytest

from core.domain_errors import DomainError
from tests.factories import WatchlistFactory, WatchlistTickerFactory
from watchlists.runs import subset_to_run as _subset_to_run

LIST = ["AAPL", "BRK.B", "MSFT", "NVDA"]


def test_it_keeps_the_list_order_of_the_named_tickers() -> None:
    assert _subset_to_run(LIST, "nvda, brk-b AAPL") == ["AAPL", "BRK.B", "NVDA"]


def test_it_runs_the_whole_list_without_the_parameter() -> None:
    assert _subset_to_run(LIST, None) == LIST
    assert _subset_to_run(LIST, " ") == LIST


def test_it_refuses_a_ticker_not_on_the_list() -> None:
    with pytest.raises(DomainError, match="not on this watchlist: TSLA"):
        _subset_to_run(LIST, "AAPL,TSLA")


@pytest.mark.django_db
def test_it_answers_a_bad_subset_with_a_400_before_streaming(pm_api: Any) -> None:
    watchlist = WatchlistFactory()
    WatchlistTickerFactory(watchlist=watchlist, ticker="AAPL")
    response = pm_api.post(f"/api/watchlists/{watchlist.pk}/analyze?tickers=TSLA")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "TSLA" in response.json()["detail"]
