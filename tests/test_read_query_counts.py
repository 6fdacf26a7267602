"""The hot read routes cost a fixed number of queries, whatever the number of rows (no N+1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory, WatchlistFactory, WatchlistTickerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_client(make_user: Any) -> Client:
    key = AuthToken.objects.create(user=make_user(Role.VIEWER, username="reader"))[1]
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _analyses(count: int) -> None:
    for n in range(count):
        analysis = AnalysisFactory(ticker="QCNT", timestamp=timezone.now() - timezone.timedelta(hours=n + 1))
        AnalysisOutcomeFactory(analysis=analysis, ticker="QCNT")


@pytest.mark.parametrize("rows", [2, 12])
def test_it_reads_the_detailed_history_in_fixed_queries(
    token_client: Client, django_assert_max_num_queries: Any, rows: int
) -> None:
    _analyses(rows)
    # Token (with its user), count, page, outcomes.
    with django_assert_max_num_queries(4):
        assert token_client.get("/api/analysis/QCNT/history/detailed").status_code == 200


@pytest.mark.parametrize("rows", [2, 12])
def test_it_reads_the_latest_in_fixed_queries(
    token_client: Client, django_assert_max_num_queries: Any, rows: int
) -> None:
    _analyses(rows)
    # Token (with its user), the analysis, its agent results, its sentiment factors.
    with django_assert_max_num_queries(4):
        assert token_client.get("/api/analysis/QCNT/latest").status_code == 200


@pytest.mark.parametrize("lists", [1, 6])
def test_it_reads_the_watchlists_in_fixed_queries(
    token_client: Client, django_assert_max_num_queries: Any, lists: int
) -> None:
    for n in range(lists):
        WatchlistTickerFactory(watchlist=WatchlistFactory(name=f"Q{n}"), ticker=f"Q{n}A")
    # Token (with its user), the lists, their tickers.
    with django_assert_max_num_queries(3):
        assert token_client.get("/api/watchlists").status_code == 200
