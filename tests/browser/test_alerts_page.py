"""The Alerts page end to end: a PM creates a v2 rule, an analysis triggers it, the PM reads
the playbook card and acknowledges the notification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.models import AlertNotification, AlertRule
from alerts.services import signal_values
from orchestration.analysis import run_analysis
from rollout.models import FeatureFlag
from tests.clock import market_day
from tests.flag_rows import ensure_flag_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Demo-provider dates on which AAPL's 7-day EV rises (checked by the dry run below).
DATES = ("2025-03-03", "2025-03-06")


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def dry_run_evs() -> list[float]:
    with transaction.atomic():
        evs = [signal_values(run_analysis(ticker="AAPL", as_of=day))["ev_score_7d"] for day in DATES]
        transaction.set_rollback(True)
    return evs


def test_a_pm_creates_a_v2_rule_sees_it_fire_and_acknowledges_it(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    ensure_flag_rows()  # an earlier transactional test may have flushed the seeded rows
    for name in ("ALERTS_V2_ENABLED", "SIGNAL_CONTRACT_V2_ENABLED"):
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": True})
    first, second = dry_run_evs()
    assert first < second, "the demo data should give a rising EV on these dates"
    threshold = f"{(first + second) / 2:.2f}"
    make_user(Role.PM, username="alerter")
    sign_in(page, "alerter")

    page.goto(f"{server_url}/alerts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    expect(page.get_by_test_id("no-rules")).to_be_visible()
    form = page.get_by_test_id("rule-form")
    form.get_by_label("Ticker").fill("aapl")
    # The threshold follows the rule type: none for a regime change, a hint for EV.
    form.get_by_label("Rule type").select_option("regime_change")
    expect(form.get_by_label("Threshold")).to_be_disabled()
    form.get_by_label("Rule type").select_option("ev_above")
    expect(form.get_by_label("Threshold")).to_be_enabled()
    expect(page.locator("#threshold-hint")).to_contain_text("expected value in percent")
    form.get_by_label("Threshold").fill(threshold)
    form.get_by_role("button", name="Add rule").click()

    page.wait_for_url(f"{server_url}/alerts/")
    expect(page.locator(".messages")).to_contain_text(f"Alert rule added: AAPL ev_above {float(threshold)}")
    row = page.get_by_test_id("rules-table").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("ev_above")
    expect(row).to_contain_text("active")
    assert AlertRule.objects.get().threshold == float(threshold)
    expect(page.get_by_test_id("unread-count")).to_have_text("0")

    # Two analyses, the second crossing the threshold, as a PM's runs would store them: each run
    # on its own evening, so it is the current call (a backdated run raises no alert).
    for day in DATES:
        with market_day(dt.date.fromisoformat(day)):
            run_analysis(ticker="AAPL", as_of=day)
    assert AlertNotification.objects.count() == 1

    page.goto(f"{server_url}/alerts/?unread=1")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    notification = page.get_by_test_id("notification")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(f"AAPL 7-day EV rose above {float(threshold):.4g}")
    card = notification.get_by_test_id("playbook-card")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Expected value crossed up")
    expect(card).to_contain_text("From the decision card.")

    notification.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url(f"{server_url}/alerts/?unread=1")
    expect(page.get_by_test_id("unread-count")).to_have_text("0")
    expect(page.get_by_test_id("no-notifications")).to_have_text("No unread notifications.")
    page.get_by_role("link", name="All (1)").click()
    expect(page.get_by_test_id("notification")).to_contain_text("read")
    assert AlertNotification.objects.get().acknowledged is True
