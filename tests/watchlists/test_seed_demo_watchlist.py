"""`manage.py seed_demo_watchlist`: a demo watchlist on a fresh desk, never otherwise."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import AnalysisFactory, WatchlistFactory
from watchlists.models import Watchlist, WatchlistTicker

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo_watchlist", stdout=out)
    return out.getvalue()


def test_a_fresh_database_gets_large_caps_once() -> None:
    output = _seed()
    assert "Created the demo watchlist 'Large caps' with AAPL, MSFT, NVDA, JPM, XOM, JNJ." in output
    watchlist = Watchlist.objects.get()
    assert watchlist.name == "Large caps"
    assert sorted(WatchlistTicker.objects.values_list("ticker", flat=True)) == [
        "AAPL",
        "JNJ",
        "JPM",
        "MSFT",
        "NVDA",
        "XOM",
    ]
    again = _seed()
    assert "not seeded: watchlists already exist" in again
    assert Watchlist.objects.count() == 1
    assert WatchlistTicker.objects.count() == 6


def test_never_when_a_watchlist_exists() -> None:
    WatchlistFactory(name="Mine")
    assert "not seeded: watchlists already exist" in _seed()
    assert list(Watchlist.objects.values_list("name", flat=True)) == ["Mine"]
    assert not WatchlistTicker.objects.exists()


def test_never_on_a_database_that_already_holds_analyses() -> None:
    AnalysisFactory()
    assert "not seeded: the database already holds analyses" in _seed()
    assert not Watchlist.objects.exists()


def test_bin_start_seeds_after_creating_the_admin() -> None:
    lines = (REPO / "bin" / "start").read_text().splitlines()
    admin = lines.index(".venv/bin/python manage.py ensure_admin")
    assert lines[admin + 1] == ".venv/bin/python manage.py seed_demo_watchlist"
