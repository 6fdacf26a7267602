from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.flag_rows import ensure_flag_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("Dashboard", "/", "Dashboard"),
    ("Analysis", "/analysis/", "Analysis"),
    ("Watchlists", "/watchlists/", "Watchlists"),
    ("Portfolio", "/portfolio/", "Portfolio"),
    ("Alerts", "/alerts/", "Alerts"),
    ("History", "/history/", "History"),
]


def test_it_signs_in_and_walks_the_navigation(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    ensure_flag_rows()  # an earlier transactional test may have flushed the seeded rows
    make_user(Role.ADMIN, username="walker")
    sign_in(page, "walker")
    expect(page.get_by_test_id("signed-in-user")).to_have_text("walker")

    nav = page.get_by_role("navigation", name="Main")
    for link, path, heading in PAGES:
        nav.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"{server_url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(nav.get_by_role("link", name=link, exact=True)).to_have_attribute("aria-current", "page")
        # Static files come through the ASGI server: the stylesheet applied.
        assert page.evaluate("getComputedStyle(document.body).margin") == "0px"

    nav.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("link", name="Feature flags")).to_be_visible()
    page.get_by_role("link", name="Feature flags").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(11)
    expect(page.get_by_role("link", name="SIGNAL_CONTRACT_V2_ENABLED", exact=True)).to_be_visible()


def test_it_sends_anonymous_visitors_to_sign_in(page: Any, server_url: str) -> None:
    page.goto(f"{server_url}/portfolio/")
    page.wait_for_url(f"{server_url}/accounts/login/?next=/portfolio/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_viewer_sees_no_admin_link(
    page: Any, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.VIEWER, username="reader")
    sign_in(page, "reader")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
