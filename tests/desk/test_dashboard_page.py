"""The dashboard at `/` renders the brief: one row per ticker, linked, honest confidence, labelled."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from tests.desk.seeded_desk import call, seed_desk
from tests.factories import WatchlistFactory, WatchlistTickerFactory

pytestmark = pytest.mark.django_db


def test_it_shows_each_tickers_current_call_once_linked_and_labelled(client_for: Any, pm: Any) -> None:
    seed_desk(timezone.now())
    for minutes in (30, 20, 10):  # three current runs of one ticker: only the newest is its call
        call("BRK.B", timezone.now() - dt.timedelta(minutes=minutes), "HOLD", ev=0.3, confidence=0.5)
    call("XOM", timezone.now() - dt.timedelta(minutes=3), "HOLD", ev=0.1, confidence=0.46, sample_size=0)
    html = client_for(pm).get("/").content.decode()
    table = html.split('data-testid="latest-calls"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r'data-ticker="BRK.B"', table)) == 1
    assert '<a href="/analysis/BRK.B/">BRK.B</a>' in table
    assert "calibrated, n=40" in table
    xom = table.split('data-ticker="XOM"', 1)[1].split("</tr>", 1)[0]
    assert "raw, not calibrated (n=0)" in xom and "calibrated, n=" not in xom
    assert 'data-testid="brief-demo"' in html
    assert 'data-testid="calibration-warning"' in html


def test_a_bad_since_is_a_400_with_the_message_on_the_page(client_for: Any, pm: Any) -> None:
    response = client_for(pm).get("/", {"since": "soon"})
    assert response.status_code == 400
    assert "since must be a date as YYYY-MM-DD" in response.content.decode()


def test_a_first_start_shows_the_demo_watchlist_and_invites_analyze_all(client_for: Any, pm: Any) -> None:
    watchlist = WatchlistFactory(name="Large caps")
    for ticker in ("AAPL", "MSFT"):
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    html = client_for(pm).get("/").content.decode()
    assert 'data-testid="first-start"' in html and "Large caps</a>: AAPL, MSFT" in html
    assert (
        f'href="/watchlists/{watchlist.pk}/#analyze-heading" data-testid="analyze-all-link">Analyze all'
        in html
    )


def test_api_clients_still_get_the_json_index(pm: Any, client_for: Any) -> None:
    body = client_for(pm).get("/", HTTP_ACCEPT="application/json").json()
    assert body["message"] == "pmresearch API" and "endpoints" in body
