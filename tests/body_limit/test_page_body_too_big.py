"""A page form posted with a body over the limit shows the message on its page, 413, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.body_limit.conftest import FIVE_MB, snapshot

FORMS = [
    (lambda d: "/watchlists/", lambda d: "/watchlists/"),
    (lambda d: f"/watchlists/{d['watchlist'].pk}/tickers", lambda d: f"/watchlists/{d['watchlist'].pk}/"),
    (lambda d: "/portfolio/profile", lambda d: "/portfolio/"),
    (lambda d: "/portfolio/holdings", lambda d: "/portfolio/"),
    (lambda d: f"/portfolio/holdings/{d['holding'].pk}/edit", lambda d: "/portfolio/"),
    (lambda d: "/alerts/", lambda d: "/alerts/"),
    (lambda d: "/schedules/", lambda d: "/schedules/"),
]


@pytest.mark.parametrize(("action", "page"), FORMS, ids=[str(i) for i in range(len(FORMS))])
def test_it_shows_the_limit_on_the_page_with_413(
    action: Any, page: Any, desk: dict[str, Any], desk_admin: Any, client_for: Any
) -> None:
    client = client_for(desk_admin)
    before = snapshot()
    # Browsers post forms urlencoded; the referer is the page the form sits on.
    response = client.post(
        action(desk),
        f"name={'x' * FIVE_MB}&ticker=AMZN&shares=1",
        content_type="application/x-www-form-urlencoded",
        HTTP_REFERER=f"http://testserver{page(desk)}",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Request body too large" in html
    # The page itself is rendered, not a bare error: its own form is there again.
    assert "<form" in html
    assert snapshot() == before


def test_it_renders_the_posted_path_when_there_is_no_referer(
    desk: Any, desk_admin: Any, client_for: Any
) -> None:
    response = client_for(desk_admin).post(
        "/watchlists/", f"name={'x' * FIVE_MB}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "Request body too large" in response.content.decode()
