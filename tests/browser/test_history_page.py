"""The History page after a replay: calibration cards, reliability diagrams, the trend, the table."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from analysis.models import Analysis
from calibration.models import CalibrationSnapshot, ReliabilityBin
from calibration.replay import replay_history
from rollout.models import FeatureFlag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TICKERS = ["AAPL", "MSFT", "KO", "JPM", "XOM"]
HORIZONS = (1, 7, 30)


@pytest.fixture
def replayed(settings: Any) -> None:
    """Half a year of 2025 replayed in this process (demo data), so every horizon has bins."""
    settings.MARKET_DATA_PROVIDER = "demo"
    for name in ("SIGNAL_CONTRACT_V2_ENABLED", "CALIBRATION_ECONOMICS_ENABLED"):
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": True})
    summary = replay_history(tickers=TICKERS, start=dt.date(2025, 1, 2), end=dt.date(2025, 6, 30), every=3)
    assert summary.failures == 0
    for horizon in HORIZONS:
        # The page must have something to draw; if not, the replay (not the page) is at fault.
        assert ReliabilityBin.objects.filter(horizon_days=horizon).exists(), horizon
        assert CalibrationSnapshot.objects.filter(horizon_days=horizon, sample_size__gt=0).exists(), horizon


@pytest.mark.usefixtures("replayed")
def test_a_pm_reads_the_calibration_evidence_and_filters_past_calls(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.PM, username="historian")
    sign_in(page, "historian")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="History", exact=True).click()
    page.wait_for_url(f"{server_url}/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("History")

    for horizon in HORIZONS:
        card = page.get_by_test_id(f"calibration-card-{horizon}d")
        expect(card.get_by_test_id("sample-size")).to_have_text(re.compile(r"^[1-9]\d*$"))
        expect(card.get_by_test_id("card-as-of")).to_have_text(re.compile(r"^2025-\d\d-\d\d$"))
        expect(card.get_by_test_id("mean-net-return")).to_have_text(re.compile(r"^-?\d+\.\d\d%$"))
        # plotly marks the div it drew into; the diagram has its diagonal and the bins.
        chart = page.locator(f"#reliability-{horizon}.js-plotly-plot")
        expect(chart).to_be_visible()
        expect(chart.locator(".scatterlayer .trace")).to_have_count(2)
        expect(chart.locator(".scatterlayer .textpoint").first).to_have_text(re.compile(r"^n=\d+$"))
    trend = page.locator("#trend-chart.js-plotly-plot")
    expect(trend).to_be_visible()
    expect(trend.locator(".scatterlayer .trace")).to_have_count(3)  # net return, one line per horizon

    filters = page.get_by_test_id("history-filters")
    filters.get_by_label("Ticker").fill("msft")
    filters.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"/history/\?ticker=msft"))
    rows = page.get_by_test_id("history-table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 0
    expect(page.get_by_test_id("history-count")).to_contain_text("calls of MSFT")
    expect(page.get_by_test_id("csv-export")).to_have_attribute(
        "href", re.compile(r"^/api/analysis/MSFT/history/export/csv")
    )

    # Narrow to MSFT's most frequent call: the table shows exactly those.
    call, count = Counter(
        Analysis.objects.filter(ticker="MSFT").values_list("recommendation", flat=True)
    ).most_common(1)[0]
    filters = page.get_by_test_id("history-filters")
    filters.get_by_label("Call").select_option(call)
    filters.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(f"recommendation={call}"))
    expect(rows).to_have_count(min(count, 50))
    assert set(page.get_by_test_id("history-table").locator("tbody tr .call").all_text_contents()) == {call}
