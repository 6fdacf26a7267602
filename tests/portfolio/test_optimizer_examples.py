"""Optimizer v2: worked examples, with the arithmetic by hand.

The base case (overridden per example): a $1,000,000 book, price $100 (so 1,000 shares = 10 %),
EV 1 %, calibrated confidence 0.4, data quality 80, ``transition``, daily volatility 5 %
(σ² = 0.05²·5 = 0.0125 over 7 days = 5 sessions), γ = 4 (γσ² = 0.05), λ = 0.025, ticker β = 1,
the other holdings' B_ex = 0.9, β* = 1.0, 10 bps (c = 0.001), limits 10 % / 30 % / 15 % turnover
and 10 % of the book in the same sector.

Then a = γσ² + 2λβ² = 0.05 + 0.05 = 0.1 and g = μ − 2λβ(B_ex − β*) = μ + 0.005, so for a buy
w_buy = (g − c)/a = (μ + 0.004)/0.1 and f(w) = −λ(B_ex − β*)² + (g − c)·w − ½·a·w² for w ≥ w0 = 0,
with −λ(B_ex − β*)² = −0.025·0.01 = −0.00025.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from portfolio.optimizer import (
    BINDING_CONSTRAINTS,
    DEFAULT_BETA_PENALTY,
    DEFAULT_RISK_AVERSION,
    HoldingSnapshot,
    OptimizerInputs,
    feasible_interval,
    objective,
    optimize,
    portfolio_context,
    signal_terms,
)

BASE: dict[str, Any] = {
    "ticker": "ACME",
    "sector": "Technology",
    "price": 100.0,
    "current_shares": 0.0,
    "portfolio_value": 1_000_000.0,
    "sector_value_ex": 100_000.0,
    "beta_weighted_ex": 0.9,
    "ticker_beta": 1.0,
    "ev_score_7d_pct": 1.0,
    "calibrated_confidence": 0.4,
    "data_quality_score": 80.0,
    "regime_label": "transition",
    "recommendation": "BUY",
    "daily_volatility_pct": 5.0,
    "risk_aversion": 4.0,
    "beta_penalty": 0.025,
    "cost_bps": 10.0,
    "max_position_pct": 0.10,
    "max_sector_pct": 0.30,
    "max_turnover_pct": 0.15,
    "target_portfolio_beta": 1.0,
}


def make(**overrides: Any) -> OptimizerInputs:
    return OptimizerInputs(**{**BASE, **overrides})


def trace(result: Any) -> dict[str, Any]:
    return {row.name: row for row in result.constraint_trace}


def test_interior_solution() -> None:
    # μ = 1/100·0.4 = 0.004; g = 0.009; w_buy = (0.009 − 0.001)/0.1 = 0.08 inside [0, 0.10]
    # f(0.08) = −0.00025 + 0.008·0.08 − 0.05·0.0064 = −0.00025 + 0.00064 − 0.00032 = 0.00007
    result = optimize(make())
    assert result.target_weight == pytest.approx(0.08, abs=1e-12)
    assert result.action == "add"
    assert result.binding_constraint == "none"
    assert result.shares_to_trade == 800  # 0.08·1,000,000/100
    assert result.estimated_cost_usd == pytest.approx(80.0)  # 800·$100·0.001
    assert result.portfolio_beta_before == pytest.approx(0.9)
    assert result.portfolio_beta_after == pytest.approx(0.98)  # 0.9 + 1·0.08
    assert result.objective_value == pytest.approx(0.00007, abs=1e-15)
    assert result.objective_value_current == pytest.approx(-0.00025, abs=1e-15)
    assert result.expected_return_pct == pytest.approx(0.4)
    assert result.fit_score == pytest.approx(100.0)  # no limit binds: all the gain is captured
    assert all(row.passed and not row.binding for row in result.constraint_trace)
    assert result.feasible


def test_position_limit_binds() -> None:
    # EV 2.5 % → μ = 0.01, g = 0.015, w_buy = 0.014/0.1 = 0.14 > 0.10 → target 0.10
    # f(0.10) = −0.00025 + 0.014·0.1 − 0.05·0.01 = 0.00065; the best over [0, 1] is
    # f(0.14) = −0.00025 + 0.00196 − 0.00098 = 0.00073, so fit = 100·0.0009/0.00098 = 91.8367
    result = optimize(make(ev_score_7d_pct=2.5))
    assert result.target_weight == pytest.approx(0.10, abs=1e-15)
    assert result.unconstrained_weight == pytest.approx(0.14)
    assert result.binding_constraint == "position_limit"
    assert trace(result)["position_limit"].binding
    assert trace(result)["position_limit"].passed
    assert result.shares_to_trade == 1000
    assert result.estimated_cost_usd == pytest.approx(100.0)
    assert result.objective_value == pytest.approx(0.00065, abs=1e-15)
    assert result.fit_score == pytest.approx(100 * 0.0009 / 0.00098)
    assert result.portfolio_beta_after == pytest.approx(1.0)


def test_sector_limit_binds() -> None:
    # w_buy = 0.14 again, position limit 0.20, but 25 % of the book is already in the sector:
    # room = 0.30 − 0.25 = 0.05 → target 0.05, sector projected 0.25 + 0.05 = 0.30
    result = optimize(make(ev_score_7d_pct=2.5, max_position_pct=0.20, sector_value_ex=250_000.0))
    assert result.target_weight == pytest.approx(0.05, abs=1e-15)
    assert result.binding_constraint == "sector_limit"
    row = trace(result)["sector_limit"]
    assert (row.limit, row.projected, row.passed, row.binding) == (0.30, pytest.approx(0.30), True, True)
    assert result.shares_to_trade == 500


def test_turnover_limit_binds() -> None:
    # Holding 200 shares (w0 = 0.02), turnover 5 %: U = min(0.20, 0.50 − 0.10, 0.02 + 0.05) = 0.07.
    # For w > w0 the slope is unchanged, w_buy = 0.14 > 0.07 → target 0.07, δ = 0.05 = 500 shares
    result = optimize(
        make(
            ev_score_7d_pct=2.5,
            current_shares=200.0,
            max_position_pct=0.20,
            max_sector_pct=0.50,
            max_turnover_pct=0.05,
        )
    )
    assert result.current_weight == pytest.approx(0.02)
    assert result.target_weight == pytest.approx(0.07, abs=1e-15)
    assert result.delta_weight == pytest.approx(0.05)
    assert result.binding_constraint == "turnover_limit"
    assert trace(result)["turnover_limit"].projected == pytest.approx(0.05)
    assert trace(result)["turnover_limit"].passed
    assert result.shares_to_trade == 500
    assert result.estimated_cost_usd == pytest.approx(50.0)
    assert result.portfolio_beta_before == pytest.approx(0.92)  # 0.9 + 0.02
    assert result.portfolio_beta_after == pytest.approx(0.97)  # 0.9 + 0.07


def test_no_trade_band_keeps_the_position() -> None:
    # w0 = 0.05 (500 shares); EV 0.5, confidence 0.1 → μ = 0.0005, g = 0.0055; 20 bps → c = 0.002
    # w_buy = (0.0055 − 0.002)/0.1 = 0.035 and w_sell = (0.0055 + 0.002)/0.1 = 0.075: w0 = 0.05 is
    # inside the band, so no trade, although the cost-free optimum g/a = 0.055 differs from w0
    result = optimize(
        make(current_shares=500.0, ev_score_7d_pct=0.5, calibrated_confidence=0.1, cost_bps=20.0)
    )
    assert result.target_weight == pytest.approx(0.05, abs=1e-15)
    assert result.delta_weight == pytest.approx(0.0, abs=1e-15)
    assert result.action == "hold"
    assert result.binding_constraint == "no_trade_band"
    assert result.no_trade_band == (pytest.approx(0.035), pytest.approx(0.075))
    assert (result.shares_to_trade, result.estimated_cost_usd) == (0.0, 0.0)
    assert result.fit_score == pytest.approx(100.0)  # nothing worth the cost is left out


def test_a_change_below_the_minimum_trade_is_a_hold() -> None:
    # w0 = 0.079 (790 shares) and the interior optimum 0.08 of the first example: δ = 0.001 < 0.002
    result = optimize(make(current_shares=790.0))
    assert result.target_weight == pytest.approx(0.08, abs=1e-12)
    assert result.action == "hold"
    assert result.shares_to_trade == 0.0
    assert result.estimated_cost_usd == 0.0
    assert "minimum trade" in result.note


def test_sell_signal_trims_as_far_as_the_turnover_allows() -> None:
    # w0 = 0.08; EV −3 %, confidence 0.6 → μ = −0.018, g = −0.013;
    # w_sell = (−0.013 + 0.001)/0.1 = −0.12 < L = max(0, 0.08 − 0.05) = 0.03 → target 0.03
    result = optimize(
        make(
            current_shares=800.0,
            ev_score_7d_pct=-3.0,
            calibrated_confidence=0.6,
            recommendation="SELL",
            max_turnover_pct=0.05,
        )
    )
    assert result.expected_return_pct == pytest.approx(-1.8)
    assert result.target_weight == pytest.approx(0.03, abs=1e-15)
    assert result.action == "trim"
    assert result.binding_constraint == "turnover_limit"
    assert result.shares_to_trade == -500
    assert result.estimated_cost_usd == pytest.approx(50.0)
    assert result.portfolio_beta_before == pytest.approx(0.98)
    assert result.portfolio_beta_after == pytest.approx(0.93)


def test_sell_signal_exits_when_the_turnover_allows() -> None:
    # Same, turnover 15 %: L = max(0, 0.08 − 0.15) = 0 → target 0 (the long-only floor of the
    # position limit binds), the whole position is sold
    result = optimize(
        make(current_shares=800.0, ev_score_7d_pct=-3.0, calibrated_confidence=0.6, recommendation="SELL")
    )
    assert result.target_weight == 0.0
    assert result.action == "exit"
    assert result.binding_constraint == "position_limit"
    assert result.shares_to_trade == -800
    assert result.estimated_cost_usd == pytest.approx(80.0)


def test_an_exit_sells_a_fractional_position_whole() -> None:
    result = optimize(
        make(current_shares=800.5, ev_score_7d_pct=-3.0, calibrated_confidence=0.6, recommendation="SELL")
    )
    assert (result.action, result.target_weight, result.shares_to_trade) == ("exit", 0.0, -800.5)


def test_a_partial_trade_rounds_shares_toward_zero() -> None:
    # price $70: 800 shares' worth of weight is 0.08·1,000,000/70 = 1142.86 shares → 1142
    assert optimize(make(price=70.0)).shares_to_trade == 1142
    # selling 0.05 of the book at $70 is −714.29 shares → −714
    sell = optimize(
        make(
            price=70.0,
            current_shares=0.08 * 1_000_000 / 70.0,
            ev_score_7d_pct=-3.0,
            calibrated_confidence=0.6,
            max_turnover_pct=0.05,
        )
    )
    assert sell.shares_to_trade == -714


def test_empty_portfolio_holds_with_a_note() -> None:
    result = optimize(make(portfolio_value=0.0, sector_value_ex=0.0, beta_weighted_ex=0.0))
    assert result.action == "hold"
    assert result.binding_constraint == "no_portfolio"
    assert result.target_weight == result.current_weight == result.delta_weight == 0.0
    assert result.shares_to_trade == 0.0
    assert result.portfolio_beta_before is None and result.portfolio_beta_after is None
    assert result.fit_score is None and result.objective_value is None
    assert "nothing to weight" in result.note
    payload = result.to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["binding_constraint"] == "no_portfolio"


def test_sector_already_over_its_limit_trims_by_the_turnover_and_fails_the_check() -> None:
    # w0 = 0.10, others in the sector 35 % > 30 %: U = min(0.10, 0.30 − 0.35, 0.25) = −0.05 <
    # L = 0.10 − 0.05 = 0.05 → no feasible weight; go to L = 0.05 even on a BUY signal
    result = optimize(
        make(current_shares=1000.0, sector_value_ex=350_000.0, ev_score_7d_pct=2.5, max_turnover_pct=0.05)
    )
    assert not result.feasible
    assert result.target_weight == pytest.approx(0.05)
    assert result.action == "trim"
    assert result.binding_constraint == "turnover_limit"
    rows = trace(result)
    assert not rows["sector_limit"].passed
    assert rows["sector_limit"].projected == pytest.approx(0.40)
    assert rows["turnover_limit"].passed and rows["position_limit"].passed
    assert result.fit_score == 0.0  # forced away from the better current weight


def test_sector_over_its_limit_with_room_to_exit() -> None:
    # w0 = 0.02: L = max(0, 0.02 − 0.05) = 0 > U = −0.05 → exit; the sector limit is what binds
    result = optimize(make(current_shares=200.0, sector_value_ex=350_000.0, max_turnover_pct=0.05))
    assert (result.target_weight, result.action) == (0.0, "exit")
    assert result.binding_constraint == "sector_limit"
    assert not trace(result)["sector_limit"].passed


def test_a_position_over_its_limit_is_cut_to_the_limit() -> None:
    # w0 = 0.14 > 0.10: L = max(0, 0.14 − 0.15) = 0, U = min(0.10, 0.20, 0.29) = 0.10.
    # EV 0.5 % → μ = 0.002, g = 0.007; selling pays the cost too: w_sell = (0.007 + 0.001)/0.1 =
    # 0.08 < w0 → target 0.08, inside [0, 0.10], so no limit binds
    result = optimize(make(current_shares=1400.0, ev_score_7d_pct=0.5))
    assert result.feasible
    assert result.target_weight == pytest.approx(0.08, abs=1e-12)
    assert (result.action, result.binding_constraint) == ("trim", "none")
    # EV 2.5 %: g = 0.015, w_buy = 0.14 ≤ w0 = 0.14 ≤ w_sell = 0.16, the band would keep 0.14,
    # but the limit cuts it to 0.10
    capped = optimize(make(current_shares=1400.0, ev_score_7d_pct=2.5))
    assert capped.target_weight == pytest.approx(0.10)
    assert (capped.action, capped.binding_constraint) == ("trim", "position_limit")
    assert capped.shares_to_trade == -400


def test_linear_objective_without_variance_or_beta_goes_to_the_bound() -> None:
    # σ = 0 and λ = 0: f = μ·w − c·|w| is linear, slope 0.004 − 0.001 > 0 → the upper end 0.10
    result = optimize(make(daily_volatility_pct=0.0, beta_penalty=0.0))
    assert result.target_weight == pytest.approx(0.10)
    assert result.binding_constraint == "position_limit"
    assert result.unconstrained_weight is None  # +∞
    payload = result.to_dict()
    json.dumps(payload, allow_nan=False)
    assert payload["search"]["unconstrained_weight"] is None


# --------------------------------------------------------------------------------------------
# Shrink factors
# --------------------------------------------------------------------------------------------


def test_expected_return_shrinks() -> None:
    # 4/100·0.5 = 0.02
    plain = signal_terms(make(ev_score_7d_pct=4.0, calibrated_confidence=0.5))
    assert plain.expected_return == pytest.approx(0.02)
    # data quality 40 < 50: ·0.7 → 0.014; unknown quality shrinks the same way
    low = signal_terms(make(ev_score_7d_pct=4.0, calibrated_confidence=0.5, data_quality_score=40.0))
    assert (low.expected_return, low.quality_factor) == (pytest.approx(0.014), 0.7)
    unknown = signal_terms(make(ev_score_7d_pct=4.0, calibrated_confidence=0.5, data_quality_score=None))
    assert unknown.expected_return == pytest.approx(0.014)
    # risk_off: 0.014·0.5 = 0.007 capped at 0.005
    off = signal_terms(
        make(ev_score_7d_pct=4.0, calibrated_confidence=0.5, data_quality_score=40.0, regime_label="RISK_OFF")
    )
    assert (off.expected_return, off.regime_factor, off.regime_cap_applied) == (0.005, 0.5, True)
    # risk_off below the cap: 1/100·0.4 = 0.004 → 0.002
    small = signal_terms(make(regime_label="risk_off"))
    assert (small.expected_return, small.regime_cap_applied) == (pytest.approx(0.002), False)
    # a negative μ is not softened by risk_off: −4/100·0.5 = −0.02
    bear = signal_terms(make(ev_score_7d_pct=-4.0, calibrated_confidence=0.5, regime_label="risk_off"))
    assert (bear.expected_return, bear.regime_factor) == (pytest.approx(-0.02), 1.0)
    # no EV: no view; confidence is clamped to [0, 1]
    assert signal_terms(make(ev_score_7d_pct=None)).expected_return == 0.0
    assert signal_terms(make(calibrated_confidence=1.7)).confidence_factor == 1.0


def test_variance_over_the_horizon() -> None:
    # 5 %/day over 7 calendar days = 5 sessions: 0.05²·5 = 0.0125; 14 days = 10 sessions
    assert signal_terms(make()).variance == pytest.approx(0.0125)
    assert signal_terms(make(horizon_days=14.0)).sessions == pytest.approx(10.0)
    assert signal_terms(make(horizon_days=14.0)).variance == pytest.approx(0.025)
    # unknown volatility: the 3 %/day default, 0.03²·5 = 0.0045
    default = signal_terms(make(daily_volatility_pct=None))
    assert (default.variance, default.volatility_source) == (pytest.approx(0.0045), "default")


def test_unknown_ticker_beta_counts_as_one() -> None:
    assert optimize(make(ticker_beta=None)).target_weight == optimize(make(ticker_beta=1.0)).target_weight
    assert optimize(make(ticker_beta=None)).to_dict()["inputs"]["ticker_beta_source"] == "default"


def test_objective_is_the_documented_formula() -> None:
    inputs = make(current_shares=300.0)  # w0 = 0.03
    for w in (0.0, 0.03, 0.07, 0.2):
        expected = 0.004 * w - 0.5 * 4 * 0.0125 * w * w - 0.025 * (0.9 + w - 1.0) ** 2 - 0.001 * abs(w - 0.03)
        assert objective(inputs, w) == pytest.approx(expected, abs=1e-15)
    assert feasible_interval(inputs) == (0.0, pytest.approx(0.10))


def test_defaults() -> None:
    inputs = OptimizerInputs(
        ticker="X",
        price=10.0,
        portfolio_value=1000.0,
        ev_score_7d_pct=1.0,
        calibrated_confidence=0.5,
        regime_label="risk_on",
        recommendation="HOLD",
        daily_volatility_pct=2.0,
    )
    assert (inputs.risk_aversion, inputs.beta_penalty) == (DEFAULT_RISK_AVERSION, DEFAULT_BETA_PENALTY)
    assert (inputs.horizon_days, inputs.cost_bps) == (7.0, 10.0)
    assert (inputs.max_position_pct, inputs.max_sector_pct, inputs.max_turnover_pct) == (0.10, 0.30, 0.15)
    assert inputs.target_portfolio_beta == 1.0


# --------------------------------------------------------------------------------------------
# The JSON, validation and the book helper
# --------------------------------------------------------------------------------------------


def test_portfolio_action_v2_json() -> None:
    payload = optimize(make(ev_score_7d_pct=2.5)).to_dict()
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text) == payload
    assert payload["schema_version"] == "optimizer-2"
    for key in (
        "action",
        "current_weight",
        "target_weight",
        "delta_weight",
        "shares_to_trade",
        "estimated_cost_usd",
        "portfolio_beta_before",
        "portfolio_beta_after",
        "binding_constraint",
        "constraint_trace",
        "fit_score",
        "objective_value",
        "expected_return_pct",
        "inputs",
    ):
        assert key in payload
    assert payload["binding_constraint"] in BINDING_CONSTRAINTS
    assert [row["name"] for row in payload["constraint_trace"]] == [
        "position_limit",
        "sector_limit",
        "turnover_limit",
    ]
    # Ours, with the earlier keys (limit_pct, projected_pct, status) allowed beside them.
    assert {"name", "limit", "projected", "passed", "binding"} <= set(payload["constraint_trace"][0])
    shrink = payload["inputs"]
    factors = (shrink["confidence_factor"], shrink["data_quality_factor"], shrink["regime_factor"])
    assert factors == (0.4, 1.0, 1.0)
    assert shrink["expected_return_pct"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "overrides",
    [
        {"price": 0.0},
        {"price": -1.0},
        {"current_shares": -1.0},
        {"portfolio_value": math.nan},
        {"ev_score_7d_pct": math.inf},
        {"max_position_pct": -0.1},
        {"horizon_days": 0.0},
        {"regime_label": "bull"},
        {"recommendation": "STRONG_BUY"},
        {"daily_volatility_pct": -1.0},
    ],
)
def test_invalid_inputs_raise(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        make(**overrides)


def test_portfolio_context_from_holdings() -> None:
    holdings = [
        HoldingSnapshot(ticker="acme", market_value=50_000.0, shares=500.0, sector="Technology", beta=1.4),
        HoldingSnapshot(ticker="MSFT", market_value=150_000.0, shares=300.0, sector="technology", beta=1.2),
        HoldingSnapshot(ticker="XOM", market_value=200_000.0, shares=1000.0, sector="Energy", beta=None),
        HoldingSnapshot(ticker="KO", market_value=100_000.0, shares=1500.0, sector=None, beta=0.6),
    ]
    context = portfolio_context(holdings, ticker="ACME")
    # V = 500,000; others: 0.3·1.2 + 0.4·1.0 (unknown) + 0.2·0.6 = 0.36 + 0.4 + 0.12 = 0.88
    assert context.portfolio_value == 500_000.0
    assert context.current_shares == 500.0
    assert context.sector == "Technology"
    assert context.sector_value_ex == 150_000.0
    assert context.beta_weighted_ex == pytest.approx(0.88)
    assert context.unknown_beta_count == 1
    new = portfolio_context(holdings, ticker="NEW")
    assert (new.current_shares, new.sector, new.sector_value_ex) == (0.0, None, 0.0)
    assert new.beta_weighted_ex == pytest.approx(0.1 * 1.4 + 0.88)
