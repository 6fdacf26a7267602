"""A full analysis over the csv provider: prices only, and every other agent honest about it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rest_framework.test import APIClient

from analysis.contract import validate_signal_contract_v2
from analysis.models import AgentResult, Analysis

pytestmark = pytest.mark.django_db

HEADER = "date,open,high,low,close,adj_close,volume"
PRICE_AGENTS = ("market", "technical")
NO_DATA_AGENTS = ("news", "fundamentals", "macro", "options", "sentiment")
ALL_AGENTS = {*PRICE_AGENTS, *NO_DATA_AGENTS}


def trading_days(count: int) -> list[dt.date]:
    """`count` weekdays ending a few days before today, so every bar is a closed session."""
    day = dt.date.today() - dt.timedelta(days=3)
    days: list[dt.date] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


def write_prices(
    directory: Path, ticker: str, *, start: float, seed: int, adjusted: bool, days: int = 320
) -> Path:
    """A plausible daily series: a seeded random walk, highs above and lows below open and close."""
    rng = np.random.default_rng(seed)
    close = start * np.exp(np.cumsum(rng.normal(0.0004, 0.015, days)))
    open_ = np.concatenate([[start], close[:-1]]) * (1 + rng.normal(0, 0.003, days))
    high = np.maximum(open_, close) * (1 + rng.uniform(0.001, 0.012, days))
    low = np.minimum(open_, close) * (1 - rng.uniform(0.001, 0.012, days))
    volume = rng.integers(20_000_000, 80_000_000, days)
    lines = [HEADER]
    for i, day in enumerate(trading_days(days)):
        # An adjusted close a little below the raw close, as after dividends; SPY leaves it empty.
        adj = f"{close[i] * 0.99:.4f}" if adjusted else ""
        lines.append(
            f"{day.isoformat()},{open_[i]:.4f},{high[i]:.4f},{low[i]:.4f},{close[i]:.4f},{adj},{volume[i]}"
        )
    path = directory / f"{ticker}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def csv_dir(settings: Any, tmp_path: Path) -> Path:
    # get_provider caches one provider per (name, directory): a fresh tmp_path per test keeps
    # each test's files its own.
    settings.MARKET_DATA_PROVIDER = "csv"
    settings.MARKET_DATA_CSV_DIR = str(tmp_path)
    write_prices(tmp_path, "AAPL", start=180.0, seed=1, adjusted=True)
    write_prices(tmp_path, "SPY", start=450.0, seed=2, adjusted=False)
    return tmp_path


def test_it_analyses_prices_and_reports_the_rest_as_missing(pm_api: APIClient, csv_dir: Path) -> None:
    response = pm_api.post("/api/analyze/AAPL")
    assert response.status_code == 200, response.content
    body = response.json()
    results = body["agent_results"]
    assert set(results) == ALL_AGENTS
    for name in PRICE_AGENTS:
        assert results[name]["success"] is True, (name, results[name]["error"])
        assert results[name]["error"] is None
    # The csv source knows prices only: every other agent says so rather than inventing data.
    for name in NO_DATA_AGENTS:
        assert results[name]["success"] is False, name
        assert results[name]["error"].startswith("No data"), (name, results[name]["error"])
        assert results[name]["data"] == {}, name
    assert "csv provider" in results["fundamentals"]["error"]
    market = results["market"]["data"]
    assert market["is_demo_data"] is False
    assert market["adjusted_prices"] is True
    assert len(market["chart"]["dates"]) == 63
    last_day = trading_days(1)[0].isoformat()
    assert market["as_of_date"] == last_day
    assert results["technical"]["data"]["indicators"]["rsi"]["value"] is not None


def test_it_labels_the_analysis_as_real_csv_data_of_poor_quality(pm_api: APIClient, csv_dir: Path) -> None:
    body = pm_api.post("/api/analyze/AAPL").json()
    assert body["is_demo_data"] is False
    assert body["data_source"] == "csv"
    analysis = body["analysis"]
    assert analysis["data_source"] == {"provider": "csv", "is_demo": False}
    diagnostics = analysis["diagnostics"]
    # Two of seven agents answered and news and fundamentals (both critical) failed.
    assert diagnostics["data_quality_level"] == "poor"
    assert diagnostics["agent_success_rate"] == round(2 / 7, 4)
    assert set(diagnostics["failed_agents"]) == set(NO_DATA_AGENTS)
    assert set(diagnostics["critical_failures"]) == {"news", "fundamentals"}
    assert analysis["recommendation"] in ("BUY", "HOLD", "SELL")
    stored = Analysis.objects.get(pk=body["analysis_id"])
    assert stored.data_source == "csv"
    assert stored.overall_sentiment_score is None  # no sentiment without news
    assert AgentResult.objects.filter(analysis=stored, success=True).count() == 2


def test_with_the_contract_on_the_quality_score_is_low_and_the_contract_valid(
    pm_api: APIClient, csv_dir: Path, flag: Any
) -> None:
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    body = pm_api.post("/api/analyze/AAPL").json()
    analysis = body["analysis"]
    assert body["analysis_schema_version"] == "v2"
    assert validate_signal_contract_v2(analysis["signal_contract_v2"]) == []
    assert analysis["data_quality_score"] < 50
    assert analysis["data_quality_score"] == analysis["signal_contract_v2"]["risk"]["data_quality_score"]
    assert analysis["regime_label"] in ("risk_on", "transition", "risk_off")
    # Only the agents that answered are evidence.
    factors = {item["factor"] for item in analysis["signal_contract_v2"]["evidence"]}
    assert factors <= set(PRICE_AGENTS)


def test_a_ticker_without_a_file_is_a_4xx_naming_it(pm_api: APIClient, csv_dir: Path) -> None:
    response = pm_api.post("/api/analyze/msft")
    assert 400 <= response.status_code < 500, response.content
    assert response.status_code == 422
    assert "MSFT" in response.json()["detail"]
    assert "No price file" in response.json()["detail"]
    assert not Analysis.objects.exists()


def test_a_missing_file_does_not_reveal_the_server_directory(pm_api: APIClient, csv_dir: Path) -> None:
    detail = pm_api.post("/api/analyze/MSFT").json()["detail"]
    assert str(csv_dir) not in detail


def test_a_file_with_one_bar_is_a_4xx_saying_there_are_no_prices(pm_api: APIClient, csv_dir: Path) -> None:
    (csv_dir / "ONE.csv").write_text(f"{HEADER}\n2025-01-02,60,61,59,60.5,,1000\n")
    response = pm_api.post("/api/analyze/ONE")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("No daily prices for ONE on or before ")


def test_a_malformed_file_is_a_4xx_naming_the_line(pm_api: APIClient, csv_dir: Path) -> None:
    path = csv_dir / "KO.csv"
    path.write_text(f"{HEADER}\n2025-01-02,60,61,59,60.5,,1000\n2025-01-03,60,sixty,59,60.5,,1000\n")
    response = pm_api.post("/api/analyze/KO")
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == "KO.csv, line 3: malformed row (a date or number does not parse)"
    assert not Analysis.objects.exists()


def test_a_short_file_fails_the_price_agents_honestly(pm_api: APIClient, csv_dir: Path) -> None:
    # Forty sessions are enough to run, not enough for the market agent's 60-bar window.
    write_prices(csv_dir, "NEW", start=20.0, seed=3, adjusted=False, days=40)
    body = pm_api.post("/api/analyze/NEW").json()
    market = body["agent_results"]["market"]
    assert market["success"] is False
    assert market["error"] == "No data: only 40 daily bars for NEW; the market agent needs 60"


def test_a_share_class_file_is_analysed(pm_api: APIClient, csv_dir: Path) -> None:
    write_prices(csv_dir, "BRK.B", start=410.0, seed=4, adjusted=True)
    response = pm_api.post("/api/analyze/brk.b")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ticker"] == "BRK.B"
    assert body["agent_results"]["market"]["success"] is True
    assert Analysis.objects.get(pk=body["analysis_id"]).ticker == "BRK.B"
    # The vendor spelling with a dash reads the same file.
    assert pm_api.post("/api/analyze/BRK-B").status_code == 200
