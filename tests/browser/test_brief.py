"""The morning brief in Chromium: a seeded desk, and a first start with the demo watchlist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from tests.desk.seeded_desk import seed_desk
from watchlists.services import DEMO_TICKERS, DEMO_WATCHLIST_NAME, seed_demo_watchlist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_reads_the_brief_of_a_seeded_desk(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    desk = seed_desk(timezone.now())
    make_user(Role.PM, username="briefpm")
    sign_in(page, "briefpm")

    calls = page.get_by_test_id("brief-calls")
    flip = calls.locator('tr[data-ticker="HD"]')
    expect(flip).to_contain_text("BUY → SELL")
    expect(flip.get_by_test_id("change-flip")).to_be_visible()
    expect(calls.locator('tr[data-ticker="AAPL"]').get_by_test_id("change-confidence")).to_be_visible()
    expect(page.get_by_test_id("brief-alert")).to_contain_text(desk.alert_message)
    holdings = page.get_by_test_id("brief-holdings")
    expect(holdings.locator('tr[data-ticker="HD"]')).to_contain_text("SELL against a long position")
    expect(holdings.locator('tr[data-ticker="JPM"]')).to_contain_text("the optimizer says trim")
    expect(page.get_by_test_id("market-regime")).to_contain_text("risk_off, changed from risk_on")
    expect(page.get_by_test_id("ticker-regime")).to_contain_text("HD (held): risk_on → risk_off")
    expect(page.get_by_test_id("calibration-warning")).to_contain_text("hit rate fell from 60.0% to 45.0%")
    expect(page.get_by_test_id("brief-demo")).to_be_visible()

    # Each ticker is a link to its analysis page.
    flip.get_by_role("link", name="HD").click()
    page.wait_for_url(f"{server_url}/analysis/HD/")


def test_a_first_start_shows_the_demo_watchlist_and_invites_analyze_all(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    assert seed_demo_watchlist().created
    make_user(Role.PM, username="newpm")
    sign_in(page, "newpm")

    start = page.get_by_test_id("first-start")
    expect(start).to_contain_text(f"{DEMO_WATCHLIST_NAME}: {', '.join(sorted(DEMO_TICKERS))}")
    start.get_by_role("link", name="Analyze all").click()
    page.wait_for_url(f"{server_url}/watchlists/*/#analyze-heading")
    expect(page.get_by_role("button", name="Analyze all")).to_be_visible()
