"""Signal contract v2 builder: the earlier system's rules, pinned with worked numbers."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
import pytest

from analysis.contract import (
    CalibratedConfidence,
    ContractInputs,
    EvidenceItem,
    ReliabilityEvidence,
    Scenario,
    build_signal_contract_v2,
    calibrate_confidence,
    capacity_usd,
    conflict_score,
    data_quality_score,
    downside_risk_7d,
    estimated_spread_bps,
    expected_returns,
    fallback_hit_rate,
    fundamentals_evidence_strength,
    hit_rate,
    market_evidence_strength,
    news_freshness,
    normalised_probabilities,
    options_evidence_strength,
    scenario_expected_return,
    sentiment_evidence_strength,
    technical_evidence_strength,
    truncate_rationale,
    validate_signal_contract_v2,
)

# E7 = 0.4·16 + 0.4·3 + 0.2·(−12) = 6.4 + 1.2 − 2.4 = 5.2 %.
# D7 = max(|−12|·0.2, (100 − 92)/100·100) = max(2.4, 8.0) = 8.0 %.
WORKED_SCENARIOS = (Scenario("bull", 0.4, 16.0), Scenario("base", 0.4, 3.0), Scenario("bear", 0.2, -12.0))


def make_inputs(**overrides: Any) -> ContractInputs:
    """The earlier system's worked example."""
    base = ContractInputs(
        recommendation="BUY",
        raw_confidence=0.6,
        scenarios=WORKED_SCENARIOS,
        entry_price=100.0,
        entry_zone=(98.0, 102.0),
        stop_loss=92.0,
        targets=(108.0, 116.0),
        invalidation_conditions=("daily close below 92", "guidance cut"),
        max_holding_days=30,
        # h7 = 0.58 from a bin of 120 samples (>= 30, so trusted).
        reliability={7: ReliabilityEvidence(hit_rate=0.58, sample_size=120)},
        # 100·(0.5·0.8 + 0.3·0.75 + 0.2·(1 − 0.5)) = 100·(0.4 + 0.225 + 0.1) = 72.5,
        # freshness 0.75 = 1 − 12/48.
        agent_success_rate=0.8,
        fallback_share=0.5,
        newest_news_age_hours=12.0,
        # 100·min(1, 3)/(1 + 3) = 25.
        bullish_count=1,
        bearish_count=3,
        regime_label="risk_on",
        regime_detail={"label": "risk_on", "trend": "uptrend", "drivers": ["uptrend for 40 bars"]},
        avg_dollar_volume_20d=500_000_000.0,
        volatility_3m_pct=2.1,
        evidence=(
            EvidenceItem("technical", "bullish", technical_evidence_strength(45.0), 0.5, "yfinance"),
            EvidenceItem("fundamentals", "bearish", fundamentals_evidence_strength(30.0), 24.0, "fmp"),
        ),
        rationale="Uptrend with improving breadth; valuation stretched.",
    )
    return dataclasses.replace(base, **overrides)


# ------------------------------------------------------------------------------ worked example


def test_it_reproduces_the_earlier_worked_example() -> None:
    contract = build_signal_contract_v2(make_inputs())
    assert contract["expected_return_pct"] == {"1d": 0.7429, "7d": 5.2, "30d": 22.2857}
    assert contract["downside_risk_pct"] == {"1d": 1.1429, "7d": 8.0, "30d": 34.2857}
    assert contract["hit_rate"]["7d"] == 0.58
    # risk/reward = 5.2/8.0 = 0.65; EV = 5.2·0.58 − 8.0·0.42 = 3.016 − 3.36 = −0.344.
    assert contract["risk"]["risk_reward_ratio_7d"] == 0.65
    assert contract["ev_score_7d"] == -0.344
    assert contract["risk"]["max_drawdown_est_pct_7d"] == 8.0
    assert contract["risk"]["data_quality_score"] == 72.5
    assert contract["risk"]["conflict_score"] == 25.0
    # Calibrated is no longer the bin's raw 0.58 (the earlier rule): the bin alone (no base rate
    # given), prior 0.5 of strength 10, (0.58·120 + 5)/(120 + 10) = 74.6/130 = 0.57385.
    assert contract["confidence"] == {
        "raw": 0.6,
        "calibrated": 0.5738,
        "uncertainty_band_pct": 8.0,
        "sample_size": 120,
        "source": "reliability_bin",
    }


def test_it_builds_the_full_shape() -> None:
    contract = build_signal_contract_v2(make_inputs())
    assert list(contract) == [
        "schema_version",
        "instrument_type",
        "recommendation",
        "expected_return_pct",
        "downside_risk_pct",
        "hit_rate",
        "ev_score_7d",
        "confidence",
        "risk",
        "liquidity",
        "execution_plan",
        "rationale_summary",
        "evidence",
    ]
    assert contract["schema_version"] == "2.0"
    assert contract["instrument_type"] == "US_EQUITY"
    assert contract["recommendation"] == "BUY"
    assert contract["risk"]["regime_label"] == "risk_on"
    assert contract["risk"]["regime_detail"]["drivers"] == ["uptrend for 40 bars"]
    assert contract["liquidity"] == {
        "avg_dollar_volume_20d": 500_000_000.0,
        "est_spread_bps": 6.05,  # 5 + 0.5·2.1
        "capacity_usd": 10_000_000.0,  # 2 % of 500 M
    }
    assert contract["execution_plan"] == {
        "entry_zone": {"low": 98.0, "high": 102.0, "reference": 100.0},
        "stop_loss": 92.0,
        "targets": [108.0, 116.0],
        "invalidation_conditions": ["daily close below 92", "guidance cut"],
        "max_holding_days": 30,
    }
    assert contract["evidence"] == [
        {
            "factor": "technical",
            "direction": "bullish",
            "strength": 0.45,
            "freshness_hours": 0.5,
            "source": "yfinance",
        },
        {
            "factor": "fundamentals",
            "direction": "bearish",
            "strength": 0.4,
            "freshness_hours": 24.0,
            "source": "fmp",
        },
    ]
    assert validate_signal_contract_v2(contract) == []


# ------------------------------------------------------------------------------ expected return


@pytest.mark.parametrize(
    ("scenarios", "expected"),
    [
        # clamped (0.9, 0.9, 0.2) sum 2.0 → (9 + 0 − 2)/2 = 3.5
        ((Scenario("bull", 0.9, 10.0), Scenario("base", 0.9, 0.0), Scenario("bear", 0.2, -10.0)), 3.5),
        # 1.5 clamps to 1 → weights 1/1.5, 0.5/1.5 → (10 − 5)/1.5
        ((Scenario("bull", 1.5, 10.0), Scenario("bear", 0.5, -10.0)), 5.0 / 1.5),
        # a negative probability counts as 0
        ((Scenario("bull", -0.3, 100.0), Scenario("base", 0.25, 2.0)), 2.0),
        # all zero → equal weights
        ((Scenario("bull", 0.0, 6.0), Scenario("bear", 0.0, -2.0)), 2.0),
        # a non-finite return drops the scenario; a NaN probability counts as 0
        (
            (Scenario("bull", 0.5, math.nan), Scenario("base", math.nan, 9.0), Scenario("bear", 0.5, -4.0)),
            -4.0,
        ),
        ((), 0.0),
    ],
)
def test_it_weights_scenarios_by_renormalised_probabilities(
    scenarios: tuple[Scenario, ...], expected: float
) -> None:
    assert scenario_expected_return(scenarios) == pytest.approx(expected)


def test_it_renormalises_probabilities_to_one() -> None:
    weights = normalised_probabilities(
        (Scenario("a", 0.45, 1.0), Scenario("b", 0.35, 1.0), Scenario("c", 0.4, 1.0))
    )
    assert sum(weights) == pytest.approx(1.0)
    assert weights == pytest.approx([0.375, 0.2916667, 0.3333333])


@pytest.mark.parametrize(
    ("e7", "e1", "e30"),
    [
        (7.0, 1.0, 30.0),
        (14.0, 2.0, 60.0),
        (20.0, 20.0 / 7.0, 60.0),
        (-15.0, -15.0 / 7.0, -60.0),
        (0.0, 0.0, 0.0),
    ],
)
def test_it_derives_1_and_30_day_returns_and_clamps_e30_at_60(e7: float, e1: float, e30: float) -> None:
    returns = expected_returns(e7)
    assert returns["1d"] == pytest.approx(e1)
    assert returns["7d"] == e7
    assert returns["30d"] == pytest.approx(e30)


def test_it_clamps_e30_in_the_built_contract() -> None:
    scenarios = (Scenario("bull", 0.5, 40.0), Scenario("bear", 0.5, 10.0))  # E7 = 25
    contract = build_signal_contract_v2(make_inputs(scenarios=scenarios))
    assert contract["expected_return_pct"] == {"1d": 3.5714, "7d": 25.0, "30d": 60.0}
    falling = (Scenario("bull", 0.5, -30.0), Scenario("bear", 0.5, -40.0))  # E7 = −35
    assert build_signal_contract_v2(make_inputs(scenarios=falling))["expected_return_pct"]["30d"] == -60.0


# ------------------------------------------------------------------------------ downside


def test_it_takes_the_larger_of_the_bear_scenario_and_the_stop_distance() -> None:
    heavy_bear = (Scenario("bull", 0.5, 10.0), Scenario("bear", 0.5, -20.0))
    assert downside_risk_7d(heavy_bear, entry_price=100.0, stop_loss=95.0, recommendation="BUY") == 10.0
    assert downside_risk_7d(heavy_bear, entry_price=100.0, stop_loss=None, recommendation="BUY") == 10.0
    assert downside_risk_7d(WORKED_SCENARIOS, entry_price=100.0, stop_loss=92.0, recommendation="BUY") == 8.0


def test_it_measures_a_sell_stop_above_entry() -> None:
    mild = (Scenario("bull", 0.2, 8.0), Scenario("bear", 0.8, -2.0))  # bear term 1.6
    assert downside_risk_7d(mild, entry_price=100.0, stop_loss=106.0, recommendation="SELL") == pytest.approx(
        6.0
    )
    # A long's stop above entry adds nothing; the bear term remains.
    assert downside_risk_7d(mild, entry_price=100.0, stop_loss=106.0, recommendation="BUY") == pytest.approx(
        1.6
    )


def test_it_uses_the_lowest_return_when_no_scenario_is_named_bear() -> None:
    unnamed = (Scenario("up", 0.5, 10.0), Scenario("down", 0.25, -8.0), Scenario("flat", 0.25, 0.0))
    assert downside_risk_7d(unnamed, entry_price=100.0, stop_loss=None, recommendation="HOLD") == 2.0


# ------------------------------------------------------------------------------ hit rate, EV


@pytest.mark.parametrize(
    ("recommendation", "confidence", "expected"),
    [
        ("BUY", 0.0, 0.45),
        ("BUY", 0.6, 0.72),
        ("BUY", 1.0, 0.90),
        ("BUY", 1.5, 0.90),  # confidence clamps to 1 → 0.90 (also the result clamp)
        ("SELL", 0.2, 0.54),
        ("SELL", -0.5, 0.45),  # confidence clamps to 0
        ("SELL", math.nan, 0.45),
        ("HOLD", 0.0, 0.40),
        ("HOLD", 0.6, 0.58),
        ("HOLD", 1.0, 0.70),
    ],
)
def test_it_falls_back_to_a_confidence_based_hit_rate(
    recommendation: str, confidence: float, expected: float
) -> None:
    assert fallback_hit_rate(recommendation, confidence) == pytest.approx(expected)
    assert hit_rate(recommendation, confidence, None) == pytest.approx(expected)


def test_it_trusts_a_reliability_bin_from_30_samples() -> None:
    assert hit_rate("BUY", 0.6, ReliabilityEvidence(0.9, 29)) == pytest.approx(0.72)
    assert hit_rate("BUY", 0.6, ReliabilityEvidence(0.9, 30)) == 0.9
    assert hit_rate("HOLD", 0.6, ReliabilityEvidence(1.3, 500)) == 1.0  # clamped to [0, 1]


def test_it_looks_up_the_bin_per_horizon() -> None:
    reliability = {
        1: ReliabilityEvidence(0.61, 30),
        "7d": ReliabilityEvidence(0.99, 29),
        30: None,
    }
    contract = build_signal_contract_v2(make_inputs(reliability=reliability))
    assert contract["hit_rate"] == {"1d": 0.61, "7d": 0.72, "30d": 0.72}
    # EV with h7 = 0.72: 5.2·0.72 − 8.0·0.28 = 3.744 − 2.24 = 1.504.
    assert contract["ev_score_7d"] == 1.504
    # The 7-day bin alone, 29 calls: (0.99·29 + 5)/(29 + 10) = 33.71/39, shrunk below 30.
    assert contract["confidence"]["source"] == "shrunk"
    assert contract["confidence"]["calibrated"] == round(33.71 / 39, 4)
    assert contract["confidence"]["sample_size"] == 29


# ------------------------------------------------------------------------------ calibration


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        # A bin alone (no base rate): prior 0.5 of strength 10, value (0.7·n + 5)/(n + 10); the
        # band and source keep the earlier 30 / 100 / 200-sample rule.
        (None, CalibratedConfidence(0.6, 15.0, 0, "raw")),
        (ReliabilityEvidence(0.7, 29), CalibratedConfidence(25.3 / 39, 15.0, 29, "shrunk")),
        (ReliabilityEvidence(0.7, 30), CalibratedConfidence(26 / 40, 12.0, 30, "reliability_bin")),
        (ReliabilityEvidence(0.7, 99), CalibratedConfidence(74.3 / 109, 12.0, 99, "reliability_bin")),
        (ReliabilityEvidence(0.7, 100), CalibratedConfidence(75 / 110, 8.0, 100, "reliability_bin")),
        (ReliabilityEvidence(0.7, 199), CalibratedConfidence(144.3 / 209, 8.0, 199, "reliability_bin")),
        (ReliabilityEvidence(0.7, 200), CalibratedConfidence(145 / 210, 5.0, 200, "reliability_bin")),
    ],
)
def test_it_calibrates_confidence_with_an_uncertainty_band(
    evidence: ReliabilityEvidence | None, expected: CalibratedConfidence
) -> None:
    got = calibrate_confidence(0.6, evidence)
    assert (got.band_pct, got.sample_size, got.source) == (
        expected.band_pct,
        expected.sample_size,
        expected.source,
    )
    assert got.value == pytest.approx(expected.value)


def test_it_records_the_calibration_sample_in_the_contract() -> None:
    contract = build_signal_contract_v2(make_inputs(reliability={7: ReliabilityEvidence(0.55, 250)}))
    assert contract["confidence"] == {
        "raw": 0.6,
        "calibrated": 0.5481,  # (0.55·250 + 5)/(250 + 10) = 142.5/260
        "uncertainty_band_pct": 5.0,
        "sample_size": 250,
        "source": "reliability_bin",
    }


# ------------------------------------------------------------------------------ quality, conflict, liquidity


def test_it_scores_data_quality() -> None:
    # 100·(0.5·0.8 + 0.3·0.75 + 0.2·0.5) = 72.5
    assert data_quality_score(0.8, 12.0, 0.5) == pytest.approx(72.5)
    # no news at all → freshness 0: 100·(0.4 + 0 + 0.1) = 50
    assert data_quality_score(0.8, None, 0.5) == pytest.approx(50.0)
    assert data_quality_score(1.0, 0.0, 0.0) == pytest.approx(100.0)
    assert data_quality_score(0.0, 100.0, 1.0) == 0.0
    assert data_quality_score(1.7, -5.0, -1.0) == pytest.approx(100.0)  # everything clamped


@pytest.mark.parametrize(
    ("age", "freshness"), [(None, 0.0), (0.0, 1.0), (12.0, 0.75), (48.0, 0.0), (72.0, 0.0), (-3.0, 1.0)]
)
def test_it_measures_news_freshness_over_48_hours(age: float | None, freshness: float) -> None:
    assert news_freshness(age) == pytest.approx(freshness)


@pytest.mark.parametrize(
    ("bullish", "bearish", "score"), [(1, 3, 25.0), (0, 0, 0.0), (2, 2, 50.0), (4, 0, 0.0), (3, 1, 25.0)]
)
def test_it_scores_conflict(bullish: int, bearish: int, score: float) -> None:
    assert conflict_score(bullish, bearish) == pytest.approx(score)


def test_it_estimates_spread_and_capacity() -> None:
    assert estimated_spread_bps(2.1) == pytest.approx(6.05)
    assert estimated_spread_bps(0.0) == 5.0
    assert estimated_spread_bps(-10.0) == 5.0
    assert estimated_spread_bps(1000.0) == 250.0
    assert estimated_spread_bps(None) is None
    assert capacity_usd(5e8) == pytest.approx(1e7)
    assert capacity_usd(None) is None
    assert capacity_usd(math.nan) is None


# ------------------------------------------------------------------------------ evidence


def test_it_scores_evidence_strength_per_agent() -> None:
    assert technical_evidence_strength(-45.0) == pytest.approx(0.45)
    assert technical_evidence_strength(150.0) == 1.0
    assert fundamentals_evidence_strength(80.0) == pytest.approx(0.6)
    assert fundamentals_evidence_strength(20.0) == pytest.approx(0.6)
    assert sentiment_evidence_strength(-0.3) == pytest.approx(0.3)
    assert market_evidence_strength(True) == 0.7
    assert market_evidence_strength(False) == 0.5
    assert options_evidence_strength(1.6) == pytest.approx(0.6)
    assert options_evidence_strength(0.4) == pytest.approx(0.6)
    assert options_evidence_strength(2.5) == 1.0
    assert technical_evidence_strength(math.nan) == 0.0


def test_it_normalises_evidence_items() -> None:
    evidence = (
        EvidenceItem("options", "SELL", 1.7, -2.0, "cboe"),
        EvidenceItem("sentiment", "positive", -0.2, None),
        EvidenceItem("market", "hold", np.float64(0.7), np.float64(3.0), "polygon"),
    )
    contract = build_signal_contract_v2(make_inputs(evidence=evidence))
    assert contract["evidence"] == [
        {
            "factor": "options",
            "direction": "bearish",
            "strength": 1.0,
            "freshness_hours": 0.0,
            "source": "cboe",
        },
        {
            "factor": "sentiment",
            "direction": "bullish",
            "strength": 0.0,
            "freshness_hours": None,
            "source": "",
        },
        {
            "factor": "market",
            "direction": "neutral",
            "strength": 0.7,
            "freshness_hours": 3.0,
            "source": "polygon",
        },
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"recommendation": "STRONG_BUY"},
        {"regime_label": "bullish"},
        {"evidence": (EvidenceItem("technical", "sideways-ish", 0.5),)},
        {"evidence": (EvidenceItem("  ", "bullish", 0.5),)},
    ],
)
def test_it_refuses_unknown_labels(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        build_signal_contract_v2(make_inputs(**overrides))


# ------------------------------------------------------------------------------ rationale


def test_it_truncates_the_rationale_on_a_word_boundary() -> None:
    words = " ".join(f"word{i:03d}" for i in range(100))  # 799 characters
    summary = truncate_rationale(words)
    assert len(summary) <= 400
    assert summary.endswith("\u2026")
    kept = summary[:-1]
    assert words.startswith(kept)
    assert words[len(kept)] == " "  # the cut falls between words
    assert build_signal_contract_v2(make_inputs(rationale=words))["rationale_summary"] == summary


def test_it_keeps_a_rationale_of_400_characters_and_cuts_401() -> None:
    exactly = ("abc " * 100)[:399] + "x"  # ends "... abc abcx"
    assert len(exactly) == 400
    assert truncate_rationale(exactly) == exactly
    cut = truncate_rationale(exactly + "y")  # 401 characters: the last word "abcxy" goes
    assert cut == exactly[:395] + "\u2026"
    assert len(cut) == 396 and cut.endswith("abc\u2026")


def test_it_collapses_whitespace_and_cuts_a_single_long_word_hard() -> None:
    assert truncate_rationale("  Trend   up,\n\nvalue  fair.  ") == "Trend up, value fair."
    assert truncate_rationale(None) == ""
    giant = "x" * 1000
    assert truncate_rationale(giant) == "x" * 399 + "\u2026"


# ------------------------------------------------------------------------------ determinism, JSON


def test_it_is_deterministic() -> None:
    first = build_signal_contract_v2(make_inputs())
    second = build_signal_contract_v2(make_inputs())
    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def _assert_plain_json(value: Any) -> None:
    if isinstance(value, dict):
        assert all(isinstance(key, str) for key in value)
        for item in value.values():
            _assert_plain_json(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain_json(item)
    else:
        assert value is None or type(value) in (str, int, float, bool), type(value)
        if isinstance(value, float):
            assert math.isfinite(value)


def test_it_outputs_plain_json_without_nan() -> None:
    inputs = make_inputs(
        raw_confidence=np.float64(0.55),
        stop_loss=math.nan,
        targets=(np.float64(110.0), math.inf),
        avg_dollar_volume_20d=math.nan,
        volatility_3m_pct=None,
        newest_news_age_hours=None,
        max_holding_days=np.int64(7),
        regime_detail={
            "label": "transition",
            "volatility_percentile": np.float64(math.nan),
            "trend_days": np.int64(12),
            "insufficient_history": np.bool_(False),
            "drivers": ("a", "b"),
        },
    )
    contract = build_signal_contract_v2(inputs)
    _assert_plain_json(contract)
    text = json.dumps(contract, allow_nan=False)
    assert json.loads(text) == contract
    assert contract["execution_plan"]["stop_loss"] is None
    assert contract["execution_plan"]["targets"] == [110.0]
    assert contract["liquidity"] == {
        "avg_dollar_volume_20d": None,
        "est_spread_bps": None,
        "capacity_usd": None,
    }
    assert contract["risk"]["regime_detail"] == {
        "label": "transition",
        "volatility_percentile": None,
        "trend_days": 12,
        "insufficient_history": False,
        "drivers": ["a", "b"],
    }
    # Without a stop, D7 is the bear term alone: 12·0.2 = 2.4.
    assert contract["downside_risk_pct"]["7d"] == 2.4
    assert validate_signal_contract_v2(contract) == []


def test_it_sorts_the_entry_zone_and_accepts_a_regime_assessment() -> None:
    from analysis.regime import classify_regime

    assessment = classify_regime(
        100 * np.exp(np.linspace(0, 0.4, 300)), macro_environment="dovish", data_quality_level="good"
    )
    contract = build_signal_contract_v2(
        make_inputs(
            entry_zone=(102.0, 98.0), regime_label=assessment.label, regime_detail=assessment.to_dict()
        )
    )
    assert contract["execution_plan"]["entry_zone"] == {"low": 98.0, "high": 102.0, "reference": 100.0}
    assert contract["risk"]["regime_label"] == assessment.label
    assert contract["risk"]["regime_detail"]["trend"] == "uptrend"
    assert validate_signal_contract_v2(contract) == []
