"""Snapshot aggregation over evaluated outcomes, with and without economics."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from calibration.stats import OutcomeInputs, SnapshotStats, evaluate_outcome, snapshot_stats

# Four evaluated outcomes (percent, except confidence and Brier which are fractions):
#   1 BUY  gross  3.0 net  2.85 dd 2.5 util  1.60 correct conf 0.7 Brier (0.7 − 1)² = 0.09
#   2 BUY  gross −2.0 net −2.15 dd 3.0 util −3.65 wrong   conf 0.6 Brier (0.6 − 0)² = 0.36
#   3 BUY  gross  1.0 net  0.85 dd 0.0 util  0.85 correct conf 0.9 Brier (0.9 − 1)² = 0.01
#   4 SELL gross −1.0 net −1.15 dd 1.5 util −1.90 correct conf 0.3 Brier (0.3 − 0)² = 0.09
ROWS: list[dict[str, Any]] = [
    {
        "realized_return_pct": 3.0,
        "realized_return_net_pct": 2.85,
        "max_drawdown_pct": 2.5,
        "utility_score": 1.6,
        "direction_correct": True,
        "confidence": 0.7,
        "brier_component": 0.09,
    },
    {
        "realized_return_pct": -2.0,
        "realized_return_net_pct": -2.15,
        "max_drawdown_pct": 3.0,
        "utility_score": -3.65,
        "direction_correct": False,
        "confidence": 0.6,
        "brier_component": 0.36,
    },
    {
        "realized_return_pct": 1.0,
        "realized_return_net_pct": 0.85,
        "max_drawdown_pct": 0.0,
        "utility_score": 0.85,
        "direction_correct": True,
        "confidence": 0.9,
        "brier_component": 0.01,
    },
    {
        "realized_return_pct": -1.0,
        "realized_return_net_pct": -1.15,
        "max_drawdown_pct": 1.5,
        "utility_score": -1.9,
        "direction_correct": True,
        "confidence": 0.3,
        "brier_component": 0.09,
    },
]
ECONOMICS = ("realized_return_net_pct", "max_drawdown_pct", "utility_score")

# ECE over 5 bins: 0.3 → bin 1 (1 hit of 1, |1 − 0.3| = 0.7); 0.6, 0.7 → bin 3 (1 of 2, mean conf
# 0.65, |0.5 − 0.65| = 0.15); 0.9 → bin 4 (1 of 1, |1 − 0.9| = 0.1).
# ECE = (1/4)·0.7 + (2/4)·0.15 + (1/4)·0.1 = 0.175 + 0.075 + 0.025 = 0.275.
ECE = 0.275


def test_snapshot_by_hand_with_economics() -> None:
    stats = snapshot_stats(ROWS)
    assert stats is not None
    assert stats.sample_size == 4
    assert stats.directional_accuracy == 0.75  # 3 of 4
    assert stats.avg_realized_return_pct == pytest.approx(0.25)  # (3 − 2 + 1 − 1)/4
    assert stats.mean_confidence == pytest.approx(0.625)  # 2.5/4
    assert stats.brier_score == pytest.approx(0.1375)  # 0.55/4
    assert stats.mean_net_return_pct == pytest.approx(0.1)  # 0.4/4
    assert stats.mean_drawdown_pct == pytest.approx(1.75)  # 7/4
    assert stats.utility_mean == pytest.approx(-0.775)  # −3.1/4
    assert stats.expected_calibration_error == pytest.approx(ECE)


def test_snapshot_by_hand_without_economics() -> None:
    rows = [{**row, **dict.fromkeys(ECONOMICS)} for row in ROWS]
    stats = snapshot_stats(rows)
    assert stats is not None
    assert (stats.mean_net_return_pct, stats.mean_drawdown_pct, stats.utility_mean) == (None, None, None)
    assert stats.avg_realized_return_pct == pytest.approx(0.25)
    assert stats.directional_accuracy == 0.75
    assert stats.brier_score == pytest.approx(0.1375)
    assert stats.expected_calibration_error == pytest.approx(ECE)
    # Keys may also be absent altogether.
    absent = [{k: v for k, v in row.items() if k not in ECONOMICS} for row in ROWS]
    assert snapshot_stats(absent) == stats


def test_economics_means_are_over_the_rows_that_have_them() -> None:
    rows = [ROWS[0], ROWS[1], *({**row, **dict.fromkeys(ECONOMICS)} for row in ROWS[2:])]
    stats = snapshot_stats(rows)
    assert stats is not None
    assert stats.sample_size == 4
    assert stats.mean_net_return_pct == pytest.approx(0.35)  # (2.85 − 2.15)/2
    assert stats.mean_drawdown_pct == pytest.approx(2.75)  # (2.5 + 3.0)/2
    assert stats.utility_mean == pytest.approx(-1.025)  # (1.6 − 3.65)/2


def test_rows_without_confidence_leave_the_confidence_figures() -> None:
    rows = [*ROWS, {**ROWS[0], "confidence": None}]
    stats = snapshot_stats(rows)
    assert stats is not None
    assert stats.sample_size == 5
    assert stats.directional_accuracy == pytest.approx(0.8)
    assert stats.mean_confidence == pytest.approx(0.625)
    assert stats.expected_calibration_error == pytest.approx(ECE)


def test_one_bin_gives_the_gap_between_accuracy_and_confidence() -> None:
    stats = snapshot_stats(ROWS, n_bins=1)
    assert stats is not None
    assert stats.expected_calibration_error == pytest.approx(0.125)  # |0.75 − 0.625|


def test_no_rows_no_snapshot() -> None:
    assert snapshot_stats([]) is None


def test_a_row_without_a_verdict_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"rows\[1\]"):
        snapshot_stats([ROWS[0], {**ROWS[1], "direction_correct": None}])


def test_evaluated_outcomes_feed_the_snapshot() -> None:
    result = evaluate_outcome(OutcomeInputs("BUY", 100.0, 103.0, [99.0, 97.5, 101.0], 0.7, 10.0, 5.0, True))
    row = {**dataclasses.asdict(result), "confidence": 0.7}
    stats = snapshot_stats([row])
    assert stats == SnapshotStats(
        sample_size=1,
        directional_accuracy=1.0,
        avg_realized_return_pct=pytest.approx(3.0),
        mean_confidence=0.7,
        brier_score=pytest.approx(0.09),
        mean_net_return_pct=pytest.approx(2.85),
        mean_drawdown_pct=pytest.approx(2.5),
        utility_mean=pytest.approx(1.6),
        expected_calibration_error=pytest.approx(0.3),  # |1 − 0.7|
    )
