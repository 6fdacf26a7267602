"""`build_optimizer_inputs`: which value feeds each optimizer input, from plain dicts."""

from __future__ import annotations

from typing import Any

import pytest

from portfolio.optimizer import OptimizerInputs
from portfolio.services import build_optimizer_inputs
from tests.factories import PortfolioHoldingFactory, PortfolioProfileFactory

CONTRACT = {
    "ev_score_7d": 1.8,
    "confidence": {"raw": 0.6, "calibrated": 0.55},
    "risk": {"data_quality_score": 72.5, "regime_label": "risk_on"},
}
PAYLOAD: dict[str, Any] = {
    "recommendation": "BUY",
    "confidence": 0.6,
    "decision_card": {"reference_price": 100.0, "stop_loss": 95.0},
    "signal_contract_v2": CONTRACT,
    "scenarios": [
        {"name": "bull", "probability": 0.45, "return_pct": 10.0},
        {"name": "base", "probability": 0.35, "return_pct": 2.0},
        {"name": "bear", "probability": 0.20, "return_pct": -10.0},
    ],
}
AGENTS = {
    "market": {"volatility_3m": 2.1, "current_price": 99.0},
    "fundamentals": {"beta": 1.3, "sector": "Technology"},
}
BOOK = {
    "profile": {
        "max_position_pct": 0.2,
        "max_sector_pct": 0.4,
        "max_turnover_pct": 0.1,
        "target_portfolio_beta": 0.9,
        "default_transaction_cost_bps": 7.0,
    },
    "holdings": [
        {"ticker": "ACME", "shares": 100, "market_value": 10_000, "sector": "Technology", "beta": None},
        {"ticker": "SOFT", "shares": 10, "market_value": 30_000, "sector": "technology", "beta": 1.5},
        {"ticker": "OIL", "shares": 10, "market_value": 60_000, "sector": "Energy", "beta": None},
    ],
}


def _inputs(
    payload: dict | None = None, agents: dict | None = None, book: dict | None = None
) -> OptimizerInputs:
    return build_optimizer_inputs(
        "ACME",
        PAYLOAD if payload is None else payload,
        AGENTS if agents is None else agents,
        portfolio=book or BOOK,
    )


def test_it_reads_the_signal_contract_first() -> None:
    inputs = _inputs()

    assert inputs.ev_score_7d_pct == 1.8
    assert inputs.calibrated_confidence == 0.55
    assert inputs.data_quality_score == 72.5
    assert inputs.regime_label == "risk_on"
    assert inputs.recommendation == "BUY"
    assert inputs.price == 100.0  # the decision card's reference price, not the market agent's
    assert inputs.daily_volatility_pct == 2.1


def test_it_takes_the_book_and_the_limits_from_the_portfolio() -> None:
    inputs = _inputs()

    assert inputs.portfolio_value == 100_000
    assert inputs.current_shares == 100
    # Other holdings in the same sector (case-insensitive): SOFT's $30,000.
    assert inputs.sector == "Technology"
    assert inputs.sector_value_ex == 30_000
    # B_ex = 0.3·1.5 + 0.6·1.0 (OIL has no beta) = 1.05
    assert inputs.beta_weighted_ex == pytest.approx(1.05)
    assert (inputs.max_position_pct, inputs.max_sector_pct, inputs.max_turnover_pct) == (0.2, 0.4, 0.1)
    assert (inputs.target_portfolio_beta, inputs.cost_bps) == (0.9, 7.0)


def test_the_holdings_beta_wins_over_the_fundamentals_agents() -> None:
    assert _inputs().ticker_beta == 1.3  # the holding has none: the fundamentals agent's
    book = {**BOOK, "holdings": [{**BOOK["holdings"][0], "beta": 0.7}, *BOOK["holdings"][1:]]}
    assert _inputs(book=book).ticker_beta == 0.7


def test_without_a_contract_it_uses_the_payloads_v2_keys_then_raw_confidence() -> None:
    payload = {**PAYLOAD, "signal_contract_v2": None, "ev_score_7d": 0.9, "confidence_calibrated": 0.5}
    inputs = _inputs(payload)
    assert (inputs.ev_score_7d_pct, inputs.calibrated_confidence) == (0.9, 0.5)

    payload = {**PAYLOAD, "signal_contract_v2": None, "market_regime": {"label": "risk_off"}}
    inputs = _inputs(payload)
    assert inputs.calibrated_confidence == 0.6  # raw
    assert inputs.data_quality_score is None
    assert inputs.regime_label == "risk_off"


def test_without_any_ev_it_computes_one_from_the_scenarios() -> None:
    # E7 = 0.45·10 + 0.35·2 − 0.20·10 = 3.2; D7 = max(10·0.20, (100 − 95)/100·100) = 5;
    # h = clamp(0.45 + 0.45·0.6, 0.35, 0.90) = 0.72; EV = 3.2·0.72 − 5·0.28 = 0.904.
    inputs = _inputs({**PAYLOAD, "signal_contract_v2": None})
    assert inputs.ev_score_7d_pct == pytest.approx(0.904)


def test_with_no_scenarios_either_the_ev_is_zero() -> None:
    payload = {**PAYLOAD, "signal_contract_v2": None, "scenarios": []}
    assert _inputs(payload).ev_score_7d_pct == 0.0


def test_it_falls_back_for_price_volatility_and_regime() -> None:
    payload = {**PAYLOAD, "decision_card": None, "signal_contract_v2": None}
    inputs = _inputs(payload, agents={"market": {"current_price": 99.0}})
    assert inputs.price == 99.0
    assert inputs.daily_volatility_pct is None  # the optimizer's default applies
    assert inputs.regime_label == "transition"
    assert inputs.ticker_beta is None


def test_it_accepts_agent_results_in_the_response_shape() -> None:
    agents = {
        "market": {"success": True, "agent_type": "market", "data": {"volatility_3m": 3.3}},
        "fundamentals": {"success": False, "agent_type": "fundamentals", "data": {"beta": 9.9}},
    }
    inputs = _inputs(agents=agents)
    assert inputs.daily_volatility_pct == 3.3
    assert inputs.ticker_beta is None


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({**PAYLOAD, "recommendation": None}, "no BUY / HOLD / SELL recommendation"),
        ({**PAYLOAD, "decision_card": {"reference_price": 0}}, "no reference price"),
    ],
)
def test_it_refuses_an_analysis_it_cannot_size_from(payload: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _inputs(payload, agents={})


@pytest.mark.django_db
def test_without_a_portfolio_argument_it_reads_the_desks() -> None:
    PortfolioProfileFactory(max_position_pct=0.05, default_transaction_cost_bps=3)
    PortfolioHoldingFactory(ticker="ACME", shares=10, market_value=1_000, sector="Technology", beta=0.8)
    PortfolioHoldingFactory(ticker="SOFT", shares=1, market_value=3_000, sector="Technology", beta=1.2)

    inputs = build_optimizer_inputs("ACME", PAYLOAD, AGENTS)

    assert (inputs.portfolio_value, inputs.current_shares, inputs.sector_value_ex) == (4_000, 10, 3_000)
    assert inputs.ticker_beta == 0.8
    assert inputs.beta_weighted_ex == pytest.approx(0.75 * 1.2)
    assert (inputs.max_position_pct, inputs.cost_bps) == (0.05, 3)
