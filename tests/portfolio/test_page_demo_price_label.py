"""The portfolio page labels a holding valued from the demo market's close, per holding.

The label follows where each value came from when it was priced, not the provider configured
now: a holding priced under `demo` stays labelled after a switch to real prices, and one priced
from a CSV close is not labelled while `demo` is configured.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from portfolio.models import MarketValueSource, PortfolioHolding
from portfolio.services import create_holding
from tests.factories import PortfolioHoldingFactory

pytestmark = pytest.mark.django_db


def _labelled(html: str) -> set[str]:
    """Tickers whose row carries the demo-price badge."""
    rows = re.findall(r"<tr\b.*?</tr>", html, flags=re.S)
    return {
        ticker
        for row in rows
        if 'data-testid="price-demo"' in row
        for ticker in re.findall(r"\b(DEMO|REAL|OLD)\b", row)[:1]
    }


def test_the_label_follows_each_holdings_own_price_source(
    settings: Any, tmp_path: Path, pm: Any, client_for: Callable[[Any], Client]
) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    demo = create_holding(ticker="DEMO", shares=10)
    assert demo.market_value_source == MarketValueSource.PROVIDER_CLOSE
    assert demo.market_value_price_is_demo is True

    settings.MARKET_DATA_PROVIDER = "csv"
    settings.MARKET_DATA_CSV_DIR = str(tmp_path)
    session = timezone.localdate() - dt.timedelta(days=3)
    (tmp_path / "REAL.csv").write_text(
        f"date,open,high,low,close,adj_close,volume\n{session},10,12,9,11.25,,1000\n"
    )
    real = create_holding(ticker="REAL", shares=8)
    assert real.market_value_price_is_demo is False

    client = client_for(pm)
    assert _labelled(client.get("/portfolio/").content.decode()) == {"DEMO"}

    settings.MARKET_DATA_PROVIDER = "demo"
    assert _labelled(client.get("/portfolio/").content.decode()) == {"DEMO"}


def test_a_row_priced_before_the_source_was_recorded_follows_the_configured_provider(
    settings: Any, pm: Any, client_for: Callable[[Any], Client]
) -> None:
    PortfolioHoldingFactory(
        ticker="OLD",
        market_value=1_000,
        market_value_source="provider_close",
        market_value_price=100.0,
        market_value_price_date=timezone.localdate() - dt.timedelta(days=1),
    )
    assert PortfolioHolding.objects.get(ticker="OLD").market_value_price_is_demo is None
    client = client_for(pm)

    settings.MARKET_DATA_PROVIDER = "demo"
    assert _labelled(client.get("/portfolio/").content.decode()) == {"OLD"}
    settings.MARKET_DATA_PROVIDER = "csv"
    assert _labelled(client.get("/portfolio/").content.decode()) == set()
