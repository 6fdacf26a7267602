"""A PM reads the Evaluation section of the History page: IC over time and the quintile bars."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.evaluation_rows import seed_evaluation_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_sees_the_ic_and_quintile_charts_with_their_numbers(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    seed_evaluation_table()
    make_user(Role.PM, username="evaluator")
    sign_in(page, "evaluator")
    page.goto(f"{server_url}/history/")
    section = page.get_by_test_id("evaluation")
    expect(section.get_by_role("heading", level=2)).to_contain_text("Evaluation")
    expect(section.get_by_test_id("evaluation-sample-size")).to_have_text("15")
    expect(section.get_by_test_id("evaluation-ic")).to_contain_text("0.300")
    expect(section.get_by_test_id("evaluation-spread")).to_contain_text("1.00%")

    ic_chart = page.locator("#evaluation-ic-chart.js-plotly-plot")
    expect(ic_chart).to_be_visible()
    # One marker per date (three dates) and the monthly line.
    expect(ic_chart.locator(".scatterlayer .trace")).to_have_count(2)
    expect(ic_chart.locator(".scatterlayer .trace").first.locator(".point")).to_have_count(3)

    bars = page.locator("#evaluation-quantile-chart.js-plotly-plot")
    expect(bars).to_be_visible()
    expect(bars.locator(".barlayer .point")).to_have_count(5)
    expect(bars.locator(".barlayer .bartext").first).to_have_text(re.compile(r"^n=3$"))
    rows = section.get_by_test_id("evaluation-quantile-table").locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("2.517")  # quintile 1: mean of 1, 5, 2 less 0.15

    section.get_by_label("Horizon").select_option("30")
    section.get_by_role("button", name="Evaluate").click()
    page.wait_for_url(re.compile(r"evaluation_horizon=30"))
    expect(page.get_by_test_id("no-evaluation")).to_be_visible()
