from __future__ import annotations

from analysis.diagnostics import change_summary, diagnostics


def _diag(directions: dict[str, str], failed: tuple[str, ...] = ()) -> dict:
    names = list(directions) + list(failed)
    return diagnostics(
        directions={**directions, **dict.fromkeys(failed, "neutral")},
        successes={n: n not in failed for n in names},
        durations=dict.fromkeys(names, 0.01),
        sources=dict.fromkeys(names, "demo"),
    )


def test_it_counts_directions_and_flags_a_conflict() -> None:
    d = _diag({"a": "bullish", "b": "bullish", "c": "bearish", "d": "bearish", "e": "neutral"})
    assert (d["bullish_count"], d["bearish_count"], d["neutral_count"]) == (2, 2, 1)
    assert d["conflicted"] is True
    assert _diag({"a": "bullish", "b": "bullish", "c": "bearish"})["conflicted"] is False


def test_quality_is_good_only_with_no_failure() -> None:
    assert _diag(dict.fromkeys("abcdefg", "neutral"))["data_quality_level"] == "good"
    assert _diag(dict.fromkeys("abcdef", "neutral"), failed=("options",))["data_quality_level"] == "warn"


def test_quality_is_poor_below_60_percent_or_with_two_critical_failures() -> None:
    assert _diag(dict.fromkeys("abc", "neutral"), failed=("x", "y", "z"))["data_quality_level"] == "poor"
    two_critical = _diag(dict.fromkeys("abcde", "neutral"), failed=("news", "market"))
    assert two_critical["agent_success_rate"] > 0.6
    assert two_critical["data_quality_level"] == "poor"


def test_the_first_analysis_has_no_changes() -> None:
    summary = change_summary(None, {"recommendation": "BUY"}, previous_analysis_id=None)
    assert summary["has_previous"] is False
    assert summary["changes"] == []


def test_it_reports_each_material_change_with_its_impact() -> None:
    previous = {
        "recommendation": "HOLD", "score": 10, "confidence": 0.5, "market_trend": "downtrend",
        "sentiment_regime": "neutral", "fundamentals_health": 50, "options_signal": 0,
        "put_call_ratio": 1.0, "macro_risk_environment": "transitional",
    }  # fmt: skip
    current = {
        "recommendation": "BUY", "score": 40, "confidence": 0.65, "market_trend": "uptrend",
        "sentiment_regime": "positive", "fundamentals_health": 62, "options_signal": 1,
        "put_call_ratio": 0.7, "macro_risk_environment": "dovish",
    }  # fmt: skip
    summary = change_summary(previous, current, previous_analysis_id=7)
    impacts = {c["field"]: c["impact"] for c in summary["changes"]}
    assert impacts == {
        "recommendation": "high",
        "score": "high",
        "confidence": "medium",
        "market_trend": "high",
        "sentiment_regime": "medium",
        "fundamentals_health": "medium",
        "options_signal": "low",
        "put_call_ratio": "low",
        "macro_risk_environment": "medium",
    }
    assert summary["previous_analysis_id"] == 7
    assert "9 change(s)" in summary["summary"]


def test_small_moves_are_not_changes() -> None:
    snap = {
        "recommendation": "BUY",
        "score": 40,
        "confidence": 0.6,
        "market_trend": "uptrend",
        "put_call_ratio": 0.8,
    }
    moved = {**snap, "score": 54, "confidence": 0.69, "market_trend": "sideways", "put_call_ratio": 0.99}
    assert change_summary(snap, moved, previous_analysis_id=1)["changes"] == []
