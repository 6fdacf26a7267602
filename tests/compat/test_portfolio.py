"""The earlier portfolio routes: the book with its `snapshot`, the profile, holdings CRUD.

Ids differ from the recordings (the earlier database handed out 24, 25, 26); each test makes
its own rows and maps the recorded path onto them.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from portfolio.models import PortfolioHolding, PortfolioProfile
from tests.compat.replay import replay
from tests.factories import AnalysisFactory, PortfolioHoldingFactory, PortfolioProfileFactory

pytestmark = pytest.mark.django_db

HOLDINGS = "/api/portfolio/holdings"
# The recordings themselves hold null here (NVDA has no beta, BE no avg_cost, sector or beta),
# but the list-item matcher holds every row against the first recorded one (AAPL, all set).
NULLABLE_HOLDING_KEYS = ("avg_cost", "sector", "beta")
BOOK_NULLS = tuple(
    f"{where}[].{key}" for where in ("holdings", "snapshot.by_ticker") for key in NULLABLE_HOLDING_KEYS
)


def _golden_book() -> dict[str, PortfolioHolding]:
    """The book of the recordings: the edited profile and AAPL, NVDA and BE as they stood."""
    PortfolioProfileFactory(
        name="Golden Book", max_position_pct=0.12, max_sector_pct=0.35, default_transaction_cost_bps=8.0
    )
    return {
        "AAPL": PortfolioHoldingFactory(
            ticker="AAPL", shares=12, avg_cost=150.0, market_value=2280.0, sector="Technology", beta=1.2
        ),
        "NVDA": PortfolioHoldingFactory(
            ticker="NVDA", shares=5, avg_cost=100.0, market_value=500.0, sector="Technology", beta=None
        ),
        "BE": PortfolioHoldingFactory(
            ticker="BE", shares=3, avg_cost=None, market_value=0.0, sector=None, beta=None
        ),
    }


def _assert_golden_snapshot(body: dict[str, Any]) -> None:
    snapshot = body["snapshot"]
    assert snapshot["profile"] == body["profile"]
    assert snapshot["profile"]["name"] == "Golden Book"
    assert (snapshot["total_market_value"], snapshot["holdings_count"]) == (2780.0, 3)
    # Fractions, as the earlier dashboard reads them (it multiplies by 100 to show a percentage).
    assert [(r["ticker"], r["position_pct"], r["sector_exposure_pct"]) for r in snapshot["by_ticker"]] == [
        ("AAPL", 0.820144, 1.0),
        ("NVDA", 0.179856, 1.0),
        ("BE", 0.0, 0.0),
    ]
    assert snapshot["by_sector"] == [
        {"sector": "Technology", "market_value": 2780.0, "exposure_pct": 1.0},
        {"sector": "Unspecified", "market_value": 0.0, "exposure_pct": 0.0},
    ]


def _create(api: APIClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(HOLDINGS, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


# --- GET /api/portfolio ---------------------------------------------------------------------


def test_the_book_with_three_holdings(api: APIClient) -> None:
    _golden_book()

    body = replay(api, "GET__api_portfolio", allow_null=BOOK_NULLS)

    assert [h["ticker"] for h in body["holdings"]] == ["AAPL", "BE", "NVDA"]
    _assert_golden_snapshot(body)


def test_the_book_after_analyses_ran(api: APIClient) -> None:
    _golden_book()
    # Analyses of held tickers do not change the book.
    AnalysisFactory(ticker="AAPL")
    AnalysisFactory(ticker="NVDA")

    body = replay(api, "GET__api_portfolio_after_runs", allow_null=BOOK_NULLS)

    _assert_golden_snapshot(body)


def test_the_book_without_holdings(api: APIClient) -> None:
    PortfolioProfileFactory(name="Primary Test", max_position_pct=0.11)

    body = replay(api, "GET__api_portfolio_no_holdings")

    assert body["holdings"] == []
    snapshot = body["snapshot"]
    assert snapshot["total_market_value"] == 0 and isinstance(snapshot["total_market_value"], int)
    assert (snapshot["holdings_count"], snapshot["by_ticker"], snapshot["by_sector"]) == (0, [], [])
    assert snapshot["profile"]["max_position_pct"] == 0.11


def test_the_book_reads_without_a_stored_profile(api: APIClient) -> None:
    # Not a recording: the defaults are read (and shaped the same) without writing the row.
    body = replay(api, "GET__api_portfolio_no_holdings")

    assert body["profile"]["id"] == 1 and body["profile"]["updated_at"]
    assert not PortfolioProfile.objects.exists()


# --- PUT /api/portfolio/profile -------------------------------------------------------------


def test_a_profile_update_returns_the_whole_profile(api: APIClient) -> None:
    body = replay(api, "PUT__api_portfolio_profile")

    assert (body["id"], body["name"], body["max_position_pct"], body["max_sector_pct"]) == (
        1,
        "Golden Book",
        0.12,
        0.35,
    )
    assert body["default_transaction_cost_bps"] == 8.0
    assert (body["risk_budget_pct"], body["max_turnover_pct"]) == (1.0, 0.15)


def test_an_empty_profile_update_is_a_400(api: APIClient) -> None:
    body = replay(api, "PUT__api_portfolio_profile_no_fields")

    assert body == {"detail": "No fields to update"}


def test_a_fraction_above_1_is_a_422(api: APIClient) -> None:
    body = replay(api, "PUT__api_portfolio_profile_out_of_range")

    assert "max_position_pct" in body["detail"]
    assert not PortfolioProfile.objects.exists()


# --- /api/portfolio/holdings ----------------------------------------------------------------


def test_the_holdings_list(api: APIClient) -> None:
    _golden_book()

    body = replay(api, "GET__api_portfolio_holdings", allow_null=BOOK_NULLS)

    assert body["total_count"] == 3
    assert {h["ticker"] for h in body["holdings"]} == {"AAPL", "NVDA", "BE"}


def test_the_empty_holdings_list(api: APIClient) -> None:
    body = replay(api, "GET__api_portfolio_holdings_empty")

    assert body == {**body, "holdings": [], "total_count": 0}


def test_a_create_answers_200_with_the_holding(api: APIClient) -> None:
    body = replay(api, "POST__api_portfolio_holdings")

    assert (body["ticker"], body["shares"], body["market_value"], body["sector"], body["beta"]) == (
        "AAPL",
        10.0,
        1900.0,
        "Technology",
        1.2,
    )
    assert isinstance(body["shares"], float)
    assert PortfolioHolding.objects.get(pk=body["id"]).ticker == "AAPL"


def test_a_minimal_create_is_priced_by_the_server(api: APIClient) -> None:
    body = replay(api, "POST__api_portfolio_holdings_minimal")

    assert (body["ticker"], body["shares"], body["avg_cost"]) == ("BE", 3.0, None)
    # The demo market has a close for BE (the earlier offline server had none and said 0).
    assert body["market_value"] > 0 and body["market_value_source"] == "provider_close"


def test_a_create_without_market_value_is_priced_by_the_server(api: APIClient) -> None:
    body = replay(api, "POST__api_portfolio_holdings_no_market_value")

    assert (body["ticker"], body["shares"], body["avg_cost"], body["sector"]) == (
        "NVDA",
        5.0,
        100.0,
        "Technology",
    )
    assert body["market_value_source"] == "provider_close"


def test_a_second_holding_of_a_ticker_is_a_409(api: APIClient) -> None:
    _create(api, {"ticker": "AAPL", "shares": 10, "market_value": 1900.0})

    body = replay(api, "POST__api_portfolio_holdings_duplicate")

    assert body == {"detail": "Holding for AAPL already exists"}
    assert PortfolioHolding.objects.count() == 1


def test_a_malformed_ticker_is_a_400(api: APIClient) -> None:
    body = replay(api, "POST__api_portfolio_holdings_invalid_ticker")

    assert body["detail"].startswith("Invalid ticker symbol format")
    assert not PortfolioHolding.objects.exists()


def test_negative_shares_are_a_422(api: APIClient) -> None:
    body = replay(api, "POST__api_portfolio_holdings_negative_shares")

    assert "shares" in body["detail"]
    assert not PortfolioHolding.objects.exists()


def test_share_classes_are_accepted_and_other_long_tickers_are_a_422(api: APIClient) -> None:
    # The "share classes" difference: the earlier body bound of 5 characters stays for anything
    # that is not a ticker with a share class.
    assert _create(api, {"ticker": "brk-b", "shares": 1, "market_value": 10})["ticker"] == "BRK.B"
    assert _create(api, {"ticker": "GOOGL.A", "shares": 1, "market_value": 10})["ticker"] == "GOOGL.A"
    response = api.post(HOLDINGS, {"ticker": "TOOLONG", "shares": 1, "market_value": 1}, format="json")
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


# --- /api/portfolio/holdings/{holding_id} ---------------------------------------------------


def test_an_update_returns_the_holding(api: APIClient) -> None:
    created = _create(
        api,
        {
            "ticker": "AAPL",
            "shares": 10,
            "avg_cost": 150.0,
            "market_value": 1900.0,
            "sector": "Technology",
            "beta": 1.2,
        },
    )

    body = replay(api, "PUT__api_portfolio_holdings_{holding_id}", path=f"{HOLDINGS}/{created['id']}")

    assert (body["id"], body["shares"], body["market_value"], body["avg_cost"]) == (
        created["id"],
        12.0,
        2280.0,
        150.0,
    )


def test_an_update_to_a_ticker_already_held_is_a_409(api: APIClient) -> None:
    aapl = _create(api, {"ticker": "AAPL", "shares": 10, "market_value": 1900.0})
    _create(api, {"ticker": "NVDA", "shares": 5, "market_value": 500.0})

    body = replay(
        api, "PUT__api_portfolio_holdings_{holding_id}_duplicate_ticker", path=f"{HOLDINGS}/{aapl['id']}"
    )

    assert body["detail"].startswith("Ticker already exists in holdings")
    assert PortfolioHolding.objects.get(pk=aapl["id"]).ticker == "AAPL"


def test_an_empty_update_is_a_400(api: APIClient) -> None:
    aapl = _create(api, {"ticker": "AAPL", "shares": 10, "market_value": 1900.0})

    body = replay(api, "PUT__api_portfolio_holdings_{holding_id}_no_fields", path=f"{HOLDINGS}/{aapl['id']}")

    assert body == {"detail": "No fields to update"}


def test_updating_an_unknown_holding_is_a_404(api: APIClient) -> None:
    assert not PortfolioHolding.objects.filter(pk=9999).exists()

    body = replay(api, "PUT__api_portfolio_holdings_{holding_id}_not_found")

    assert body == {"detail": "Holding 9999 not found"}


def test_a_delete_answers_success_and_the_id(api: APIClient) -> None:
    be = _create(api, {"ticker": "BE", "shares": 3})

    body = replay(api, "DELETE__api_portfolio_holdings_{holding_id}", path=f"{HOLDINGS}/{be['id']}")

    assert body == {"success": True, "deleted_id": be["id"]}
    assert not PortfolioHolding.objects.exists()


def test_deleting_it_again_is_a_404(api: APIClient) -> None:
    be = _create(api, {"ticker": "BE", "shares": 3})
    assert api.delete(f"{HOLDINGS}/{be['id']}").status_code == 200

    body = replay(
        api, "DELETE__api_portfolio_holdings_{holding_id}_already_deleted", path=f"{HOLDINGS}/{be['id']}"
    )

    assert body == {"detail": f"Holding {be['id']} not found"}
