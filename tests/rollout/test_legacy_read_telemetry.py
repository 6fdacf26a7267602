"""Legacy-read telemetry: reads of analysis-shaped responses counted by client kind."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.test import APIClient

from rollout.models import ApiReadCounter
from rollout.telemetry import LEGACY_LOG_INTERVAL_SECONDS, legacy_log_limiter, read_buffer, record_read
from tests.factories import WatchlistTickerFactory
from tests.rollout.gate_rows import make_analysis, valid_contract

pytestmark = pytest.mark.django_db

STATUS = "/api/rollout/phase7/status"
LATEST = "/api/analysis/AAPL/latest"


@pytest.fixture
def stored(db: Any) -> None:
    make_analysis(run_kind="interactive", contract=valid_contract(), at=timezone.now())


def _counts() -> dict[tuple[str, str], int]:
    # Reads are counted in memory and written in batches: write this process's batch first.
    read_buffer.flush()
    return {(row.route, row.client_kind): row.count for row in ApiReadCounter.objects.all()}


def test_a_read_with_the_header_counts_as_v2(viewer_api: APIClient, stored: None) -> None:
    assert viewer_api.get(LATEST, headers={"X-Signal-Contract": "v2"}).status_code == 200
    assert _counts() == {("api-analysis-latest", "v2_declared"): 1}


def test_a_read_without_it_counts_as_legacy_only(viewer_api: APIClient, stored: None) -> None:
    viewer_api.get(LATEST)
    viewer_api.get(LATEST, headers={"X-Signal-Contract": "v1"})
    assert _counts() == {("api-analysis-latest", "legacy_only"): 2}


def test_the_query_parameter_declares_v2_too(viewer_api: APIClient, stored: None) -> None:
    viewer_api.get("/api/analysis/AAPL/history", {"schema": "v2"})
    viewer_api.get("/api/analysis/AAPL/history/detailed", headers={"X-Signal-Contract": " V2 "})
    assert _counts() == {
        ("api-analysis-history", "v2_declared"): 1,
        ("api-analysis-history-detailed", "v2_declared"): 1,
    }


def test_the_counter_is_per_utc_day(viewer_api: APIClient, stored: None) -> None:
    viewer_api.get(LATEST)
    viewer_api.get(LATEST)
    read_buffer.flush()
    row = ApiReadCounter.objects.get()
    assert (row.day, row.count) == (timezone.now().date(), 2)


def test_analyze_posts_are_counted(pm_api: APIClient, settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    response = pm_api.post(
        "/api/analyze/AAPL?agents=market,technical&as_of=2025-06-13", headers={"X-Signal-Contract": "v2"}
    )
    assert response.status_code == 200
    assert _counts() == {("api-analyze", "v2_declared"): 1}


def test_watchlist_opportunities_are_counted(viewer_api: APIClient, stored: None) -> None:
    entry = WatchlistTickerFactory(ticker="AAPL")
    url = f"/api/watchlists/{entry.watchlist_id}/opportunities"
    assert viewer_api.get(url, {"schema": "v2"}).status_code == 200
    assert viewer_api.get(url).status_code == 200
    viewer_api.get(f"{url}.csv")  # an export, not an analysis-shaped read
    assert _counts() == {
        ("api-watchlist-opportunities", "v2_declared"): 1,
        ("api-watchlist-opportunities", "legacy_only"): 1,
    }


def test_other_routes_failures_and_anonymous_calls_are_not_counted(viewer_api: APIClient) -> None:
    viewer_api.get("/api/analysis/tickers")  # not analysis-shaped
    viewer_api.get("/api/analysis/NOPE/latest")  # 404: nothing was read
    viewer_api.get("/api/analysis/AAPL/export/csv")
    viewer_api.get(STATUS)
    APIClient().get(LATEST)  # 401
    viewer_api.get("/analysis/")  # a page, not the API
    assert _counts() == {}


def test_legacy_reads_leave_a_rate_limited_log_marker(
    viewer_api: APIClient, stored: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="rollout.telemetry"):
        viewer_api.get(LATEST)
        viewer_api.get(LATEST)
        viewer_api.get("/api/analysis/AAPL/history")
        viewer_api.get(LATEST, headers={"X-Signal-Contract": "v2"})
    markers = [r.getMessage() for r in caplog.records if r.getMessage().startswith("legacy_read ")]
    # Once per route per hour in this process, however many legacy reads there were.
    assert len(markers) == 2
    assert markers[0].startswith("legacy_read route=api-analysis-latest ")
    assert markers[1].startswith("legacy_read route=api-analysis-history ")


def test_the_marker_returns_after_the_interval_with_the_held_back_count() -> None:
    assert legacy_log_limiter.should_log("r", now=1000.0) == (True, 0)
    assert legacy_log_limiter.should_log("r", now=1001.0) == (False, 0)
    assert legacy_log_limiter.should_log("r", now=1002.0) == (False, 0)
    assert legacy_log_limiter.should_log("other", now=1002.0) == (True, 0)
    assert legacy_log_limiter.should_log("r", now=1000.0 + LEGACY_LOG_INTERVAL_SECONDS) == (True, 2)


def test_an_insert_lost_to_a_concurrent_request_is_retried_as_an_increment(monkeypatch: Any) -> None:
    day = dt.date(2026, 3, 2)
    real_update = QuerySet.update
    raced = []

    def update_after_a_concurrent_insert(self: QuerySet, **kwargs: Any) -> int:
        if not raced:
            raced.append(True)
            # Another request inserts the row between our UPDATE and our INSERT.
            ApiReadCounter.objects.bulk_create(
                [ApiReadCounter(day=day, route="api-analysis-latest", client_kind="legacy_only", count=5)]
            )
            return 0
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_a_concurrent_insert)
    record_read(route="api-analysis-latest", kind="legacy_only", day=day)
    assert ApiReadCounter.objects.get().count == 6


def test_the_status_shows_the_legacy_only_share(viewer_api: APIClient, stored: None) -> None:
    for _ in range(3):
        viewer_api.get(LATEST, headers={"X-Signal-Contract": "v2"})
    viewer_api.get(LATEST)
    viewer_api.get("/api/analysis/AAPL/history", {"schema": "v2"})
    reads = viewer_api.get(STATUS).json()["legacy_reads"]
    assert reads["v2_declared"] == 4
    assert reads["legacy_only"] == 1
    assert reads["legacy_only_share"] == 0.2
    assert reads["threshold"] == 0.10
    assert reads["below_threshold"] is False
    assert reads["by_route"] == {
        "api-analysis-history": {"v2_declared": 1, "legacy_only": 0, "legacy_only_share": 0.0},
        "api-analysis-latest": {"v2_declared": 3, "legacy_only": 1, "legacy_only_share": 0.25},
    }


def test_below_threshold_when_fewer_than_10_percent_are_legacy_only(viewer_api: APIClient) -> None:
    today = timezone.now().date()
    ApiReadCounter.objects.create(day=today, route="api-analysis-latest", client_kind="v2_declared", count=95)
    ApiReadCounter.objects.create(day=today, route="api-analysis-latest", client_kind="legacy_only", count=5)
    # Outside a 24-hour window: two days ago.
    ApiReadCounter.objects.create(
        day=today - dt.timedelta(days=2), route="api-analysis-latest", client_kind="legacy_only", count=500
    )
    reads = viewer_api.get(STATUS, {"window_hours": 24}).json()["legacy_reads"]
    assert (reads["legacy_only"], reads["legacy_only_share"], reads["below_threshold"]) == (5, 0.05, True)
    wider = viewer_api.get(STATUS, {"window_hours": 96}).json()["legacy_reads"]
    assert wider["legacy_only"] == 505
    assert wider["below_threshold"] is False


def test_no_reads_is_not_below_the_threshold(viewer_api: APIClient) -> None:
    reads = viewer_api.get(STATUS).json()["legacy_reads"]
    assert (reads["legacy_only_share"], reads["below_threshold"]) == (None, False)
    assert reads["detail"] == "no analysis reads counted in the window"
