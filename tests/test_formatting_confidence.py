"""|confidence_label: "calibrated" only when outcomes stand behind the number."""

from __future__ import annotations

from core.formatting import confidence_label


def test_it_says_not_yet_calibrated_with_no_sample() -> None:
    # The walkthrough's "0.46 calibrated (n=0)": with no outcomes it is the raw confidence.
    confidence = {"raw": 0.46, "calibrated": 0.46, "sample_size": 0, "uncertainty_band_pct": 20}
    assert confidence_label(confidence) == "raw 0.46; not yet calibrated"
    assert confidence_label({"raw": 0.46, "calibrated": None, "sample_size": None}) == (
        "raw 0.46; not yet calibrated"
    )


def test_it_names_the_sample_behind_a_calibrated_figure() -> None:
    confidence = {"raw": 0.61, "calibrated": 0.5454, "sample_size": 1234, "uncertainty_band_pct": 8.4}
    assert confidence_label(confidence) == "0.55 calibrated ± 8 pts (n=1,234; raw 0.61)"


def test_it_writes_a_dash_without_a_confidence() -> None:
    assert confidence_label(None) == "—"
    assert confidence_label({}) == "—"
