"""The calibration-health rule, on windows worked out by hand."""

from __future__ import annotations

import pytest

from desk.health import WindowStats, assess_horizon, window_stats


def _window(n: int, hit_rate: float, ece: float) -> WindowStats:
    return WindowStats(sample_size=n, hit_rate=hit_rate, ece=ece, ece_sample_size=n)


def test_it_computes_hit_rate_and_ece_of_a_window() -> None:
    # 10 calls at 0.7 confidence (bin 3: 0.6..0.8), 6 right: hit rate 0.6, ECE |0.6 - 0.7| = 0.1.
    # 10 more at 0.3 (bin 1), 5 right: together hit rate 11/20 = 0.55 and
    # ECE = 10/20 * 0.1 + 10/20 * |0.5 - 0.3| = 0.05 + 0.10 = 0.15.
    hits = [True] * 6 + [False] * 4 + [True] * 5 + [False] * 5
    confidences = [0.7] * 10 + [0.3] * 10
    stats = window_stats(hits, confidences)
    assert stats.sample_size == 20
    assert stats.hit_rate == pytest.approx(0.55)
    assert stats.ece == pytest.approx(0.15)


def test_it_leaves_outcomes_without_confidence_out_of_the_ece_only() -> None:
    stats = window_stats([True, False, True], [None, 0.5, 0.5])
    assert stats.hit_rate == pytest.approx(2 / 3)
    assert stats.ece_sample_size == 2
    assert stats.ece == pytest.approx(0.0)  # one of two right at 0.5: perfectly calibrated


def test_it_flags_an_ece_worse_by_exactly_three_points() -> None:
    health = assess_horizon(7, recent=_window(30, 0.55, 0.08), prior=_window(30, 0.55, 0.05))
    assert health.degraded and health.reasons == ("ECE rose from 0.050 to 0.080",)


def test_it_does_not_flag_an_ece_worse_by_less_than_three_points() -> None:
    assert not assess_horizon(7, recent=_window(30, 0.55, 0.079), prior=_window(30, 0.55, 0.05)).degraded


def test_it_flags_a_hit_rate_five_points_lower() -> None:
    # 0.58 - 0.53 is 0.04999999999999993 in floating point: still "5 points lower".
    health = assess_horizon(1, recent=_window(40, 0.53, 0.05), prior=_window(90, 0.58, 0.05))
    assert health.degraded and health.reasons == ("hit rate fell from 58.0% to 53.0%",)


def test_it_does_not_judge_with_fewer_than_thirty_outcomes_in_a_window() -> None:
    health = assess_horizon(30, recent=_window(29, 0.30, 0.30), prior=_window(100, 0.60, 0.01))
    assert not health.enough_evidence and not health.degraded


def test_it_does_not_flag_an_improvement() -> None:
    assert not assess_horizon(7, recent=_window(50, 0.65, 0.02), prior=_window(50, 0.55, 0.09)).degraded
