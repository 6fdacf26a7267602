"""The analysis page: keyboard search, a live run over SSE, then the result in each tab."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from rollout.models import FeatureFlag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENTS = ("news", "market", "fundamentals", "technical", "macro", "options", "sentiment")
WATCH_AGENT_STATES = """
() => {
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.attributeName !== "data-state") continue;
      window.recordState(m.target.dataset.agent, m.target.dataset.state);
    }
  });
  observer.observe(document.getElementById("agent-progress"), { attributes: true, subtree: true });
}
"""


def test_a_pm_searches_runs_and_reads_every_tab(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    for name in ("UI_PM_DASHBOARD_ENABLED", "SIGNAL_CONTRACT_V2_ENABLED"):
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": True})
    make_user(Role.PM, username="analyst")
    sign_in(page, "analyst")

    page.goto(f"{server_url}/analysis/")
    page.keyboard.press("/")
    page.keyboard.type("aapl")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server_url}/analysis/AAPL/")
    expect(page.get_by_test_id("no-analysis")).to_be_visible()

    states: list[tuple[str, str]] = []
    page.expose_function("recordState", lambda agent, state: states.append((agent, state)))
    page.evaluate(WATCH_AGENT_STATES)
    with page.expect_navigation():  # the page reloads itself once the `result` event arrives
        page.get_by_role("button", name="Run new analysis").click()

    # Live progress reached the page: each agent went running → done before the result.
    for agent in AGENTS:
        assert (agent, "running") in states
        assert (agent, "done") in states
        assert states.index((agent, "running")) < states.index((agent, "done"))

    # After the run the page shows the stored analysis.
    expect(page.get_by_test_id("recommendation")).to_have_text(re.compile(r"^(BUY|HOLD|SELL)$"))
    expect(page.locator(".badge.demo")).to_have_text("Demo data")
    expect(page.get_by_test_id("action-card")).to_be_visible()
    expect(page.get_by_test_id("ev")).not_to_be_empty()
    expect(page.get_by_test_id("rationale")).not_to_be_empty()
    expect(page.locator("#price-chart.js-plotly-plot")).to_be_visible()

    page.get_by_role("tab", name="Risk").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("Scenarios (7 days)")
    page.get_by_role("tab", name="Opportunities").click()
    expect(page.get_by_role("tabpanel")).to_contain_text("Expected return by horizon")
    page.get_by_role("tab", name="Diagnostics").click()
    expect(page.get_by_test_id("agent-table").locator("tbody tr")).to_have_count(7)
    expect(page.get_by_test_id("raw-contract")).to_contain_text('"schema_version": "2.0"')
    # Arrow keys move between tabs too.
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Opportunities")).to_have_attribute("aria-selected", "true")
