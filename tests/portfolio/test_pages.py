"""The portfolio page with Django's client: reading, the forms, their errors and the optimizer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from portfolio.models import PortfolioHolding, PortfolioProfile
from tests.factories import (
    AgentResultFactory,
    AnalysisFactory,
    PortfolioHoldingFactory,
    PortfolioProfileFactory,
)

pytestmark = pytest.mark.django_db

PAGE = "/portfolio/"


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


@pytest.fixture
def pm_client(pm: Any, client_for: Callable[[Any], Client]) -> Client:
    return client_for(pm)


@pytest.fixture
def viewer_client(viewer: Any, client_for: Callable[[Any], Client]) -> Client:
    return client_for(viewer)


def test_it_shows_exposure_beta_and_breaches(viewer_client: Client) -> None:
    PortfolioProfileFactory(max_position_pct=0.6, max_sector_pct=0.5)
    PortfolioHoldingFactory(ticker="AAA", market_value=3_000, sector="Technology", beta=1.5)
    PortfolioHoldingFactory(ticker="BBB", market_value=1_000, sector="Energy", beta=None)

    response = viewer_client.get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="total-value">4,000.00<' in html
    # β = 0.75·1.5 + 0.25·1.0 = 1.375, shown to two places.
    assert 'data-testid="portfolio-beta">1.38<' in html
    assert "No beta for BBB: counted as 1.0." in html
    assert 'data-sector="Technology"' in html and "75.00%" in html
    assert "Technology is 75.0% of the portfolio, over the 50.0% sector limit." in html


def test_a_viewer_reads_without_any_form(viewer_client: Client) -> None:
    PortfolioHoldingFactory(ticker="AAA")

    html = viewer_client.get(PAGE).content.decode()

    assert 'data-testid="holdings-table"' in html
    assert 'data-testid="add-holding-form"' not in html
    assert 'data-testid="profile-form"' not in html
    assert "Delete" not in html
    assert 'data-testid="profile-readonly"' in html


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/portfolio/holdings", {"ticker": "AAPL", "shares": "1"}),
        ("/portfolio/profile", {"max_position_pct": "0.2"}),
        ("/portfolio/holdings/{id}/edit", {"shares": "2"}),
        ("/portfolio/holdings/{id}/delete", {}),
    ],
)
def test_a_viewers_post_is_refused(viewer_client: Client, url: str, data: dict) -> None:
    holding = PortfolioHoldingFactory(ticker="MSFT", shares=5)

    response = viewer_client.post(url.format(id=holding.pk), data)

    assert response.status_code == 403
    assert list(PortfolioHolding.objects.values_list("ticker", "shares")) == [("MSFT", 5)]
    assert not PortfolioProfile.objects.exists()


def test_a_pm_adds_a_holding_valued_from_the_provider(pm_client: Client) -> None:
    data = {"ticker": "aapl", "shares": "10", "avg_cost": "", "market_value": "", "sector": "", "beta": ""}

    response = pm_client.post("/portfolio/holdings", data, follow=True)

    assert response.redirect_chain == [(PAGE, 302)]
    holding = PortfolioHolding.objects.get(ticker="AAPL")
    assert holding.market_value_source == "provider_close"
    assert holding.sector_source == "provider" and holding.beta_source == "provider"
    html = response.content.decode()
    assert f"AAPL added: market value {holding.market_value:,.2f}." in html
    assert 'data-ticker="AAPL"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ticker": "AAPL", "shares": "-1"}, "shares must be 0 or more; got &#x27;-1&#x27;."),
        ({"ticker": "AAPL", "shares": ""}, "shares is required"),
        ({"ticker": "", "shares": "3"}, "A ticker is required, e.g. AAPL or BRK.B."),
        ({"ticker": "AAPL", "shares": "3", "beta": "7"}, "beta must be from 0 to 5 when given"),
        ({"ticker": "AAPL", "shares": "x"}, "shares must be a number"),
    ],
)
def test_bad_holding_input_shows_the_message_with_a_400(pm_client: Client, data: dict, message: str) -> None:
    response = pm_client.post("/portfolio/holdings", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="add-error"' in html
    assert message in html
    # The form keeps what was typed.
    assert f'name="ticker" value="{data["ticker"]}"' in html
    assert not PortfolioHolding.objects.exists()


def test_adding_a_ticker_already_held_is_a_409(pm_client: Client) -> None:
    PortfolioHoldingFactory(ticker="AAPL")

    response = pm_client.post("/portfolio/holdings", {"ticker": "AAPL", "shares": "1", "market_value": "10"})

    assert response.status_code == 409
    assert "Holding for AAPL already exists" in response.content.decode()


def test_a_pm_edits_a_holding(pm_client: Client) -> None:
    holding = PortfolioHoldingFactory(
        ticker="MSFT", shares=10, market_value=4_000, sector="Software", beta=0.9
    )
    data = {"ticker": "MSFT", "shares": "12", "avg_cost": "", "market_value": "4800", "sector": "Software"}

    response = pm_client.post(f"/portfolio/holdings/{holding.pk}/edit", {**data, "beta": "1.1"})

    assert response.status_code == 302
    holding.refresh_from_db()
    assert (holding.shares, holding.market_value, holding.beta) == (12, 4800, 1.1)
    assert holding.market_value_source == "given"


def test_a_bad_edit_shows_the_message_with_a_400(pm_client: Client) -> None:
    holding = PortfolioHoldingFactory(ticker="MSFT", shares=10)

    response = pm_client.post(f"/portfolio/holdings/{holding.pk}/edit", {"ticker": "MSFT", "shares": "-1"})

    assert response.status_code == 400
    assert "shares must be 0 or more" in response.content.decode()
    holding.refresh_from_db()
    assert holding.shares == 10


def test_editing_or_deleting_a_missing_holding_is_a_404(pm_client: Client) -> None:
    assert pm_client.post("/portfolio/holdings/999/edit", {"shares": "1"}).status_code == 404
    response = pm_client.post("/portfolio/holdings/999/delete")
    assert response.status_code == 404
    assert "Holding 999 not found" in response.content.decode()


def test_a_pm_deletes_a_holding(pm_client: Client) -> None:
    holding = PortfolioHoldingFactory(ticker="MSFT")

    response = pm_client.post(f"/portfolio/holdings/{holding.pk}/delete", follow=True)

    assert response.status_code == 200
    assert "MSFT deleted." in response.content.decode()
    assert not PortfolioHolding.objects.exists()


def test_a_pm_saves_the_profile(pm_client: Client) -> None:
    data = {
        "name": "Desk",
        "base_currency": "USD",
        "max_position_pct": "0.12",
        "max_sector_pct": "0.35",
        "risk_budget_pct": "1",
        "max_turnover_pct": "0.2",
        "target_portfolio_beta": "1.1",
        "default_transaction_cost_bps": "8",
    }

    response = pm_client.post("/portfolio/profile", data)

    assert response.status_code == 302
    profile = PortfolioProfile.objects.get(id=1)
    assert (
        profile.max_position_pct,
        profile.target_portfolio_beta,
        profile.default_transaction_cost_bps,
    ) == (
        0.12,
        1.1,
        8,
    )


def test_a_bad_profile_shows_the_message_with_a_400(pm_client: Client) -> None:
    response = pm_client.post("/portfolio/profile", {"max_position_pct": "12", "target_portfolio_beta": "1"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "max_position_pct must be a fraction above 0 and at most 1 (0.10 means 10 %)" in html
    assert 'name="max_position_pct" type="number" step="any" value="12"' in html
    assert not PortfolioProfile.objects.exists()


def test_the_page_refuses_a_post_without_the_csrf_token(pm: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)

    response = client.post("/portfolio/holdings", {"ticker": "AAPL", "shares": "1"})

    assert response.status_code == 403
    assert not PortfolioHolding.objects.exists()


def test_optimizing_a_ticker_without_an_analysis_shows_the_message_with_a_400(viewer_client: Client) -> None:
    response = viewer_client.get(PAGE, {"optimize": "tsla"})

    assert response.status_code == 400
    assert "Run an analysis of TSLA first" in response.content.decode()


def test_optimizing_a_bad_ticker_is_a_400(viewer_client: Client) -> None:
    response = viewer_client.get(PAGE, {"optimize": "$$$"})
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.content.decode()


def test_it_shows_the_optimizers_recommendation_and_trace(viewer_client: Client) -> None:
    analysis = AnalysisFactory(
        ticker="ACME",
        recommendation="BUY",
        decision_card={"reference_price": 20.0, "stop_loss": 18.0},
        analysis_payload={"recommendation": "BUY", "ev_score_7d": 3.0},
    )
    AgentResultFactory(analysis=analysis, agent_type="market", data={"volatility_3m": 1.5})
    PortfolioHoldingFactory(ticker="SOFT", market_value=100_000, sector="Software", beta=1.0)

    response = viewer_client.get(PAGE, {"optimize": "acme"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="optimizer-result"' in html
    assert f"from analysis #{analysis.pk}" in html
    assert 'data-testid="constraint-trace"' in html
    for name in ("position_limit", "sector_limit", "turnover_limit"):
        assert f"<td>{name}</td>" in html
    assert 'data-testid="binding-constraint"' in html
