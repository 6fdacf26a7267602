"""An admin's flag change reaches the running server on the next request.

The uvicorn process is started once per session and never restarted, so this
shows the override needs no restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.flag_rows import ensure_flag_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_turns_a_flag_on_and_the_dashboard_shows_it(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    ensure_flag_rows()
    make_user(Role.ADMIN, username="flagger")
    sign_in(page, "flagger")
    flag_state = page.locator("li", has=page.get_by_text("ALERTS_V2_ENABLED", exact=True)).locator("span")
    expect(flag_state).to_have_text("off")

    page.goto(f"{server_url}/admin/rollout/featureflag/")
    row = page.locator(
        "#result_list tbody tr", has=page.get_by_role("link", name="ALERTS_V2_ENABLED", exact=True)
    )
    row.locator("select").select_option(label="Yes")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")

    page.goto(f"{server_url}/")
    expect(flag_state).to_have_text("on")


def test_signing_out_returns_to_the_login_page(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.PM, username="leaver")
    sign_in(page, "leaver")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server_url}/accounts/login/")
    page.goto(f"{server_url}/")
    page.wait_for_url(f"{server_url}/accounts/login/?next=/")
