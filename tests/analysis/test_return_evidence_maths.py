"""Expected returns from what past calls of similar strength realised (worked by hand)."""

from __future__ import annotations

import pytest

from analysis import expected_returns as er

COST = 0.15  # 10 bps + 5 bps, percent


def _band(strength: float, gross: list[float], copies: int = 10) -> er.BandEvidence:
    bands = er.summarise_bands(
        strength=[strength] * (len(gross) * copies),
        gross_pct=gross * copies,
        cost_pct=[COST] * (len(gross) * copies),
    )
    return er.pick_band(bands, strength)


def test_it_bands_strength_with_edges_on_the_side_of_the_call():
    # bands: 0 [−100,−60], 1 (−60,−31.5], 2 (−31.5,0), 3 [0,31.5), 4 [31.5,60), 5 [60,100]
    assert list(er.band_index([-100, -60, -59.9, -31.5, -31.4, 0, 31.4, 31.5, 60, 100])) == [
        0, 0, 1, 1, 2, 3, 3, 4, 5, 5,
    ]  # fmt: skip


def test_it_summarises_a_band_as_worked_by_hand():
    # r = 2, −1, 5; c = 0.15. mean 2; sd² = (0 + 9 + 9)/2 = 9 → sd 3.
    # long net 1.85, −1.15, 4.85 → loss (0 + 1.15 + 0)/3 = 0.38333, hit 2/3
    # short net −2.15, 0.85, −5.15 → loss (2.15 + 0 + 5.15)/3 = 2.43333, hit 1/3
    band = _band(40.0, [2.0, -1.0, 5.0], copies=1)
    assert (band.lower, band.upper, band.sample_size) == (31.5, 60.0, 3)
    assert band.mean_gross_pct == pytest.approx(2.0)
    assert band.sd_gross_pct == pytest.approx(3.0)
    assert band.long_loss_pct == pytest.approx(0.383333, abs=1e-6)
    assert band.short_loss_pct == pytest.approx(2.433333, abs=1e-6)
    assert band.long_hit_rate == pytest.approx(2 / 3)
    assert band.short_hit_rate == pytest.approx(1 / 3)
    # 95 %: 2 ± 1.959964·3/√3 = 2 ± 3.394757
    low, high = band.interval()
    assert (low, high) == (pytest.approx(-1.394757, abs=1e-6), pytest.approx(5.394757, abs=1e-6))


def test_it_uses_the_evidence_from_thirty_outcomes():
    # 30 outcomes (2, −1, 5 ten times): mean 2, net for a BUY 2 − 0.15 = 1.85, loss 0.38333
    band = _band(40.0, [2.0, -1.0, 5.0])
    result = er.expected_returns_for(
        recommendation="BUY", signal_recommendation="BUY", signal_strength=40.0,
        evidence={7: [band]}, scenario_e7_pct=9.0, scenario_d7_pct=9.0, cost_pct=COST,
    )  # fmt: skip
    assert result.source == "evidence"
    assert result.horizons["7d"].expected_net_return_pct == pytest.approx(1.85)
    assert (result.contract_e7_pct, result.contract_d7_pct) == (pytest.approx(1.85), pytest.approx(0.383333))
    # 1 and 30 days had no evidence: scenarios, E7 9 scaled: 9/7 − 0.15 = 1.135714; 30 d: 9·30/7 − 0.15
    assert result.horizons["1d"].source == "scenarios"
    assert result.horizons["1d"].expected_net_return_pct == pytest.approx(1.135714, abs=1e-6)
    assert result.horizons["30d"].expected_net_return_pct == pytest.approx(38.421429, abs=1e-6)
    assert result.note is None


def test_it_falls_back_to_the_scenarios_below_thirty():
    band = _band(40.0, [2.0, -1.0, 5.0], copies=9)  # 27 outcomes
    result = er.expected_returns_for(
        recommendation="BUY", signal_recommendation="BUY", signal_strength=40.0,
        evidence={7: [band]}, scenario_e7_pct=1.4, scenario_d7_pct=3.0, cost_pct=COST,
    )  # fmt: skip
    assert result.source == "scenarios"
    assert result.horizons["7d"].expected_net_return_pct == pytest.approx(1.25)  # 1.4 − 0.15
    assert result.contract_e7_pct is None  # the builder keeps the scenario formula


def test_it_gives_a_hold_no_edge_of_its_own():
    band = _band(10.0, [2.0, -1.0, 5.0])
    result = er.expected_returns_for(
        recommendation="HOLD", signal_recommendation="HOLD", signal_strength=10.0,
        evidence={7: [band]}, scenario_e7_pct=-0.5, scenario_d7_pct=4.0, cost_pct=COST,
    )  # fmt: skip
    assert (result.contract_e7_pct, result.contract_d7_pct) == (0.0, 0.0)  # EV = 0·h − 0·(1 − h) = 0
    assert all(h.expected_net_return_pct == 0.0 for h in result.horizons.values())
    assert er.adapt_call("HOLD", band) == ("HOLD", None)  # a neutral band never makes a call


def test_it_reverses_a_call_the_evidence_contradicts_beyond_chance():
    # SELL signals (−40) followed by 2, −1, 5 ×10: mean 2, sd √(180/29) = 2.491364,
    # half-width 1.959964·2.491364/√30 = 0.891517 → r in [1.108483, 2.891517].
    # short net interval [−2.891517 − 0.15, −1.108483 − 0.15] = [−3.0415, −1.2585]: wholly < 0;
    # long net low 1.108483 − 0.15 = 0.958483 > 0 → reversed to BUY.
    band = _band(-40.0, [2.0, -1.0, 5.0])
    assert er.adapt_call("SELL", band) == ("BUY", "reversed")
    result = er.expected_returns_for(
        recommendation="BUY", signal_recommendation="SELL", signal_strength=-40.0,
        evidence={7: [band]}, scenario_e7_pct=1.0, scenario_d7_pct=2.0, cost_pct=COST,
    )  # fmt: skip
    assert result.adaptation == "reversed"
    assert result.contract_e7_pct == pytest.approx(1.85)
    assert "-2.15% net" in result.note and "-3.04..-1.26" in result.note and "reversed to BUY" in result.note


def test_it_withholds_a_call_when_the_other_side_is_not_beyond_chance_either():
    # r = 0.3, −0.7, 1.3 ×10: mean 0.3, sd √(20/29) = 0.830455, half 0.297172 → [0.002828, 0.597172]
    # short high −0.002828 − 0.15 = −0.152828 < 0; long low 0.002828 − 0.15 = −0.147172 ≤ 0 → HOLD
    band = _band(-40.0, [0.3, -0.7, 1.3])
    assert er.adapt_call("SELL", band) == ("HOLD", "withheld")


def test_it_names_evidence_against_the_call_that_is_within_chance():
    # BUY signals followed by −0.1, −1.1, 0.9 ×10: mean −0.1, net −0.25; interval spans zero.
    band = _band(40.0, [-0.1, -1.1, 0.9])
    assert er.adapt_call("BUY", band) == ("BUY", None)
    result = er.expected_returns_for(
        recommendation="BUY", signal_recommendation="BUY", signal_strength=40.0,
        evidence={7: [band]}, scenario_e7_pct=1.0, scenario_d7_pct=2.0, cost_pct=COST,
    )  # fmt: skip
    assert result.contract_e7_pct == pytest.approx(-0.25)
    assert "-0.25% net" in result.note and "not beyond chance" in result.note
