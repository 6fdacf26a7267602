"""The Brier score's Murphy decomposition on a hand-worked table: REL − RES + UNC = Brier."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.evaluation.scoring import calibration_figures, murphy_decomposition

# Ten forecasts: 0.1 four times (one event), 0.7 six times (four events); ō = 0.5.
FORECASTS = np.array([0.1] * 4 + [0.7] * 6)
OUTCOMES = np.array([0, 0, 0, 1, 1, 1, 1, 1, 0, 0], dtype=float)


def test_it_decomposes_the_brier_score_as_worked_by_hand() -> None:
    m = murphy_decomposition(FORECASTS, OUTCOMES)
    # Brier: (3·0.01 + 0.81 + 4·0.09 + 2·0.49)/10 = 2.18/10.
    assert m.score == pytest.approx(0.218)
    # Reliability: (4·(0.1 − 0.25)² + 6·(0.7 − 2/3)²)/10 = (0.09 + 1/150)/10 = 29/3000.
    assert m.reliability == pytest.approx(29 / 3000)
    # Resolution: (4·(0.25 − 0.5)² + 6·(2/3 − 0.5)²)/10 = (0.25 + 1/6)/10 = 1/24.
    assert m.resolution == pytest.approx(1 / 24)
    assert m.uncertainty == pytest.approx(0.25)
    assert m.reliability - m.resolution + m.uncertainty == pytest.approx(m.score)
    assert m.within_bin == pytest.approx(0.0, abs=1e-12)


def test_it_carries_the_within_bin_term_when_a_bin_mixes_forecasts() -> None:
    # 0.1 and 0.3 share bin 0 of 2 equal-width bins: binned REL − RES + UNC no longer equals Brier.
    forecasts = np.array([0.1, 0.3, 0.8, 0.9])
    outcomes = np.array([0.0, 1.0, 1.0, 1.0])
    m = murphy_decomposition(forecasts, outcomes, np.array([0, 0, 1, 1]))
    assert m.score == pytest.approx((0.01 + 0.49 + 0.04 + 0.01) / 4)
    assert m.reliability - m.resolution + m.uncertainty + m.within_bin == pytest.approx(m.score)
    assert m.within_bin != pytest.approx(0.0)


def test_it_reports_ece_and_brier_over_the_same_bins_with_fixed_seed_intervals() -> None:
    first = calibration_figures(FORECASTS, OUTCOMES, n_bins=5)
    # Bins 0 and 3: ECE = 0.4·|0.25 − 0.1| + 0.6·|2/3 − 0.7| = 0.06 + 0.02.
    assert first["ece"] == pytest.approx(0.08)
    assert first["brier"]["score"] == pytest.approx(0.218)
    assert first == calibration_figures(FORECASTS, OUTCOMES, n_bins=5)
    lower, upper = first["brier"]["score_ci"]
    assert lower <= 0.218 <= upper
