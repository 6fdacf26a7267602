"""The watchlist page takes a pasted list of tickers, and a reload mid-run offers the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from orchestration.analysis import run_analysis
from rollout.models import FeatureFlag
from tests.factories import WatchlistFactory
from watchlists.models import WatchlistTicker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pm_pastes_many_tickers_and_reads_what_was_refused(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.PM, username="paster")
    watchlist = WatchlistFactory(name="Pasted")
    sign_in(page, "paster")
    page.goto(f"{server_url}/watchlists/{watchlist.pk}/")
    box = page.get_by_label("Add tickers")
    # Longer than the 12 characters the one-line box used to cut it to, on three lines.
    box.fill("AAPL, MSFT, NVDA\nmsft\nTOOLONGX")
    page.get_by_role("button", name="Add tickers").click()
    chips = page.get_by_test_id("ticker-chips")
    for ticker in ("AAPL", "MSFT", "NVDA"):
        expect(chips.locator(f'li[data-ticker="{ticker}"]')).to_be_visible()
    message = page.get_by_test_id("message")
    expect(message).to_contain_text("Added AAPL, MSFT, NVDA.")
    expect(message).to_contain_text("Pasted more than once (added once): MSFT.")
    expect(message).to_contain_text("Not added: TOOLONGX")
    assert sorted(WatchlistTicker.objects.filter(watchlist=watchlist).values_list("ticker", flat=True)) == [
        "AAPL",
        "MSFT",
        "NVDA",
    ]


def test_a_reload_mid_run_offers_to_resume_the_remaining_tickers(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.PM, username="resumer")
    watchlist = WatchlistFactory(name="Resumed")
    for ticker in ("AAPL", "MSFT", "NVDA"):
        WatchlistTicker.objects.create(watchlist=watchlist, ticker=ticker)
    sign_in(page, "resumer")
    url = f"{server_url}/watchlists/{watchlist.pk}/"
    page.goto(url)
    # A run that had finished AAPL when the page went away, as the page records it.
    page.evaluate(
        """(key) => sessionStorage.setItem("pmresearch:watchlist-run:" + key, JSON.stringify(
             {started: new Date().toISOString(), total: 3, pending: ["MSFT", "NVDA"]}))""",
        f"/api/watchlists/{watchlist.pk}/analyze",
    )
    page.reload()
    notice = page.get_by_test_id("run-resume")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("2 of 3 tickers were not analysed (MSFT, NVDA)")
    page.get_by_test_id("run-resume-button").click()
    summary = page.get_by_test_id("analyze-summary")
    expect(summary).to_contain_text("Done: 2 of 2 succeeded", timeout=90_000)
    progress = page.get_by_test_id("ticker-progress")
    expect(progress.locator('li[data-ticker="AAPL"]')).to_have_attribute("data-state", "earlier")
    expect(progress.locator('li[data-ticker="NVDA"]')).to_have_attribute("data-state", "done")
    page.reload()
    # A finished run leaves nothing to resume.
    expect(page.get_by_test_id("run-resume")).to_be_hidden()


def test_the_analysis_page_and_each_watchlist_row_link_the_pdf_report(
    page: Any,
    server_url: str,
    sign_in: Callable[[Any, str], None],
    make_user: Callable[..., Any],
    settings: Any,
) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    # The ranked table lists analyses that carry the signal contract.
    FeatureFlag.objects.update_or_create(name="SIGNAL_CONTRACT_V2_ENABLED", defaults={"override": True})
    analysis = run_analysis(ticker="MSFT")
    watchlist = WatchlistFactory(name="Reports")
    WatchlistTicker.objects.create(watchlist=watchlist, ticker="MSFT")
    make_user(Role.PM, username="reader")
    sign_in(page, "reader")

    page.goto(f"{server_url}/analysis/MSFT/")
    link = page.get_by_test_id("pdf-link")
    expect(link).to_have_text("Export PDF")
    with page.expect_download() as download_info:
        link.click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.goto(f"{server_url}/watchlists/{watchlist.pk}/")
    row_link = page.get_by_test_id("opportunities-table").get_by_test_id("row-pdf")
    expect(row_link).to_have_count(1)
    expect(row_link).to_have_attribute("href", f"/api/analysis/MSFT/export/pdf?analysis_id={analysis.pk}")
    with page.expect_download() as row_download:
        row_link.click()
    assert row_download.value.suggested_filename.endswith(".pdf")
