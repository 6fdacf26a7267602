"""The portfolio page in Chromium: a PM adds holdings and watches the exposure update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from portfolio.models import PortfolioHolding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("%", "").strip())


def _add(page: Any, **fields: str) -> None:
    form = page.get_by_test_id("add-holding-form")
    for label, value in fields.items():
        form.get_by_label(label.replace("_", " ").capitalize(), exact=True).fill(value)
    with page.expect_navigation():
        form.get_by_role("button", name="Add holding").click()


def test_a_pm_adds_holdings_and_sees_the_exposure_update(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.PM, username="portfoliopm")
    sign_in(page, "portfoliopm")
    page.goto(f"{server_url}/portfolio/")
    expect(page.get_by_test_id("no-holdings")).to_be_visible()
    expect(page.get_by_test_id("total-value")).to_have_text("0.00")
    expect(page.get_by_test_id("portfolio-beta")).to_have_text("—")

    # Only ticker and shares: the demo provider values it and gives its sector and beta.
    _add(page, ticker="aapl", shares="10")

    aapl = PortfolioHolding.objects.get(ticker="AAPL")
    assert aapl.market_value_source == "provider_close" and aapl.sector and aapl.beta is not None
    expect(page.locator('tr[data-ticker="AAPL"]')).to_be_visible()
    expect(page.get_by_test_id("total-value")).to_have_text(f"{aapl.market_value:,.2f}")
    expect(page.locator(f'.sector-bar[data-sector="{aapl.sector}"] .sector-weight')).to_have_text("100.00%")
    assert _number(page.get_by_test_id("portfolio-beta").inner_text()) == pytest.approx(aapl.beta, abs=0.006)

    # A second holding of the same value in another sector: 50 / 50, and the beta averages.
    _add(
        page,
        ticker="XOM",
        shares="5",
        market_value=f"{aapl.market_value:.2f}",
        sector="Commodities desk",
        beta="0.5",
    )

    expect(page.locator('tr[data-ticker="XOM"]')).to_be_visible()
    expect(page.get_by_test_id("holding-count")).to_have_text("2")
    expect(page.get_by_test_id("total-value")).to_have_text(f"{2 * aapl.market_value:,.2f}")
    expect(page.locator('.sector-bar[data-sector="Commodities desk"] .sector-weight')).to_have_text("50.00%")
    expect(page.locator(f'.sector-bar[data-sector="{aapl.sector}"] .sector-weight')).to_have_text("50.00%")
    expected_beta = (aapl.beta + 0.5) / 2
    assert _number(page.get_by_test_id("portfolio-beta").inner_text()) == pytest.approx(
        expected_beta, abs=0.006
    )


def test_bad_input_on_the_page_shows_the_message(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.PM, username="portfoliopm2")
    sign_in(page, "portfoliopm2")
    page.goto(f"{server_url}/portfolio/")

    # The browser's own checks let a malformed ticker through: the server refuses it.
    form = page.get_by_test_id("add-holding-form")
    form.get_by_label("Ticker", exact=True).fill("A1")
    form.get_by_label("Shares", exact=True).fill("1")
    with page.expect_response(lambda r: r.url.endswith("/portfolio/holdings")) as info:
        form.get_by_role("button", name="Add holding").click()

    assert info.value.status == 400
    expect(page.get_by_test_id("add-error")).to_have_text(
        "Invalid ticker symbol format: use 1-5 letters with an optional share class, e.g. AAPL or BRK.B; "
        "got 'A1'."
    )
    assert not PortfolioHolding.objects.exists()
