"""PUT /api/portfolio/profile: partial updates, ranges from the earlier system, clear 400s and 422s."""

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
    assert body["created_at"] and body["updated_at"]
    assert {k: body[k] for k in body if k not in ("created_at", "updated_at")} == {
        "id": 1,
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
    ("body", "status", "message"),
    [
        # Bounds and types the earlier request body declared: 422.
        ({"max_position_pct": 10}, 422, f"max_position_pct {FRACTION_MESSAGE}; got 10."),
        ({"max_sector_pct": 1.5}, 422, f"max_sector_pct {FRACTION_MESSAGE}; got 1.5."),
        ({"risk_budget_pct": -0.1}, 422, f"risk_budget_pct {FRACTION_MESSAGE}; got -0.1."),
        ({"max_turnover_pct": 2}, 422, f"max_turnover_pct {FRACTION_MESSAGE}; got 2."),
        ({"max_position_pct": "ten"}, 422, "max_position_pct must be a number; got 'ten'."),
        ({"max_position_pct": "inf"}, 422, "max_position_pct must be a finite number"),
        ({"target_portfolio_beta": 5.01}, 422, "target_portfolio_beta must be from 0 to 5; got 5.01."),
        ({"target_portfolio_beta": -1}, 422, "target_portfolio_beta must be from 0 to 5; got -1."),
        ({"default_transaction_cost_bps": 501}, 422, "must be from 0 to 500 basis points; got 501."),
        ({"default_transaction_cost_bps": -1}, 422, "must be from 0 to 500 basis points; got -1."),
        ({"name": ""}, 422, "name must be text of 1 to 100 characters."),
        ({"name": "x" * 101}, 422, "name must be text of 1 to 100 characters."),
        ({"base_currency": "US"}, 422, "base_currency must be a three-letter code such as USD; got 'US'."),
        # This project's own checks, and an empty update: 400.
        ({"max_position_pct": 0}, 400, f"max_position_pct {FRACTION_MESSAGE}; got 0."),
        ({"base_currency": "U$D"}, 400, "base_currency must be a three-letter code such as USD; got 'U$D'."),
        # Keys it does not take are ignored, as the earlier API did; nothing else: nothing to update.
        (
            {"leverage": 2},
            400,
            "No fields to update: leverage is not a field here (fields: name, base_currency",
        ),
        ({}, 400, "No fields to update"),
        # null means "leave it as it is", as in the earlier API: nothing left to update.
        ({"max_turnover_pct": None}, 400, "No fields to update"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(
    api: APIClient, body: dict, status: int, message: str
) -> None:
    response = api.put(URL, body, format="json")

    assert response.status_code == status
    assert message in response.json()["detail"]
    profile = PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()
    assert (profile.max_position_pct, profile.name) == (0.10, "Primary")


def test_it_ignores_the_read_only_keys_a_client_echoes_back(api: APIClient) -> None:
    profile = api.get(URL).json()

    response = api.put(URL, {**profile, "max_position_pct": 0.2, "risk_budget_pct": None}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["id"], response.json()["max_position_pct"]) == (1, 0.2)
    assert response.json()["risk_budget_pct"] == 1.0


def test_one_bad_field_changes_nothing(api: APIClient) -> None:
    response = api.put(URL, {"max_position_pct": 0.05, "max_sector_pct": 3}, format="json")

    assert response.status_code == 422
    assert (PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()).max_position_pct == 0.10


def test_a_body_that_is_not_an_object_is_a_422(api: APIClient) -> None:
    response = api.put(URL, "[0.1]", content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"detail": "The body must be a JSON object of field names and values."}
