"""axe-core over every page of our own templates, on a seeded desk: zero violations.

axe-core comes from the `axe-playwright-python` package (it bundles `axe.min.js`), never a CDN.
Django admin (`/admin/`) and the API docs (`/api/docs`) are not checked: their markup is
Django's and drf-spectacular's (Swagger UI), not our templates, and a fix there would be a fork
of a third-party template that the next upgrade overwrites.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.roles import Role
from alerts.models import AlertRule
from analysis.models import Analysis
from calibration.models import AnalysisOutcome
from core.flags import Flag
from orchestration.analysis import run_analysis
from rollout.models import FeatureFlag
from tests.clock import market_day
from tests.factories import (
    AlertNotificationFactory,
    CalibrationSnapshotFactory,
    PortfolioHoldingFactory,
    ReliabilityBinFactory,
    ScheduleFactory,
    WatchlistFactory,
    WatchlistTickerFactory,
)
from tests.flag_rows import ensure_flag_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAYS = (dt.date(2025, 3, 3), dt.date(2025, 3, 6))
TABS = ("Overview", "Risk", "Opportunities", "Diagnostics")


@pytest.fixture
def seeded_desk(settings: Any, make_user: Callable[..., Any]) -> dict[str, Any]:
    """A desk with every page filled: analyses, a watchlist, a holding, an alert, a schedule."""
    settings.MARKET_DATA_PROVIDER = "demo"
    ensure_flag_rows()
    for flag in Flag:
        if not flag.name.startswith("SCHEDULED_") and flag is not Flag.COT_PERSISTENCE:
            FeatureFlag.objects.update_or_create(name=flag.value, defaults={"override": True})
    PortfolioHoldingFactory(ticker="AAPL", shares=100, market_value=25_392.50, sector="Technology", beta=1.2)
    rule = AlertRule.objects.create(ticker="AAPL", rule_type="score_above", threshold=-100.0, enabled=True)
    analyses: list[Analysis] = []
    for day in DAYS:
        with market_day(day):
            analyses.append(run_analysis(ticker="AAPL", as_of=day))
    with market_day(DAYS[-1]):
        analyses.append(run_analysis(ticker="MSFT", as_of=DAYS[-1]))
    if not rule.notifications.exists():
        AlertNotificationFactory(alert_rule=rule, analysis=analyses[1], ticker="AAPL")
    watchlist = WatchlistFactory(name="Large caps")
    for ticker in ("AAPL", "MSFT", "NVDA"):
        WatchlistTickerFactory(watchlist=watchlist, ticker=ticker)
    ScheduleFactory(ticker="AAPL", interval_minutes=1440)
    for horizon in (1, 7, 30):
        CalibrationSnapshotFactory(horizon_days=horizon)
        for index in range(5):
            ReliabilityBinFactory(
                horizon_days=horizon, bin_index=index, bin_lower=index / 5, bin_upper=(index + 1) / 5
            )
    AnalysisOutcome.objects.filter(analysis=analyses[0], horizon_days=1).update(
        status="complete", realized_return_pct=1.2, direction_correct=True, realized_date=DAYS[0]
    )
    make_user(Role.ADMIN, username="a11y")
    return {"watchlist_id": watchlist.id}


def violations(page: Any) -> list[str]:
    """Each violation as one line naming the rule and the elements, so a failure says what to fix."""
    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return lines


def test_it_finds_no_violations_on_any_page(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], seeded_desk: dict[str, Any]
) -> None:
    found: dict[str, list[str]] = {}
    page.goto(f"{server_url}/accounts/login/")
    found["login"] = violations(page)

    sign_in(page, "a11y")
    paths = [
        "/",
        "/analysis/",
        "/watchlists/",
        f"/watchlists/{seeded_desk['watchlist_id']}/",
        "/portfolio/",
        "/alerts/",
        "/history/",
        "/schedules/",
    ]
    for path in paths:
        page.goto(f"{server_url}{path}")
        page.wait_for_load_state("networkidle")
        found[path] = violations(page)

    # A flash message (the styled, dismissible status region) on top of a page.
    page.goto(f"{server_url}/schedules/")
    with page.expect_navigation():
        page.get_by_role("button", name="Disable AAPL").click()
    assert page.get_by_test_id("message").count() == 1
    found["/schedules/ (with a message)"] = violations(page)
    page.get_by_role("button", name="Dismiss message").click()
    assert page.get_by_test_id("messages").count() == 0

    # The ticker page with a stored analysis: each tab shows other markup, so each is checked.
    page.goto(f"{server_url}/analysis/AAPL/")
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        found[f"/analysis/AAPL/ ({tab})"] = violations(page)

    report = [f"{path}: {line}" for path, lines in found.items() for line in lines]
    assert not report, "\n".join(report)
