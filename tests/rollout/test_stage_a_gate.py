"""Stage A: scheduled-run success >= 99 %, valid contract on >= 98 % of scheduled analyses,
at least one horizon with non-empty reliability bins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rollout.gates import coverage_check
from rollout.metrics import rollout_status
from tests.factories import ReliabilityBinFactory
from tests.rollout.gate_rows import NOW, invalid_contract, make_analysis, make_runs, valid_contract

pytestmark = pytest.mark.django_db


def _stage_a(window_hours: int = 24) -> dict[str, Any]:
    return rollout_status(window_hours=window_hours, now=NOW)["gates"]["stage_a"]


def _check(gate: dict[str, Any], name: str) -> dict[str, Any]:
    return next(check for check in gate["checks"] if check["name"] == name)


def _passing_rows() -> None:
    make_runs(100)
    for _ in range(50):
        make_analysis(run_kind="scheduled", contract=valid_contract())
    ReliabilityBinFactory(horizon_days=7, sample_size=12)


def test_it_passes_with_healthy_runs_contracts_and_bins() -> None:
    _passing_rows()
    gate = _stage_a()
    assert gate["passed"] is True, gate
    assert [check["name"] for check in gate["checks"]] == [
        "scheduled_run_success_rate",
        "scheduled_signal_contract_valid_coverage",
        "reliability_non_empty_horizons",
    ]
    assert gate["manual_checks"]  # the runbook's "no schema regression" stays a person's call


def test_it_fails_with_no_scheduled_runs_and_says_why() -> None:
    gate = _stage_a()
    check = _check(gate, "scheduled_run_success_rate")
    assert gate["passed"] is False
    assert check == {
        "name": "scheduled_run_success_rate",
        "passed": False,
        "actual": None,
        "threshold": ">= 0.99",  # the earlier API's string; the bare bound beside it
        "threshold_value": 0.99,
        "comparison": ">=",
        "detail": "no scheduled runs in the window",
    }


def test_it_fails_below_99_percent_run_success() -> None:
    _passing_rows()
    make_runs(2, success=False)  # 100 of 102 = 98.04 %
    gate = _stage_a()
    check = _check(gate, "scheduled_run_success_rate")
    assert (check["passed"], check["actual"]) == (False, 0.9804)
    assert gate["passed"] is False


def test_exactly_99_percent_passes() -> None:
    _passing_rows()
    make_runs(1, success=False)  # 100 of 101 = 99.0099 %
    assert _check(_stage_a(), "scheduled_run_success_rate")["passed"] is True


def test_a_rate_that_rounds_up_to_the_threshold_does_not_pass() -> None:
    # 39 599 of 40 000 = 98.9975 %: shown as 0.99 at four decimals, still below the gate.
    check = coverage_check(
        "scheduled_run_success_rate", hits=39_599, total=40_000, minimum=0.99, what="runs", empty=""
    )
    assert check["actual"] == 0.99
    assert check["passed"] is False


def test_a_run_in_flight_is_not_a_failure_but_a_stuck_one_is() -> None:
    _passing_rows()
    make_runs(1, success=None, at=NOW - dt.timedelta(minutes=5))
    runs = rollout_status(window_hours=24, now=NOW)["metrics"]["scheduled_runs"]
    assert runs == {"total_runs": 100, "success_runs": 100, "success_rate": 1.0}
    assert "1 run(s) still in flight" in _check(_stage_a(), "scheduled_run_success_rate")["detail"]
    # Unfinished for three hours: the worker is gone, it counts against the gate.
    make_runs(1, success=None, at=NOW - dt.timedelta(hours=3))
    runs = rollout_status(window_hours=24, now=NOW)["metrics"]["scheduled_runs"]
    assert (runs["total_runs"], runs["success_runs"]) == (101, 100)


def test_replay_runs_never_count() -> None:
    _passing_rows()
    make_runs(5, success=False, run_reason="replay")
    replayed = make_analysis(run_kind="replay", contract=valid_contract())
    make_runs(5, success=False, analysis=replayed)
    runs = rollout_status(window_hours=24, now=NOW)["metrics"]["scheduled_runs"]
    assert runs["total_runs"] == 100
    assert _stage_a()["passed"] is True


def test_catalyst_runs_are_scheduled_runs() -> None:
    make_runs(3, run_reason="catalyst_pre")
    make_runs(1, success=False, run_reason="catalyst_post")
    runs = rollout_status(window_hours=24, now=NOW)["metrics"]["scheduled_runs"]
    assert runs == {"total_runs": 4, "success_runs": 3, "success_rate": 0.75}


def test_it_fails_when_more_than_2_percent_of_scheduled_contracts_are_invalid() -> None:
    _passing_rows()  # 50 valid
    make_analysis(run_kind="scheduled", contract=invalid_contract())
    make_analysis(run_kind="scheduled")  # v1: no contract at all
    gate = _stage_a()
    check = _check(gate, "scheduled_signal_contract_valid_coverage")
    # 50 of 52 = 96.15 %
    assert (check["passed"], check["actual"], check["threshold_value"]) == (False, 0.9615, 0.98)
    assert check["detail"].startswith("50 of 52 scheduled analyses")
    assert gate["passed"] is False


def test_interactive_analyses_do_not_dilute_the_scheduled_coverage() -> None:
    _passing_rows()
    for _ in range(10):
        make_analysis(run_kind="interactive")  # v1, no contract
    assert _stage_a()["passed"] is True


def test_it_fails_with_no_scheduled_analyses() -> None:
    make_runs(10)
    ReliabilityBinFactory(sample_size=5)
    check = _check(_stage_a(), "scheduled_signal_contract_valid_coverage")
    assert (check["passed"], check["actual"], check["detail"]) == (
        False,
        None,
        "no scheduled analyses in the window",
    )


def test_it_fails_when_every_reliability_bin_is_empty() -> None:
    _passing_rows()
    # The newest 7-day set has no samples: an older non-empty set does not count.
    ReliabilityBinFactory(horizon_days=7, sample_size=0, as_of_date=dt.date(2099, 1, 1))
    ReliabilityBinFactory(horizon_days=1, sample_size=0)
    gate = _stage_a()
    check = _check(gate, "reliability_non_empty_horizons")
    assert (check["passed"], check["actual"], check["threshold"]) == (False, 0, ">= 1")
    assert gate["passed"] is False


def test_bins_are_reported_per_horizon_from_their_latest_date() -> None:
    ReliabilityBinFactory(horizon_days=7, bin_index=0, sample_size=12, as_of_date=dt.date(2026, 2, 27))
    ReliabilityBinFactory(horizon_days=7, bin_index=1, sample_size=0, as_of_date=dt.date(2026, 2, 27))
    ReliabilityBinFactory(horizon_days=7, bin_index=0, sample_size=40, as_of_date=dt.date(2026, 2, 20))
    bins = rollout_status(window_hours=24, now=NOW)["metrics"]["reliability_bins"]
    assert bins["non_empty_horizon_count"] == 1
    assert bins["horizons"]["7"] == {
        "as_of_date": "2026-02-27",
        "bin_count": 2,
        "non_empty_bin_count": 1,
        "total_samples": 12,
        "non_empty": True,
    }
    assert bins["horizons"]["1"]["as_of_date"] is None
    assert bins["horizons"]["30"]["non_empty"] is False
