"""Snapshots and reliability bins, rebuilt from what was known on a date."""

from __future__ import annotations

import datetime as dt

import pytest

from calibration.models import CalibrationSnapshot, ReliabilityBin
from calibration.outcomes import refresh_calibration
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

pytestmark = pytest.mark.django_db

ANALYSED = dt.datetime(2025, 3, 3, 21, 30, tzinfo=dt.UTC)


def _complete(confidence: float, correct: bool, realized: dt.date, ret: float = 1.0) -> None:
    analysis = AnalysisFactory(as_of=ANALYSED)
    AnalysisOutcomeFactory(
        analysis=analysis,
        horizon_days=7,
        status="complete",
        confidence=confidence,
        direction_correct=correct,
        realized_date=realized,
        realized_return_pct=ret,
        brier_component=0.2,
    )


def test_it_builds_bins_with_wilson_intervals_and_a_snapshot() -> None:
    for i in range(10):
        _complete(0.65, correct=i < 8, realized=dt.date(2025, 3, 10))
    _complete(0.15, correct=False, realized=dt.date(2025, 3, 10))
    samples = refresh_calibration(as_of_date=dt.date(2025, 3, 12))
    assert samples == {1: 0, 7: 11, 30: 0}
    bins = {b.bin_index: b for b in ReliabilityBin.objects.filter(horizon_days=7)}
    assert set(bins) == {0, 3}  # only non-empty bins are stored
    assert (bins[3].sample_size, bins[3].empirical_hit_rate) == (10, 0.8)
    assert bins[3].ci_lower == pytest.approx(0.4902, abs=1e-4)
    assert bins[3].ci_upper == pytest.approx(0.9433, abs=1e-4)
    snapshot = CalibrationSnapshot.objects.get(horizon_days=7)
    assert snapshot.sample_size == 11
    assert snapshot.directional_accuracy == pytest.approx(8 / 11)
    assert snapshot.expected_calibration_error is not None
    assert snapshot.window_days == 180


def test_it_ignores_outcomes_realised_after_the_date() -> None:
    _complete(0.65, correct=True, realized=dt.date(2025, 3, 10))
    _complete(0.65, correct=False, realized=dt.date(2025, 3, 20))
    assert refresh_calibration(as_of_date=dt.date(2025, 3, 12))[7] == 1
    assert refresh_calibration(as_of_date=dt.date(2025, 3, 21))[7] == 2


def test_refreshing_a_date_again_replaces_its_rows() -> None:
    _complete(0.65, correct=True, realized=dt.date(2025, 3, 10))
    refresh_calibration(as_of_date=dt.date(2025, 3, 12))
    refresh_calibration(as_of_date=dt.date(2025, 3, 12))
    assert ReliabilityBin.objects.count() == 1
    assert CalibrationSnapshot.objects.count() == 1
