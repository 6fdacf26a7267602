"""The synthesis rules, pinned with worked numbers."""

from __future__ import annotations

import pytest

from analysis import synthesis
from analysis.synthesis import Scenario

DATA = {
    "fundamentals": {"health_score": 70},
    "technical": {"signals": {"strength": 40}},
    "sentiment": {"overall_sentiment": 0.5},
    "market": {"trend": "uptrend"},
    "macro": {"yield_curve": "normal", "economic_cycle": "expansion"},
    "options": {"signal": -1},
}


def test_it_scores_with_the_earlier_weights() -> None:
    # 0.56·20 + 0.23·40 + 23·0.5 + 18 + 8 − 8 = 11.2 + 9.2 + 11.5 + 18 = 49.9
    terms = synthesis.score_terms(DATA)
    assert sum(t.points for t in terms) == pytest.approx(49.9)
    assert synthesis.total_score(terms) == 50
    assert synthesis.recommendation_for(50) == "BUY"


def test_an_absent_agent_contributes_nothing() -> None:
    terms = synthesis.score_terms({"market": {"trend": "strong_downtrend"}})
    assert [(t.name, t.points) for t in terms] == [("trend", -18.0)]


def test_the_score_is_clipped_to_100() -> None:
    data = {**DATA, "fundamentals": {"health_score": 100}, "technical": {"signals": {"strength": 100}}}
    data.update({"sentiment": {"overall_sentiment": 1.0}, "options": {"signal": 2}})
    # 28 + 23 + 23 + 18 + 8 + 8 = 108, clipped
    assert synthesis.total_score(synthesis.score_terms(data)) == 100
    assert synthesis.total_score([synthesis.ScoreTerm("x", -250, "")]) == -100


@pytest.mark.parametrize(("score", "call"), [(31, "BUY"), (30, "HOLD"), (-30, "HOLD"), (-31, "SELL")])
def test_the_thresholds_are_strict(score: int, call: str) -> None:
    assert synthesis.recommendation_for(score) == call


def test_confidence_reflects_agreement_and_strength() -> None:
    # 0.30 + 0.35·(5−1)/7 + 0.30·0.5 − 0.20·0 = 0.30 + 0.2 + 0.15 = 0.65
    assert synthesis.raw_confidence(score=50, bullish=5, bearish=1, neutral=1, success_rate=1.0) == 0.65
    split = synthesis.raw_confidence(score=5, bullish=3, bearish=3, neutral=1, success_rate=1.0)
    agreed = synthesis.raw_confidence(score=5, bullish=6, bearish=0, neutral=1, success_rate=1.0)
    assert split < agreed
    weaker = synthesis.raw_confidence(score=50, bullish=5, bearish=1, neutral=1, success_rate=0.5)
    assert weaker == pytest.approx(0.55)


def test_confidence_stays_inside_its_bounds() -> None:
    assert synthesis.raw_confidence(score=0, bullish=0, bearish=0, neutral=0, success_rate=0.0) == 0.10
    assert synthesis.raw_confidence(score=100, bullish=7, bearish=0, neutral=0, success_rate=1.0) == 0.95


def test_scenarios_reproduce_the_earlier_spread_for_a_typical_stock() -> None:
    # σ7 = 1.7889 % · √5 = 4.0 %: bull = base + 8, bear = base − 10 as the earlier system had.
    bull, base, bear = synthesis.scenarios_for("HOLD", 10, 4.0 / 5**0.5)
    assert base.return_pct == pytest.approx(0.8)  # 0.08 · 10 · σ7/4
    assert bull.return_pct - base.return_pct == pytest.approx(8.0)
    assert base.return_pct - bear.return_pct == pytest.approx(10.0)
    assert (bull.probability, base.probability, bear.probability) == (0.30, 0.45, 0.25)


def test_scenarios_scale_with_volatility() -> None:
    calm = synthesis.scenarios_for("BUY", 60, 1.0)
    wild = synthesis.scenarios_for("BUY", 60, 3.0)
    calm_spread = calm[0].return_pct - calm[2].return_pct
    wild_spread = wild[0].return_pct - wild[2].return_pct
    assert wild_spread == pytest.approx(3 * calm_spread)


def test_buy_and_sell_bases_keep_their_sign() -> None:
    assert synthesis.scenarios_for("BUY", 31, 2.0)[1].return_pct > 0
    assert synthesis.scenarios_for("SELL", -31, 2.0)[1].return_pct < 0


def test_the_up_probability_sums_positive_scenarios() -> None:
    scenarios = [Scenario("bull", 0.45, 9.0), Scenario("base", 0.35, 1.0), Scenario("bear", 0.20, -6.0)]
    assert synthesis.predicted_up_probability(scenarios, "BUY") == 0.8
    assert synthesis.predicted_up_probability([Scenario("x", 0.0, 1.0)], "SELL") == 0.35
