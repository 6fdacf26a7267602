"""Live alerts end to end: a PM has the dashboard and the Alerts page open; an analysis run by
another client raises an alert; without a reload the nav badge counts it, a toast names the
ticker and the rule, and the Alerts page shows the notification at the top of its feed.

Through uvicorn as in production: in-process fan-out without REDIS_URL, through Redis with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from knox.models import AuthToken
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.models import AlertNotification
from alerts.services import signal_values
from analysis.models import Analysis
from orchestration.analysis import run_analysis
from tests.factories import AlertNotificationFactory, AlertRuleFactory
from tests.flag_rows import ensure_flag_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def previous_call_below_todays_score() -> float:
    """Store today's AAPL call with its score lowered, and return a threshold the next run crosses.

    The run the other client makes is a current one (no `as_of`: a backdated run raises no alert),
    so it scores today's demo market as this one did; the stored previous call sits 10 points
    lower, and the threshold halfway between.
    """
    previous = run_analysis(ticker="AAPL")
    today = signal_values(previous)["score"]
    Analysis.objects.filter(pk=previous.pk).update(score=today - 10)
    return today - 5


def open_live(page: Any, url: str) -> None:
    page.goto(url)
    # The page's stream is open (and the server listening) before anything is sent.
    expect(page.get_by_test_id("alert-toasts")).to_have_attribute("data-stream", "open")
    page.evaluate("window.notReloaded = true")


def test_a_new_alert_reaches_the_open_pages_without_a_reload(
    browser: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    ensure_flag_rows()  # an earlier transactional test may have flushed the seeded rows
    pm = make_user(Role.PM, username="livepm")
    AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=previous_call_below_todays_score())
    AlertNotificationFactory(ticker="MSFT")  # one unread already
    token = AuthToken.objects.create(user=pm)[1]

    context = browser.new_context()
    try:
        dashboard = context.new_page()
        dashboard.set_default_timeout(10_000)
        sign_in(dashboard, "livepm")
        open_live(dashboard, f"{server_url}/")
        alerts = context.new_page()
        alerts.set_default_timeout(10_000)
        open_live(alerts, f"{server_url}/alerts/")
        expect(dashboard.get_by_test_id("nav-unread-count")).to_have_text("1")
        expect(alerts.get_by_test_id("notification")).to_have_count(1)

        response = httpx.post(
            f"{server_url}/api/analyze/AAPL",
            headers={"Authorization": f"Token {token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        assert AlertNotification.objects.filter(ticker="AAPL").count() == 1

        for page in (dashboard, alerts):
            expect(page.get_by_test_id("nav-unread-count")).to_have_text("2")
            toast = page.get_by_role("status").get_by_test_id("alert-toast")
            expect(toast).to_have_count(1)
            expect(toast).to_contain_text("New alert: AAPL")
            expect(toast).to_contain_text("score_above")
            # The playbook card's headline, read from the event's `playbook` key.
            expect(toast.get_by_test_id("alert-toast-playbook")).to_have_count(1)
            assert page.evaluate("window.notReloaded") is True

        newest = alerts.get_by_test_id("notification").first
        expect(alerts.get_by_test_id("notification")).to_have_count(2)
        expect(newest).to_contain_text("AAPL score rose above")
        expect(newest.get_by_role("button", name="Acknowledge")).to_be_visible()
        expect(alerts.get_by_test_id("unread-count")).to_have_text("2")
        expect(alerts.get_by_role("link", name="All (2)")).to_be_visible()

        dashboard.get_by_role("button", name="Dismiss alert for AAPL").click()
        expect(dashboard.get_by_test_id("alert-toast")).to_have_count(0)
    finally:
        context.close()
