"""Keyboard use: the skip link comes first, focus shows, and a run leaves focus on its results."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from rollout.models import FeatureFlag
from tests.flag_rows import ensure_flag_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = "() => ({id: document.activeElement.id, text: document.activeElement.textContent.trim()})"
OUTLINE = """() => {
  const style = getComputedStyle(document.activeElement);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""
# The placeholder's text width in the input's own font, against the room inside its padding.
PLACEHOLDER_FITS = """() => {
  const input = document.getElementById("ticker-search");
  const style = getComputedStyle(input, "::placeholder");
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const text = style.textTransform === "uppercase" ? input.placeholder.toUpperCase() : input.placeholder;
  return {text: canvas.measureText(text).width, room: room};
}"""


def test_the_first_tab_reaches_the_skip_link_and_it_skips_to_the_content(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.VIEWER, username="keyboarder")
    sign_in(page, "keyboarder")
    for path in ("/", "/portfolio/", "/analysis/AAPL/"):
        page.goto(f"{server_url}{path}")
        page.keyboard.press("Tab")
        assert page.evaluate(ACTIVE)["text"] == "Skip to content", path
        skip = page.get_by_test_id("skip-link")
        expect(skip).to_be_in_viewport()  # off screen until focused, then shown
        page.keyboard.press("Enter")
        assert page.evaluate(ACTIVE)["id"] == "content", path


def test_focus_shows_as_a_thick_ring(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.VIEWER, username="ringer")
    sign_in(page, "ringer")
    page.goto(f"{server_url}/portfolio/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the skip link, to the brand link in the dark top bar
    ring = page.evaluate(OUTLINE)
    assert ring["style"] == "solid" and ring["width"] >= 3, ring
    # Amber on the dark bar: the browser's thin blue default would all but vanish there.
    assert ring["color"] == "rgb(255, 191, 71)", ring


def test_the_search_placeholder_is_not_cut_off(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    make_user(Role.VIEWER, username="searcher")
    sign_in(page, "searcher")
    page.goto(f"{server_url}/analysis/")
    fit = page.evaluate(PLACEHOLDER_FITS)
    assert fit["text"] <= fit["room"], fit


def test_after_a_run_focus_is_on_the_results(
    page: Any, server_url: str, sign_in: Callable[[Any, str], None], make_user: Callable[..., Any]
) -> None:
    ensure_flag_rows()
    for name in ("UI_PM_DASHBOARD_ENABLED", "SIGNAL_CONTRACT_V2_ENABLED"):
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": True})
    make_user(Role.PM, username="runner")
    sign_in(page, "runner")
    page.goto(f"{server_url}/analysis/AAPL/")
    run = page.get_by_role("button", name="Run new analysis")
    run.focus()
    with page.expect_navigation():  # the page reloads itself with the stored run
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("analysis-results")).to_be_focused()
    assert page.evaluate(ACTIVE)["id"] != "ticker-search"
    # Only the reload after a run moves focus: opening the page again leaves it alone.
    page.reload()
    expect(page.get_by_test_id("analysis-results")).not_to_be_focused()
