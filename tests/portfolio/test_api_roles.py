"""Who may read and change the portfolio over the API: viewers read, PMs and admins write."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from portfolio.models import PortfolioHolding, PortfolioProfile
from tests.factories import PortfolioHoldingFactory

pytestmark = pytest.mark.django_db


def _client(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _writes(holding_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("put", "/api/portfolio/profile", {"max_position_pct": 0.2}),
        ("post", "/api/portfolio/holdings", {"ticker": "MSFT", "shares": 1, "market_value": 10}),
        ("put", f"/api/portfolio/holdings/{holding_id}", {"shares": 2}),
        ("delete", f"/api/portfolio/holdings/{holding_id}", {}),
    ]


def _reads(holding_id: int) -> list[str]:
    return [
        "/api/portfolio",
        "/api/portfolio/profile",
        "/api/portfolio/holdings",
        f"/api/portfolio/holdings/{holding_id}",
    ]


def test_a_viewer_reads_everything(viewer: Any) -> None:
    holding = PortfolioHoldingFactory(ticker="AAPL")
    for url in _reads(holding.pk):
        assert _client(viewer).get(url).status_code == 200, url


def test_a_viewers_writes_get_a_403_and_change_nothing(viewer: Any) -> None:
    holding = PortfolioHoldingFactory(ticker="AAPL", shares=5)
    for method, url, body in _writes(holding.pk):
        response = getattr(_client(viewer), method)(url, body, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json()["detail"] == "Your role can read but not change this; ask a PM or an admin."
    assert list(PortfolioHolding.objects.values_list("ticker", "shares")) == [("AAPL", 5)]
    assert not PortfolioProfile.objects.exists()


def test_anonymous_callers_get_a_401_for_reads_and_writes() -> None:
    holding = PortfolioHoldingFactory(ticker="AAPL")
    for url in [*_reads(holding.pk), "/api/portfolio/optimize/AAPL"]:
        response = _client(None).get(url)
        assert response.status_code == 401, url
        assert "detail" in response.json()
    for method, url, body in _writes(holding.pk):
        assert getattr(_client(None), method)(url, body, format="json").status_code == 401, (method, url)
    assert PortfolioHolding.objects.count() == 1


@pytest.mark.parametrize("role", ["pm", "desk_admin"])
def test_pms_and_admins_write(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)
    holding = PortfolioHoldingFactory(ticker="AAPL", shares=5)
    statuses = [
        getattr(_client(user), method)(url, body, format="json").status_code
        for method, url, body in _writes(holding.pk)
    ]
    assert statuses == [200, 200, 200, 200]


def test_a_browser_write_without_the_csrf_token_is_refused(pm: Any) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pm)
    response = client.post("/api/portfolio/holdings", {"ticker": "AAPL", "shares": 1}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not PortfolioHolding.objects.exists()
