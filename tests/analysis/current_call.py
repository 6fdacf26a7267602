"""Checks that a ticker's current call is one given analysis, on every surface that shows one.

Shared by the tests of runs that must never become the current call (replays, runs as of a
past date): `latest`, the ticker list, a watchlist's detail and opportunities, both exports
without an `analysis_id`, the analysis page and the dashboard.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from rest_framework.test import APIClient

from alerts import engine
from analysis.models import Analysis
from tests.factories import WatchlistFactory, WatchlistTickerFactory


def fire_on_every_evaluation(monkeypatch: Any) -> None:
    """Every rule fires whenever it is evaluated, so only "not evaluated" raises nothing."""

    def always(**kwargs: Any) -> engine.Trigger:
        return engine.Trigger(message=f"{kwargs['ticker']} moved", previous_value="a", current_value="b")

    monkeypatch.setattr(engine, "evaluate_rule", always)


def assert_current_call_is(
    api: APIClient, page: Client, ticker: str, analysis: Analysis, monkeypatch: Any
) -> None:
    expected = analysis.pk
    latest = api.get(f"/api/analysis/{ticker}/latest").json()
    assert latest["id"] == expected
    assert latest["backdated"] is False

    summary = next(
        row for row in api.get("/api/analysis/tickers").json()["tickers"] if row["ticker"] == ticker
    )
    assert summary["latest_recommendation"] == analysis.recommendation

    watchlist = WatchlistFactory()
    WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    detail = api.get(f"/api/watchlists/{watchlist.pk}").json()
    assert [item["latest_analysis"]["id"] for item in detail["analyses"]] == [expected]
    ranked = api.get(f"/api/watchlists/{watchlist.pk}/opportunities").json()
    assert [row["analysis_id"] for row in ranked["opportunities"]] == [expected]

    named = api.get(f"/api/analysis/{ticker}/export/csv?analysis_id={expected}").content.decode()
    default = api.get(f"/api/analysis/{ticker}/export/csv").content.decode()
    assert default == named

    exported: list[int] = []

    def record(report: dict[str, Any]) -> bytes:
        exported.append(report["analysis_id"])
        return b"%PDF-1.4 stand-in"

    monkeypatch.setattr("analysis.api.analysis_pdf", record)
    assert api.get(f"/api/analysis/{ticker}/export/pdf").status_code == 200
    assert exported == [expected]

    response = page.get(f"/analysis/{ticker}/")
    assert response.context["analysis"].pk == expected
    assert 'data-testid="backdated-badge"' not in response.content.decode()
    dashboard = page.get("/")
    assert [a.pk for a in dashboard.context["latest_analyses"] if a.ticker == ticker] == [expected]
