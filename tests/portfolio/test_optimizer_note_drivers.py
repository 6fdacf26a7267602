"""The optimizer's note names each input that moved the target, with its number.

Worked by hand on the issue's case: HD, a BUY with EV +4.86 %, calibrated confidence 0.50, data
quality 80, beta 0.71, in a risk-off regime, no position, a book whose other holdings carry a
beta of 1.30 against a target of 1.00, 10 bps of cost and the default λ = 0.01:

* μ = 4.86 % × 0.50 = 2.430 %; risk-off halves it to 1.215 % and caps it at 0.500 %;
* the beta penalty's pull on the first unit: −2λβ(B_ex − β*) = −2·0.01·0.71·0.30 = −0.426 %;
* the first unit earns 0.500 − 0.426 − 0.100 = −0.026 %: no purchase pays, hold at 0.0 %.
"""

from __future__ import annotations

from portfolio.optimizer import OptimizerInputs, optimize

HD = OptimizerInputs(
    ticker="HD",
    sector="Consumer Discretionary",
    price=380.0,
    current_shares=0.0,
    portfolio_value=1_000_000.0,
    sector_value_ex=0.0,
    beta_weighted_ex=1.30,
    ticker_beta=0.71,
    ev_score_7d_pct=4.86,
    calibrated_confidence=0.50,
    data_quality_score=80.0,
    regime_label="risk_off",
    recommendation="BUY",
    daily_volatility_pct=1.5,
    cost_bps=10.0,
    target_portfolio_beta=1.00,
)


def test_it_holds_the_worked_case_at_zero() -> None:
    result = optimize(HD)
    assert result.action == "hold"
    assert result.target_weight == 0.0
    assert result.binding_constraint == "no_trade_band"


def test_it_names_the_regime_cap_the_beta_penalty_and_the_cost_with_their_numbers() -> None:
    note = optimize(HD).note
    assert "The expected gain does not cover the transaction cost" in note
    assert "μ = EV +4.86% × calibrated confidence 0.50 = +2.430%" in note
    assert "the risk-off regime halves it to +1.215% and caps it at +0.500%" in note
    assert "Beta penalty (λ = 0.01)" in note
    assert "beta 1.30 without this ticker against a target of 1.00" in note
    assert "β 0.71" in note
    assert "by -0.426% (against adding)" in note
    assert "Transaction cost 10 bps (+0.100% of each unit traded)" in note
    assert "earns μ + beta pull − cost = -0.026%, so no purchase pays" in note


def test_it_names_the_data_quality_shrink_when_it_applies() -> None:
    low = OptimizerInputs(**{**HD.__dict__, "data_quality_score": 40.0, "regime_label": "transition"})
    note = optimize(low).note
    # 2.430 % × 0.7 = 1.701 %; no regime shrink outside risk-off.
    assert "× 0.7 for data quality 40 (below 50) = +1.701%" in note
    assert "risk-off" not in note
