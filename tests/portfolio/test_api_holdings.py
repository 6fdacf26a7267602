"""Holdings CRUD over the JSON API: valuation from the provider, validation as clear 400s and 422s."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from analysis.providers import DemoProvider
from portfolio.models import PortfolioHolding
from tests.factories import PortfolioHoldingFactory

pytestmark = pytest.mark.django_db

URL = "/api/portfolio/holdings"


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


@pytest.fixture
def api(pm: Any) -> APIClient:
    client = APIClient()
    client.force_login(pm)
    return client


@pytest.fixture
def csv_dir(settings: Any, tmp_path: Path) -> Path:
    """The csv provider over an empty directory: it has no price for any ticker."""
    settings.MARKET_DATA_PROVIDER = "csv"
    settings.MARKET_DATA_CSV_DIR = str(tmp_path)
    return tmp_path


def _demo_close(ticker: str) -> tuple[float, dt.date]:
    now = timezone.now()
    series = DemoProvider().prices(ticker, start=now.date() - dt.timedelta(days=30), as_of=now)
    return float(series.close[-1]), series.last_date


def test_it_values_an_omitted_market_value_at_the_providers_latest_close(api: APIClient) -> None:
    response = api.post(URL, {"ticker": "aapl", "shares": 10}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    close, session = _demo_close("AAPL")
    assert body["ticker"] == "AAPL"
    assert body["market_value_source"] == "provider_close"
    assert body["market_value_price"] == pytest.approx(close)
    assert body["market_value_price_date"] == session.isoformat()
    assert body["market_value"] == pytest.approx(round(10 * close, 2))
    assert "close of" in body["market_value_note"]
    # Sector and beta come from the demo provider's fundamentals, and say so.
    assert body["sector"] and body["sector_source"] == "provider"
    assert 0 <= body["beta"] <= 5 and body["beta_source"] == "provider"


def test_it_keeps_an_entered_market_value_sector_and_beta(api: APIClient) -> None:
    response = api.post(
        URL,
        {"ticker": "MSFT", "shares": 5, "market_value": 2000, "sector": "Software", "beta": 0.9},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["market_value"], body["market_value_source"]) == (2000, "given")
    assert (body["sector"], body["sector_source"]) == ("Software", "given")
    assert (body["beta"], body["beta_source"]) == (0.9, "given")
    assert body["market_value_note"] == "Market value as entered."


def test_it_falls_back_to_average_cost_when_the_provider_has_no_price(api: APIClient, csv_dir: Path) -> None:
    response = api.post(URL, {"ticker": "ZZZZ", "shares": 4, "avg_cost": 25.5}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["market_value"] == 102.0
    assert body["market_value_source"] == "avg_cost"
    assert "average cost" in body["market_value_note"]
    # The csv provider has no fundamentals: nothing is invented.
    assert (body["sector"], body["sector_source"], body["beta"], body["beta_source"]) == (
        None,
        None,
        None,
        None,
    )


def test_it_refuses_a_holding_it_cannot_value(api: APIClient, csv_dir: Path) -> None:
    response = api.post(URL, {"ticker": "ZZZZ", "shares": 4}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "No price for ZZZZ from the csv market data provider and no avg_cost: give market_value, "
        "or avg_cost to value the holding at cost."
    )
    assert not PortfolioHolding.objects.exists()


def test_it_uses_a_csv_file_when_there_is_one(api: APIClient, csv_dir: Path) -> None:
    today = timezone.localdate()
    older, latest = today - dt.timedelta(days=10), today - dt.timedelta(days=7)
    (csv_dir / "ACME.csv").write_text(
        "date,open,high,low,close,adj_close,volume\n"
        f"{older},10,11,9,10.5,,1000\n{latest},10,12,9,11.25,,1000\n"
    )
    response = api.post(URL, {"ticker": "ACME", "shares": 8, "avg_cost": 3}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["market_value_source"] == "provider_close"
    assert body["market_value"] == 90.0
    assert body["market_value_price_date"] == latest.isoformat()


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        # Bounds and types the earlier request body declared: 422.
        ({"shares": 10}, 422, "A ticker is required, e.g. AAPL or BRK.B."),
        ({"ticker": "TOOLONG", "shares": 10}, 422, "ticker must be at most 5 letters"),
        ({"ticker": 12, "shares": 10}, 422, "ticker must be text"),
        ({"ticker": "AAPL"}, 422, "shares is required: the number of shares held, 0 or more."),
        ({"ticker": "AAPL", "shares": -3}, 422, "shares must be 0 or more; got -3."),
        ({"ticker": "AAPL", "shares": "ten"}, 422, "shares must be a number; got 'ten'."),
        ({"ticker": "AAPL", "shares": True}, 422, "shares must be a number; got True."),
        ({"ticker": "AAPL", "shares": "nan"}, 422, "shares must be a finite number"),
        ({"ticker": "AAPL", "shares": [1]}, 422, "shares must be a number"),
        ({"ticker": "AAPL", "shares": 10**400}, 422, "shares must be a finite number"),
        ({"ticker": "AAPL", "shares": 1, "avg_cost": "1e400"}, 422, "avg_cost must be a finite number"),
        (
            {"ticker": "AAPL", "shares": 1, "avg_cost": -1},
            422,
            "avg_cost must be 0 or more when given; got -1.",
        ),
        (
            {"ticker": "AAPL", "shares": 1, "market_value": -1},
            422,
            "market_value must be 0 or more when given",
        ),
        ({"ticker": "AAPL", "shares": 1, "sector": 12}, 422, "sector must be text; got 12."),
        ({"ticker": "AAPL", "shares": 1, "sector": "x" * 101}, 422, "sector must be at most 64 characters."),
        # This project's own checks: 400.
        ({"ticker": "12$", "shares": 10}, 400, "Invalid ticker symbol format: use 1-5 letters"),
        ({"ticker": "A1", "shares": 10}, 400, "Invalid ticker symbol format"),
        ({"ticker": "AAPL", "shares": 1e300}, 400, "shares must be at most 1,000,000,000,000"),
        ({"ticker": "AAPL", "shares": 1, "market_value": 1e300}, 400, "market_value must be at most"),
        ({"ticker": "AAPL", "shares": 1, "beta": 5.5}, 400, "beta must be from 0 to 5 when given; got 5.5."),
        (
            {"ticker": "AAPL", "shares": 1, "beta": -0.2},
            400,
            "beta must be from 0 to 5 when given; got -0.2.",
        ),
        ({"ticker": "AAPL", "shares": 1, "sector": "x" * 65}, 400, "sector must be at most 64 characters."),
        # A misspelt required field is not passed over: the field it stands for is missing.
        ({"ticker": "AAPL", "share": 2}, 422, "shares"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(
    api: APIClient, body: dict, status: int, message: str
) -> None:
    response = api.post(URL, body, format="json")

    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not PortfolioHolding.objects.exists()


def test_it_accepts_zero_shares_and_a_zero_average_cost_as_the_earlier_api_did(api: APIClient) -> None:
    response = api.post(URL, {"ticker": "AAPL", "shares": 0, "avg_cost": 0, "market_value": 0}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["shares"], response.json()["avg_cost"]) == (0, 0)


def test_it_accepts_share_classes_of_any_length(api: APIClient) -> None:
    for raw, ticker in (("brk-b", "BRK.B"), ("GOOGL.A", "GOOGL.A")):
        response = api.post(URL, {"ticker": raw, "shares": 1, "market_value": 10}, format="json")
        assert (response.status_code, response.json()["ticker"]) == (200, ticker)


def test_it_ignores_the_read_only_keys_a_client_echoes_back(api: APIClient) -> None:
    created = api.post(URL, {"ticker": "MSFT", "shares": 5, "market_value": 2000}, format="json").json()

    response = api.put(f"{URL}/{created['id']}", {**created, "shares": 6}, format="json")

    assert response.status_code == 200, response.json()
    assert (response.json()["id"], response.json()["shares"]) == (created["id"], 6)


def test_it_refuses_a_second_holding_of_the_same_ticker(api: APIClient) -> None:
    PortfolioHoldingFactory(ticker="AAPL")
    response = api.post(URL, {"ticker": "aapl", "shares": 1, "market_value": 100}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "Holding for AAPL already exists"}


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [('["AAPL", 1]', "application/json"), ("{not json", "application/json"), ("ticker=AAPL", "text/plain")],
)
def test_it_answers_a_body_that_is_not_a_json_object_with_a_4xx(
    api: APIClient, raw: str, content_type: str
) -> None:
    response = api.post(URL, raw, content_type=content_type)

    assert response.status_code in (400, 415, 422)
    assert "detail" in response.json()


def test_it_lists_and_reads_holdings(api: APIClient) -> None:
    first = PortfolioHoldingFactory(ticker="MSFT")
    PortfolioHoldingFactory(ticker="AAPL")

    listing = api.get(URL).json()
    assert listing["total_count"] == listing["count"] == 2
    assert [h["ticker"] for h in listing["holdings"]] == ["AAPL", "MSFT"]
    # A row the earlier system wrote has no recorded source, and says so.
    one = api.get(f"{URL}/{first.pk}").json()
    assert one["market_value_source"] is None
    assert "not recorded" in one["market_value_note"]
    assert api.get(f"{URL}/999999").json() == {"detail": "Holding 999999 not found"}
    assert api.get(f"{URL}/999999").status_code == 404


def test_it_updates_only_the_fields_sent(api: APIClient) -> None:
    holding = PortfolioHoldingFactory(
        ticker="MSFT", shares=10, market_value=4000, sector="Software", beta=0.9
    )

    response = api.put(f"{URL}/{holding.pk}", {"beta": 1.4}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["beta"], body["beta_source"]) == (1.4, "given")
    assert (body["shares"], body["market_value"], body["sector"]) == (10, 4000, "Software")


def test_changing_the_shares_values_the_holding_again(api: APIClient) -> None:
    holding = PortfolioHoldingFactory(ticker="AAPL", shares=10, market_value=1)

    body = api.put(f"{URL}/{holding.pk}", {"shares": 3}, format="json").json()

    close, _ = _demo_close("AAPL")
    assert body["market_value_source"] == "provider_close"
    assert body["market_value"] == pytest.approx(round(3 * close, 2))


def test_an_entered_market_value_wins_on_update_too(api: APIClient) -> None:
    holding = PortfolioHoldingFactory(ticker="AAPL", shares=10, market_value=1)

    body = api.put(f"{URL}/{holding.pk}", {"shares": 3, "market_value": 600}, format="json").json()

    assert (body["market_value"], body["market_value_source"]) == (600, "given")


def test_clearing_sector_and_beta_fills_them_from_the_provider(api: APIClient) -> None:
    holding = PortfolioHoldingFactory(ticker="AAPL", sector="Mine", beta=0.1)

    body = api.put(f"{URL}/{holding.pk}", {"sector": None, "beta": ""}, format="json").json()

    assert body["sector_source"] == "provider" and body["sector"] != "Mine"
    assert body["beta_source"] == "provider" and body["beta"] != 0.1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "No fields to update"),
        ({"shares": -1}, 422, "shares must be 0 or more; got -1."),
        ({"beta": 9}, 400, "beta must be from 0 to 5 when given; got 9."),
        ({"ticker": "MSFT"}, 409, "Ticker already exists in holdings: MSFT is held; edit that holding."),
        ({"colour": "red"}, 400, "No fields to update: colour is not a field here"),
    ],
)
def test_it_refuses_a_bad_update(api: APIClient, body: dict, status: int, message: str) -> None:
    PortfolioHoldingFactory(ticker="MSFT")
    holding = PortfolioHoldingFactory(ticker="AAPL", shares=10, market_value=1000)

    response = api.put(f"{URL}/{holding.pk}", body, format="json")

    assert response.status_code == status
    assert message in response.json()["detail"]
    holding.refresh_from_db()
    assert (holding.ticker, holding.shares, holding.market_value) == ("AAPL", 10, 1000)


def test_updating_a_missing_holding_is_a_404(api: APIClient) -> None:
    response = api.put(f"{URL}/424242", {"shares": 1}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Holding 424242 not found"}


def test_it_deletes_a_holding(api: APIClient) -> None:
    holding = PortfolioHoldingFactory()

    response = api.delete(f"{URL}/{holding.pk}")

    assert response.status_code == 200
    assert response.json() == {"success": True, "deleted_id": holding.pk}
    assert not PortfolioHolding.objects.exists()
    assert api.delete(f"{URL}/{holding.pk}").status_code == 404


def test_it_ignores_keys_it_does_not_take_as_the_earlier_api_did(api: APIClient) -> None:
    # Earlier clients may send more than the API takes (a note, a client-side id); they keep working.
    response = api.post(
        "/api/portfolio/holdings",
        {"ticker": "AAPL", "shares": 2, "market_value": 300, "note": "core"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["shares"] == 2.0
    assert "note" not in response.json()
