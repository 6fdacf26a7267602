"""PUT /api/portfolio/profile: partial updates, ranges from the earlier system, clear 400s."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from portfolio.models import PortfolioProfile

pytestmark = pytest.mark.django_db

URL = "/api/portfolio/profile"


@pytest.fixture
def api(pm: Any) -> APIClient:
    client = APIClient()
    client.force_login(pm)
    return client


def test_it_starts_from_the_earlier_systems_defaults(api: APIClient) -> None:
    body = api.get(URL).json()
    assert {k: body[k] for k in body if k != "updated_at"} == {
        "name": "Primary",
        "base_currency": "USD",
        "max_position_pct": 0.10,
        "max_sector_pct": 0.30,
        "risk_budget_pct": 1.0,
        "target_portfolio_beta": 1.0,
        "max_turnover_pct": 0.15,
        "default_transaction_cost_bps": 10.0,
    }
    # Reading never creates the row.
    assert not PortfolioProfile.objects.exists()


def test_it_changes_only_the_fields_sent(api: APIClient) -> None:
    response = api.put(URL, {"max_position_pct": 0.08, "target_portfolio_beta": 0.9}, format="json")

    assert response.status_code == 200, response.json()
    profile = PortfolioProfile.objects.get(id=1)
    assert (profile.max_position_pct, profile.target_portfolio_beta) == (0.08, 0.9)
    assert (profile.max_sector_pct, profile.default_transaction_cost_bps) == (0.30, 10.0)
    assert response.json()["max_position_pct"] == 0.08


def test_it_accepts_the_edges_of_each_range(api: APIClient) -> None:
    body = {
        "max_position_pct": 1,
        "max_sector_pct": 1,
        "risk_budget_pct": 0.01,
        "max_turnover_pct": 1,
        "target_portfolio_beta": 0,
        "default_transaction_cost_bps": 500,
        "name": " Desk A ",
        "base_currency": "eur",
    }
    response = api.put(URL, body, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Desk A"
    assert response.json()["base_currency"] == "EUR"
    edges = api.put(URL, {"target_portfolio_beta": 5, "default_transaction_cost_bps": 0}, format="json")
    assert edges.status_code == 200


FRACTION_MESSAGE = "must be a fraction above 0 and at most 1 (0.10 means 10 %)"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"max_position_pct": 0}, f"max_position_pct {FRACTION_MESSAGE}; got 0."),
        ({"max_position_pct": 10}, f"max_position_pct {FRACTION_MESSAGE}; got 10."),
        ({"max_sector_pct": 1.5}, f"max_sector_pct {FRACTION_MESSAGE}; got 1.5."),
        ({"risk_budget_pct": -0.1}, f"risk_budget_pct {FRACTION_MESSAGE}; got -0.1."),
        ({"max_turnover_pct": 2}, f"max_turnover_pct {FRACTION_MESSAGE}; got 2."),
        ({"max_turnover_pct": None}, "max_turnover_pct must be a number; got None."),
        ({"max_position_pct": "ten"}, "max_position_pct must be a number; got 'ten'."),
        ({"max_position_pct": "inf"}, "max_position_pct must be a finite number"),
        ({"target_portfolio_beta": 5.01}, "target_portfolio_beta must be from 0 to 5; got 5.01."),
        ({"target_portfolio_beta": -1}, "target_portfolio_beta must be from 0 to 5; got -1."),
        ({"default_transaction_cost_bps": 501}, "must be from 0 to 500 basis points; got 501."),
        ({"default_transaction_cost_bps": -1}, "must be from 0 to 500 basis points; got -1."),
        ({"name": ""}, "name must be text of 1 to 100 characters."),
        ({"name": "x" * 101}, "name must be text of 1 to 100 characters."),
        ({"base_currency": "US"}, "base_currency must be a three-letter code such as USD; got 'US'."),
        ({"leverage": 2}, "Unknown profile field: leverage. Allowed: name, base_currency"),
        ({"id": 2, "max_position_pct": 0.1}, "Unknown profile field: id."),
        ({}, "Nothing to update: send one or more of name, base_currency"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_400(api: APIClient, body: dict, message: str) -> None:
    response = api.put(URL, body, format="json")

    assert response.status_code == 400
    assert message in response.json()["detail"]
    profile = PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()
    assert (profile.max_position_pct, profile.name) == (0.10, "Primary")


def test_one_bad_field_changes_nothing(api: APIClient) -> None:
    response = api.put(URL, {"max_position_pct": 0.05, "max_sector_pct": 3}, format="json")

    assert response.status_code == 400
    assert (PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()).max_position_pct == 0.10


def test_a_body_that_is_not_an_object_is_a_400(api: APIClient) -> None:
    response = api.put(URL, "[0.1]", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The body must be a JSON object of field names and values."}
