"""GET /api/portfolio: exposure by ticker and sector, portfolio beta and limits, checked by hand."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import PortfolioHoldingFactory, PortfolioProfileFactory

pytestmark = pytest.mark.django_db

URL = "/api/portfolio"


@pytest.fixture
def api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


@pytest.fixture
def three_holdings() -> None:
    """$100,000 over three holdings; limits 40 % per position, 50 % per sector, target beta 0.8.

    AAA $50,000 Technology β 1.2 → w 0.50 (over 0.40 by 0.10)
    BBB $30,000 technology β —   → w 0.30 (no beta: counted as 1.0)
    CCC $20,000 Energy     β 0.5 → w 0.20
    Technology 0.80 (over 0.50 by 0.30; sectors compare case-insensitively), Energy 0.20.
    β_p = 0.5·1.2 + 0.3·1.0 + 0.2·0.5 = 0.60 + 0.30 + 0.10 = 1.00; gap to 0.8 = +0.20 > 0.10.
    """
    PortfolioProfileFactory(max_position_pct=0.40, max_sector_pct=0.50, target_portfolio_beta=0.8)
    PortfolioHoldingFactory(ticker="AAA", market_value=50_000, sector="Technology", beta=1.2)
    PortfolioHoldingFactory(ticker="BBB", market_value=30_000, sector="technology", beta=None)
    PortfolioHoldingFactory(ticker="CCC", market_value=20_000, sector="Energy", beta=0.5)


def test_it_weighs_each_ticker(api: APIClient, three_holdings: None) -> None:
    body = api.get(URL).json()

    assert body["total_value"] == 100_000
    assert body["holding_count"] == 3
    rows = {row["ticker"]: row for row in body["exposure"]["by_ticker"]}
    assert {t: r["weight"] for t, r in rows.items()} == {"AAA": 0.5, "BBB": 0.3, "CCC": 0.2}
    assert [rows[t]["within_limit"] for t in ("AAA", "BBB", "CCC")] == [False, True, True]
    assert rows["AAA"]["excess"] == pytest.approx(0.10)
    assert (rows["BBB"]["beta"], rows["BBB"]["beta_assumed"]) == (1.0, True)


def test_it_weighs_each_sector(api: APIClient, three_holdings: None) -> None:
    sectors = api.get(URL).json()["exposure"]["by_sector"]

    assert [(s["label"], s["weight"], s["within_limit"]) for s in sectors] == [
        ("Technology", 0.8, False),
        ("Energy", 0.2, True),
    ]
    assert sectors[0]["tickers"] == ["AAA", "BBB"]
    assert sectors[0]["excess"] == pytest.approx(0.30)


def test_it_computes_the_portfolio_beta_against_its_target(api: APIClient, three_holdings: None) -> None:
    beta = api.get(URL).json()["beta"]

    assert beta["portfolio_beta"] == pytest.approx(1.0)
    assert beta["target"] == 0.8
    assert beta["gap"] == pytest.approx(0.2)
    assert beta["within_target"] is False
    assert beta["assumed_beta_tickers"] == ["BBB"]


def test_it_lists_every_breach(api: APIClient, three_holdings: None) -> None:
    body = api.get(URL).json()

    assert body["within_limits"] is False
    assert body["limits"] == {
        "positions_within_limits": False,
        "sectors_within_limits": False,
        "beta_within_target": False,
    }
    assert [(b["kind"], b["name"]) for b in body["breaches"]] == [
        ("position", "AAA"),
        ("sector", "Technology"),
        ("beta", "portfolio"),
    ]
    messages = [b["message"] for b in body["breaches"]]
    assert messages[0] == "AAA is 50.0% of the portfolio, over the 40.0% position limit."
    assert messages[1] == "Technology is 80.0% of the portfolio, over the 50.0% sector limit."
    assert messages[2] == "Portfolio beta 1.00 is 0.20 above the 0.80 target (tolerance ±0.10)."


def test_a_book_inside_every_limit_has_no_breach(api: APIClient) -> None:
    # 25 % each in four sectors; β_p = 0.25·(0.9 + 1.1 + 1.0 + 1.0) = 1.0 on a 1.0 target.
    PortfolioProfileFactory(max_position_pct=0.25, max_sector_pct=0.25)
    for ticker, sector, beta in (("A", "S1", 0.9), ("B", "S2", 1.1), ("C", "S3", 1.0), ("D", None, None)):
        PortfolioHoldingFactory(ticker=ticker, market_value=2_500, sector=sector, beta=beta)

    body = api.get(URL).json()

    assert body["within_limits"] is True
    assert body["breaches"] == []
    assert body["beta"]["portfolio_beta"] == pytest.approx(1.0)
    # A holding without a sector is shown as unclassified and not held to the sector limit.
    unclassified = next(s for s in body["exposure"]["by_sector"] if not s["classified"])
    assert (unclassified["sector"], unclassified["label"], unclassified["weight"]) == (
        None,
        "Unclassified",
        0.25,
    )


def test_an_empty_portfolio_has_no_weights_and_no_beta(api: APIClient) -> None:
    body = api.get(URL).json()

    assert body["total_value"] == 0
    assert body["holdings"] == []
    assert body["exposure"] == {"by_ticker": [], "by_sector": []}
    assert body["beta"]["portfolio_beta"] is None
    assert body["within_limits"] is True
    assert body["profile"]["max_position_pct"] == 0.10


def test_it_reflects_a_holding_added_through_the_api(pm: Any) -> None:
    client = APIClient()
    client.force_login(pm)
    client.post(
        "/api/portfolio/holdings",
        {"ticker": "AAPL", "shares": 10, "market_value": 1500, "sector": "Tech", "beta": 1.3},
        format="json",
    )
    client.post(
        "/api/portfolio/holdings",
        {"ticker": "XOM", "shares": 10, "market_value": 500, "sector": "Energy", "beta": 0.7},
        format="json",
    )

    body = client.get(URL).json()

    assert body["total_value"] == 2000
    assert {s["label"]: s["weight"] for s in body["exposure"]["by_sector"]} == {"Tech": 0.75, "Energy": 0.25}
    assert body["beta"]["portfolio_beta"] == pytest.approx(0.75 * 1.3 + 0.25 * 0.7)
