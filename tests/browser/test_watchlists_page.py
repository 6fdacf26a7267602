"""The watchlists page end to end: create a list, add tickers, "Analyze all" with live per-ticker
progress, then the ranked table: sorting, filtering, and a CSV export that matches the screen."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from rollout.models import FeatureFlag
from watchlists.models import Watchlist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TICKERS = ("AAPL", "MSFT", "NVDA")
WATCH_TICKER_STATES = """
() => {
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.attributeName !== "data-state") continue;
      window.recordState(m.target.dataset.ticker, m.target.dataset.state);
    }
  });
  observer.observe(document.getElementById("ticker-progress"), { attributes: true, subtree: true });
}
"""
# Each table row's ticker and the raw values behind its EV and data quality cells.
TABLE_ROWS = """
() => Array.from(document.querySelectorAll("#opps-body tr")).map((row) => {
  const cell = (key) => {
    const index = Array.from(document.querySelectorAll("#opps-table thead th")).findIndex(
      (th) => th.dataset.key === key);
    return row.cells[index].dataset.value;
  };
  return { ticker: row.dataset.ticker, rank: cell("rank"), ev: cell("ev_score_7d"),
           net: cell("expected_net_return_pct"), quality: cell("data_quality_score") };
})
"""


def test_a_pm_builds_a_watchlist_analyses_it_live_and_exports_the_ranking(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    for name in ("WATCHLIST_RANKING_ENABLED", "SIGNAL_CONTRACT_V2_ENABLED"):
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": True})
    make_user(Role.PM, username="watcher")
    sign_in(page, "watcher")

    # Create the list: the page opens it.
    page.goto(f"{server_url}/watchlists/")
    page.get_by_label("Name").fill("Tech test")
    page.get_by_role("button", name="Create watchlist").click()
    watchlist = Watchlist.objects.get(name="Tech test")
    page.wait_for_url(f"{server_url}/watchlists/{watchlist.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tech test")

    for ticker in TICKERS:
        page.get_by_label("Add tickers").fill(ticker.lower())
        page.get_by_role("button", name="Add tickers").click()
        expect(page.get_by_test_id("ticker-chips").locator(f'li[data-ticker="{ticker}"]')).to_be_visible()
    expect(page.get_by_test_id("ticker-chips").locator("li")).to_have_count(3)
    # A ticker already there is left as it is (as the earlier API answered), and the page says so.
    page.get_by_label("Add tickers").fill("AAPL")
    page.get_by_role("button", name="Add tickers").click()
    expect(page.locator('[data-testid="message"].message-info p')).to_have_text(
        "AAPL is already on Tech test."
    )
    expect(page.get_by_test_id("ticker-chips").locator("li")).to_have_count(3)
    expect(page.get_by_test_id("opportunities-table").locator("tbody tr")).to_have_count(0)

    # Analyze all: every ticker's row goes waiting → running → done as its result arrives.
    states: list[tuple[str, str]] = []
    page.expose_function("recordState", lambda ticker, state: states.append((ticker, state)))
    page.evaluate(WATCH_TICKER_STATES)
    page.get_by_role("button", name="Analyze all").click()

    summary = page.get_by_test_id("analyze-summary")
    expect(summary).to_have_text(re.compile(r"^Done: 3 of 3 succeeded, 0 failed in [\d.]+ s"), timeout=90_000)
    progress = page.get_by_test_id("ticker-progress")
    for ticker in TICKERS:
        row = progress.locator(f'li[data-ticker="{ticker}"]')
        expect(row).to_have_attribute("data-state", "done")
        expect(row.get_by_test_id("ticker-call")).to_have_text(re.compile(r"^(BUY|HOLD|SELL)$"))
        expect(row.locator(".outcome")).to_contain_text(re.compile(r"EV [+-]?\d+\.\d\d %"))
        assert (ticker, "running") in states and (ticker, "done") in states
        assert states.index((ticker, "running")) < states.index((ticker, "done"))

    # The ranked table was re-fetched after `done`: three rows, the call's expected net return
    # first (the page's order, as its note says), demo data labelled.
    table = page.get_by_test_id("opportunities-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody .badge.demo")).to_have_count(3)
    expect(table.locator("tbody time")).to_have_count(3)
    ranked = page.evaluate(TABLE_ROWS)
    assert sorted(row["ticker"] for row in ranked) == sorted(TICKERS)
    assert [row["rank"] for row in ranked] == ["1", "2", "3"]
    nets = [float(row["net"]) for row in ranked]
    assert nets == sorted(nets, reverse=True)
    expect(page.get_by_test_id("opps-order")).to_contain_text("expected 7-day return net of costs")
    evs = [float(row["ev"]) for row in ranked]

    # Sorting by a header: the first click on EV puts the best first, the second reverses it,
    # with aria-sort following.
    ev_header = table.get_by_role("columnheader", name="EV 7d")
    rank_header = table.get_by_role("columnheader", name="Rank")
    expect(rank_header).to_have_attribute("aria-sort", "ascending")
    ev_header.get_by_role("button").click()
    expect(ev_header).to_have_attribute("aria-sort", "descending")
    expect(rank_header).not_to_have_attribute("aria-sort", re.compile(".*"))
    best_first = page.evaluate(TABLE_ROWS)
    assert [float(row["ev"]) for row in best_first] == sorted(evs, reverse=True)
    ev_header.get_by_role("button").click()
    expect(ev_header).to_have_attribute("aria-sort", "ascending")
    assert [float(row["ev"]) for row in page.evaluate(TABLE_ROWS)] == sorted(evs)
    # Each row links its analysis's PDF report.
    expect(table.get_by_test_id("row-pdf")).to_have_count(3)

    # Filtering re-queries the endpoint; the CSV link carries the same filter, and the CSV
    # behind it holds the rows on screen.
    qualities = sorted(float(row["quality"]) for row in ranked)
    bar = qualities[1]  # keeps the two best-quality rows (more when tied)
    bar_text = f"{bar:g}"
    page.get_by_label("Min data quality (0–100)").fill(bar_text)
    csv_link = page.get_by_test_id("csv-link")
    expect(csv_link).to_have_attribute(
        "href",
        f"/api/watchlists/{watchlist.pk}/opportunities.csv?min_quality={bar_text}&sort=expected_net_return",
    )
    expected = sorted(row["ticker"] for row in ranked if float(row["quality"]) >= bar)
    expect(table.locator("tbody tr")).to_have_count(len(expected))
    on_screen = page.evaluate(TABLE_ROWS)
    assert sorted(row["ticker"] for row in on_screen) == expected
    assert page.url.endswith(f"/watchlists/{watchlist.pk}/?min_quality={bar_text}")

    # The PM's click downloads the file the server names.
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert re.fullmatch(r"[\w.-]+\.csv", download.suggested_filename), download.suggested_filename
    exported = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    by_rank = sorted(on_screen, key=lambda row: int(row["rank"]))
    assert [row["ticker"] for row in exported] == [row["ticker"] for row in by_rank]
    assert [float(row["ev_score_7d"]) for row in exported] == [float(row["ev"]) for row in by_rank]

    # A reload keeps the filter: the server renders the same table and link.
    page.reload()
    expect(page.get_by_label("Min data quality (0–100)")).to_have_value(bar_text)
    expect(table.locator("tbody tr")).to_have_count(len(expected))
    expect(csv_link).to_have_attribute(
        "href", re.compile(rf"\?min_quality={re.escape(bar_text)}&sort=expected_net_return$")
    )
