"""`warm_market_data` prefetches with a progress bar; `clear_market_cache` empties the cache."""

from __future__ import annotations

import datetime as dt
import io
import sys
import types
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from datasources.http import SourceUnavailable
from datasources.models import CachedResponse
from tests.factories import CachedResponseFactory

pytestmark = pytest.mark.django_db
PUBLIC = {"MARKET_DATA_PROVIDER": "public", "SEC_USER_AGENT": "Jane Doe jane@example.com"}
MODULE = "analysis.providers.public.provider"


def _fake_provider(prefetch):  # type: ignore[no-untyped-def]
    module = types.ModuleType(MODULE)
    module.prefetch = prefetch  # type: ignore[attr-defined]
    return mock.patch.dict(sys.modules, {MODULE: module})


@override_settings(**PUBLIC)
def test_it_prefetches_each_ticker_with_a_progress_bar(capsys) -> None:
    calls = []
    with _fake_provider(lambda tickers, as_of, days: calls.append((tickers, as_of, days))):
        call_command(
            "warm_market_data", "--tickers", "aapl,MSFT", "NVDA", "--days", "30", "--as-of", "2021-07-30"
        )
    assert calls == [([t], dt.date(2021, 7, 30), 30) for t in ("AAPL", "MSFT", "NVDA")]
    captured = capsys.readouterr()
    assert "3/3" in captured.err and "[" in captured.err
    assert "warmed 3 of 3 tickers" in captured.out


@override_settings(**PUBLIC)
def test_it_exits_non_zero_naming_the_tickers_that_failed() -> None:
    def prefetch(tickers, as_of, days):  # type: ignore[no-untyped-def]
        if tickers == ["MSFT"]:
            raise SourceUnavailable("SEC unreachable: timed out after 3 tries")

    with _fake_provider(prefetch), pytest.raises(CommandError, match="MSFT: SEC unreachable"):
        call_command("warm_market_data", "--tickers", "AAPL,MSFT", stderr=io.StringIO(), stdout=io.StringIO())


@override_settings(**PUBLIC)
def test_it_says_when_the_prefetch_is_missing() -> None:
    with (
        mock.patch.dict(sys.modules, {MODULE: types.ModuleType(MODULE)}),
        pytest.raises(CommandError, match="prefetch is not available"),
    ):
        call_command("warm_market_data", "--tickers", "AAPL", stderr=io.StringIO())


def test_it_refuses_to_warm_under_another_provider() -> None:
    with (
        override_settings(MARKET_DATA_PROVIDER="demo"),
        pytest.raises(CommandError, match="MARKET_DATA_PROVIDER=public"),
    ):
        call_command("warm_market_data", "--tickers", "AAPL")


def test_it_clears_one_ticker_then_everything() -> None:
    for ticker in ("AAPL", "NVDA"):
        CachedResponseFactory(ticker=ticker)
    out = io.StringIO()
    call_command("clear_market_cache", "--ticker", "aapl", stdout=out)
    assert "removed 1 cached responses" in out.getvalue()
    assert list(CachedResponse.objects.values_list("ticker", flat=True)) == ["NVDA"]
    call_command("clear_market_cache", stdout=io.StringIO())
    assert not CachedResponse.objects.exists()
