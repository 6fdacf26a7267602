"""The call is judged against what the agents that answered can say (worked by hand)."""

from __future__ import annotations

import pytest

from analysis import synthesis
from analysis.synthesis import ScoreTerm


def _terms(**points: float) -> list[ScoreTerm]:
    return [ScoreTerm(name, value, name) for name, value in points.items()]


def test_it_calls_buy_on_price_data_alone_where_the_earlier_threshold_held():
    # Strong uptrend (+18) and technical strength +45 (MACD 25 + MA stack 20) × 0.23 = +10.35.
    terms = _terms(trend=18.0, technical=10.35)
    score = synthesis.total_score(terms)
    assert score == 28  # round(28.35)
    assert synthesis.recommendation_for(score) == "HOLD"  # the earlier ±30 on the raw score
    call = synthesis.scaled_call(terms)
    # reach = 18 + 10.35 = 28.35; strength = 100·28.35/28.35 = 100; coverage = 28.35/95.35 = 0.2973
    assert call.signal_strength == 100.0
    assert call.evidence_coverage == pytest.approx(0.2973)
    assert call.recommendation == "BUY"


def test_it_calls_sell_on_a_downtrend_with_technicals_against():
    # −18 + 0.23·(−25) = −23.75 over reach 28.35 → strength −83.77
    call = synthesis.scaled_call(_terms(trend=-18.0, technical=-5.75))
    assert call.signal_strength == pytest.approx(-83.77)
    assert call.recommendation == "SELL"


def test_it_holds_when_the_technicals_cancel_most_of_the_trend():
    # 18 − 10.35 = 7.65 over 28.35 → 26.98 < 45
    call = synthesis.scaled_call(_terms(trend=18.0, technical=-10.35))
    assert call.signal_strength == pytest.approx(26.98)
    assert call.recommendation == "HOLD"


def test_it_scales_a_full_answer_by_the_full_reach():
    # All six terms: reach 95.35; points 0.56·(70−50)=11.2, 0.23·45=10.35, 23·0.5=11.5, 18, 8, −8
    # → 51.05; strength 100·51.05/95.35 = 53.54 ≥ 45 → BUY; coverage 1
    terms = _terms(fundamentals=11.2, technical=10.35, sentiment=11.5, trend=18.0, macro=8.0, options=-8.0)
    call = synthesis.scaled_call(terms)
    assert call.signal_strength == pytest.approx(53.54)
    assert call.evidence_coverage == 1.0
    assert call.recommendation == "BUY"
    # 0.56·(60−50) + 0.23·20 + 23·0.3 + 18 + 8 − 8 = 35.1 → 36.81: the earlier ±30 called it a
    # BUY, the walk-forward threshold (45) holds
    weaker = _terms(fundamentals=5.6, technical=4.6, sentiment=6.9, trend=18.0, macro=8.0, options=-8.0)
    assert synthesis.scaled_call(weaker).signal_strength == pytest.approx(36.81)
    assert synthesis.scaled_call(weaker).recommendation == "HOLD"


def test_it_clamps_a_term_to_its_reach():
    # technical strength +60 (RSI + Bollinger + MACD) × 0.23 = 13.8, clamped to 10.35 → 100
    assert synthesis.scaled_call(_terms(technical=13.8)).signal_strength == 100.0


def test_it_makes_no_call_on_one_small_term():
    # macro alone: strength 100 but coverage 8/95.35 = 0.0839 < 0.15
    call = synthesis.scaled_call(_terms(macro=8.0))
    assert call.signal_strength == 100.0
    assert call.evidence_coverage == pytest.approx(0.0839)
    assert call.recommendation == "HOLD"


def test_it_holds_with_nothing_answering():
    call = synthesis.scaled_call([])
    assert (call.signal_strength, call.evidence_coverage, call.recommendation) == (0.0, 0.0, "HOLD")
