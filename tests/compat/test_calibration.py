"""Schedules, macro events, calibration evidence and the rollout status, replayed against the recordings.

Each test builds the state its recording needs (through the API, the project's scheduler or the
factories), maps the recorded ids onto ours and replays the request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import RuleType
from calibration.models import CatalystReason, MacroCatalystEvent, Schedule, ScheduleRun
from calibration.schedules.scheduler import claim_catalyst_run, execute_schedule_run, start_schedule_run
from calibration.selectors import market_today
from tests.compat.recordings import load
from tests.compat.replay import replay, set_flags
from tests.factories import (
    AlertRuleFactory,
    AnalysisFactory,
    AnalysisOutcomeFactory,
    CalibrationSnapshotFactory,
    ReliabilityBinFactory,
    ScheduleFactory,
)

pytestmark = pytest.mark.django_db

# A pending outcome has these null; the recording's three rows share their keys, so the shape
# comparison holds each of ours against its first (completed) row, where they are filled.
PENDING_NULLS = tuple(
    f"outcomes[].{key}"
    for key in (
        "realized_price",
        "realized_return_pct",
        "direction_correct",
        "outcome_up",
        "brier_component",
        "evaluated_at",
        "realized_return_net_pct",
        "max_drawdown_pct",
        "utility_score",
    )
)


@pytest.fixture(autouse=True)
def scheduler_on(settings: Any) -> None:
    # Runs are made by the project's own scheduler functions, in process.
    settings.SCHEDULER_ENABLED = True
    settings.CELERY_TASK_ALWAYS_EAGER = True


def shipped_aapl_schedule() -> Schedule:
    """The shipped database's schedule 1: AAPL every 60 minutes, all agents, made long ago."""
    return ScheduleFactory(
        ticker="AAPL", interval_minutes=60, created_at=timezone.now() - dt.timedelta(days=290)
    )


def create_nvda(api: APIClient) -> int:
    """The recording's create (its later reads show the interval the PUT set)."""
    response = api.post(
        "/api/schedules",
        {"ticker": "nvda", "interval_minutes": 240, "agents": "market,technical"},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["id"]


def interval_run(schedule_id: int) -> ScheduleRun:
    """One interval run, as the scheduler's worker runs it."""
    run = start_schedule_run(schedule=Schedule.objects.get(pk=schedule_id), reason=CatalystReason.SCHEDULED)
    return execute_schedule_run(run_id=run.pk)


def catalyst_run(schedule: Schedule) -> ScheduleRun:
    """The day-before-NFP run (the earlier `catalyst_pre`), claimed and run as the scheduler does."""
    event_date = market_today() + dt.timedelta(days=2)
    claim = claim_catalyst_run(
        schedule=schedule,
        reason=CatalystReason.CATALYST_PRE,
        event_type="nfp",
        event_date=event_date,
        run_date=market_today(),
    )
    assert claim is not None
    run = start_schedule_run(
        schedule=schedule,
        reason=CatalystReason.CATALYST_PRE,
        catalyst_event_type="nfp",
        catalyst_event_date=event_date,
    )
    return execute_schedule_run(run_id=run.pk)


# --- schedules ----------------------------------------------------------------------------


def test_list(api: APIClient) -> None:
    shipped_aapl_schedule()
    body = replay(api, "GET__api_schedules")
    assert body["total_count"] == len(body["schedules"]) == 1
    assert body["schedules"][0]["ticker"] == "AAPL"


def test_create(api: APIClient) -> None:
    body = replay(api, "POST__api_schedules")
    assert (body["ticker"], body["interval_minutes"], body["agents"]) == ("NVDA", 120, "market,technical")
    assert body["enabled"] is True
    assert body["last_run_at"] is None


def test_create_duplicate(api: APIClient) -> None:
    shipped_aapl_schedule()
    body = replay(api, "POST__api_schedules_duplicate")
    assert "AAPL" in body["detail"]
    assert Schedule.objects.count() == 1


def test_create_interval_too_small(api: APIClient) -> None:
    body = replay(api, "POST__api_schedules_interval_too_small")
    assert "interval_minutes" in body["detail"]
    assert not Schedule.objects.exists()


def test_create_invalid_ticker(api: APIClient) -> None:
    replay(api, "POST__api_schedules_invalid_ticker")
    assert not Schedule.objects.exists()


def test_list_after_create_keeps_the_newest_first(api: APIClient) -> None:
    shipped_aapl_schedule()
    create_nvda(api)
    # The recorded AAPL item has `agents: null` too, but its items share their keys, so the
    # comparison holds both of ours against the first (NVDA, with agents).
    body = replay(api, "GET__api_schedules_after_create", allow_null=("schedules[].agents",))
    assert [s["ticker"] for s in body["schedules"]] == ["NVDA", "AAPL"]
    assert body["total_count"] == 2


def test_detail_embeds_no_runs_yet(api: APIClient) -> None:
    schedule = shipped_aapl_schedule()
    body = replay(api, "GET__api_schedules_{schedule_id}", path=f"/api/schedules/{schedule.pk}")
    assert body["runs"] == []


def test_detail_of_a_created_schedule(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    body = replay(api, "GET__api_schedules_{schedule_id}_created", path=f"/api/schedules/{schedule_id}")
    assert (body["id"], body["runs"]) == (schedule_id, [])


def test_detail_after_an_interval_run(api: APIClient) -> None:
    set_flags(load("GET__api_schedules_{schedule_id}_after_scheduled_run").flags)
    schedule_id = create_nvda(api)
    run = interval_run(schedule_id)
    body = replay(
        api, "GET__api_schedules_{schedule_id}_after_scheduled_run", path=f"/api/schedules/{schedule_id}"
    )
    assert [r["id"] for r in body["runs"]] == [run.pk]
    assert body["runs"][0]["run_reason"] == "scheduled"
    assert body["runs"][0]["success"] is True
    assert body["last_run_at"] is not None and body["next_run_at"] is not None


def test_detail_with_a_catalyst_run(api: APIClient) -> None:
    set_flags(load("GET__api_schedules_{schedule_id}_with_runs").flags)
    schedule = shipped_aapl_schedule()
    run = catalyst_run(schedule)
    body = replay(api, "GET__api_schedules_{schedule_id}_with_runs", path=f"/api/schedules/{schedule.pk}")
    assert [r["id"] for r in body["runs"]] == [run.pk]
    assert body["runs"][0]["catalyst_event_type"] == "nfp"
    # A catalyst run is the schedule's last run; it leaves the interval cadence alone.
    assert body["last_run_at"] is not None
    assert body["next_run_at"] is None


def test_detail_not_found(api: APIClient) -> None:
    body = replay(api, "GET__api_schedules_{schedule_id}_not_found")
    assert body["detail"] == "Schedule 9999 not found"


def test_update_returns_the_whole_schedule(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    body = replay(api, "PUT__api_schedules_{schedule_id}", path=f"/api/schedules/{schedule_id}")
    assert (body["interval_minutes"], body["enabled"]) == (240, False)


def test_update_reenables(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    Schedule.objects.filter(pk=schedule_id).update(enabled=False)
    body = replay(api, "PUT__api_schedules_{schedule_id}_reenable", path=f"/api/schedules/{schedule_id}")
    assert body["enabled"] is True


def test_update_with_no_fields(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    body = replay(api, "PUT__api_schedules_{schedule_id}_no_fields", path=f"/api/schedules/{schedule_id}")
    assert body["detail"] == "No fields to update"


def test_update_not_found(api: APIClient) -> None:
    replay(api, "PUT__api_schedules_{schedule_id}_not_found")


def test_delete(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    interval_run(schedule_id)
    body = replay(api, "DELETE__api_schedules_{schedule_id}", path=f"/api/schedules/{schedule_id}")
    assert body["message"] == f"Schedule {schedule_id} deleted"
    assert not ScheduleRun.objects.exists()


def test_delete_twice(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    assert api.delete(f"/api/schedules/{schedule_id}").status_code == 200
    body = replay(
        api, "DELETE__api_schedules_{schedule_id}_already_deleted", path=f"/api/schedules/{schedule_id}"
    )
    assert body["detail"] == f"Schedule {schedule_id} not found"


def test_runs(api: APIClient) -> None:
    set_flags(load("GET__api_schedules_{schedule_id}_runs").flags)
    schedule_id = create_nvda(api)
    run = interval_run(schedule_id)
    body = replay(api, "GET__api_schedules_{schedule_id}_runs", path=f"/api/schedules/{schedule_id}/runs")
    assert (body["schedule_id"], body["total_count"]) == (schedule_id, 1)
    assert body["runs"][0]["analysis_id"] == run.analysis_id


def test_runs_of_a_catalyst_run(api: APIClient) -> None:
    set_flags(load("GET__api_schedules_{schedule_id}_runs_catalyst_run").flags)
    schedule = shipped_aapl_schedule()
    catalyst_run(schedule)
    body = replay(
        api, "GET__api_schedules_{schedule_id}_runs_catalyst_run", path=f"/api/schedules/{schedule.pk}/runs"
    )
    assert body["total_count"] == 1
    # The earlier name, stored and served as the recording has it.
    assert body["runs"][0]["run_reason"] == "catalyst_pre"


def test_runs_empty(api: APIClient) -> None:
    schedule = shipped_aapl_schedule()
    body = replay(
        api, "GET__api_schedules_{schedule_id}_runs_empty", path=f"/api/schedules/{schedule.pk}/runs"
    )
    assert (body["runs"], body["total_count"]) == ([], 0)


def test_runs_bad_limit(api: APIClient) -> None:
    schedule = shipped_aapl_schedule()
    replay(api, "GET__api_schedules_{schedule_id}_runs_bad_limit", path=f"/api/schedules/{schedule.pk}/runs")


def test_runs_of_a_deleted_schedule(api: APIClient) -> None:
    schedule_id = create_nvda(api)
    assert api.delete(f"/api/schedules/{schedule_id}").status_code == 200
    replay(
        api,
        "GET__api_schedules_{schedule_id}_runs_deleted_schedule",
        path=f"/api/schedules/{schedule_id}/runs",
    )


def test_runs_not_found(api: APIClient) -> None:
    replay(api, "GET__api_schedules_{schedule_id}_runs_not_found")


# --- macro events ------------------------------------------------------------------------


def ensure_december_2026_events() -> None:
    for event_type, day, label in (
        ("nfp", 4, "US Nonfarm Payrolls"),
        ("cpi", 10, "US CPI"),
        ("fomc", 16, "FOMC"),
    ):
        MacroCatalystEvent.objects.get_or_create(
            event_type=event_type, event_date=dt.date(2026, 12, day), defaults={"event_label": label}
        )


def test_macro_events_without_a_range_lists_every_event(api: APIClient) -> None:
    ensure_december_2026_events()
    body = replay(api, "GET__api_macro-events")
    dates = [event["event_date"] for event in body["events"]]
    assert body["total_count"] == len(dates) == MacroCatalystEvent.objects.filter(enabled=True).count()
    assert dates == sorted(dates)


def test_macro_events_in_a_range(api: APIClient) -> None:
    ensure_december_2026_events()
    body = replay(api, "GET__api_macro-events_range")
    dates = [event["event_date"] for event in body["events"]]
    assert dates == sorted(dates)
    assert all("2026-12-01" <= day <= "2026-12-31" for day in dates)
    assert {"2026-12-04", "2026-12-10", "2026-12-16"} <= set(dates)
    assert body["total_count"] == len(dates)


# --- calibration summary -----------------------------------------------------------------


def test_summary_before_any_snapshot(api: APIClient) -> None:
    body = replay(api, "GET__api_calibration_summary")
    assert body["horizons"] == {"1d": None, "7d": None, "30d": None}
    assert body["as_of_date"] == market_today().isoformat()


def test_summary_bad_window(api: APIClient) -> None:
    replay(api, "GET__api_calibration_summary_bad_window")


def old_one_day_snapshot() -> None:
    """The shipped 1-day snapshot, 290 days before the recording."""
    CalibrationSnapshotFactory(
        horizon_days=1,
        as_of_date=market_today() - dt.timedelta(days=290),
        sample_size=5,
        directional_accuracy=0.6,
        avg_realized_return_pct=1.0,
        mean_confidence=0.62,
        brier_score=0.21,
    )


def test_summary_with_a_seeded_snapshot(api: APIClient) -> None:
    old_one_day_snapshot()
    CalibrationSnapshotFactory(
        horizon_days=7,
        as_of_date=market_today(),
        sample_size=49,
        directional_accuracy=0.6122,
        avg_realized_return_pct=0.84,
        mean_confidence=0.63,
        brier_score=0.2311,
        mean_net_return_pct=0.69,
        mean_drawdown_pct=2.1,
        utility_mean=-0.36,
    )
    body = replay(api, "GET__api_calibration_summary_seeded_snapshot")
    assert body["horizons"]["1d"] is None  # outside the default 180 days
    assert body["horizons"]["7d"]["sample_size"] == 49
    assert body["horizons"]["30d"] is None


def test_summary_over_365_days(api: APIClient) -> None:
    old_one_day_snapshot()
    body = replay(api, "GET__api_calibration_summary_window_365")
    assert body["window_days"] == 365
    assert body["horizons"]["1d"]["sample_size"] == 5
    assert (body["horizons"]["7d"], body["horizons"]["30d"]) == (None, None)


# --- one ticker ----------------------------------------------------------------------------


def test_ticker_without_outcomes(api: APIClient) -> None:
    body = replay(api, "GET__api_calibration_ticker_{ticker}")
    assert (body["ticker"], body["outcomes"], body["total_count"]) == ("AAPL", [], 0)


def test_ticker_bad_limit(api: APIClient) -> None:
    replay(api, "GET__api_calibration_ticker_{ticker}_bad_limit")


def test_ticker_with_seeded_outcomes(api: APIClient) -> None:
    analysis = AnalysisFactory(ticker="AAPL", recommendation="HOLD")
    common = {
        "analysis": analysis,
        "baseline_price": 274.62,
        "predicted_up_probability": 0.5,
        "confidence": 0.75,
        "transaction_cost_bps": 10.0,
        "slippage_bps": 5.0,
    }
    AnalysisOutcomeFactory(
        **common,
        horizon_days=1,
        status="complete",
        realized_price=276.0,
        realized_return_pct=0.5025,
        direction_correct=True,
        outcome_up=True,
        brier_component=0.25,
        evaluated_at=timezone.now(),
        realized_return_net_pct=0.3525,
        max_drawdown_pct=0.8,
        utility_score=-0.0475,
    )
    AnalysisOutcomeFactory(**common, horizon_days=7)
    AnalysisOutcomeFactory(**common, horizon_days=30)
    body = replay(api, "GET__api_calibration_ticker_{ticker}_seeded_outcomes", allow_null=PENDING_NULLS)
    assert body["total_count"] == 3
    assert [(o["horizon_days"], o["status"]) for o in body["outcomes"]] == [
        (1, "complete"),
        (7, "pending"),
        (30, "pending"),
    ]
    assert {o["recommendation"] for o in body["outcomes"]} == {"HOLD"}


# --- reliability ---------------------------------------------------------------------------


def seed_seven_day_bins() -> None:
    rows = [(0, 0.0), (4, 0.5), (12, 0.5833), (31, 0.6452), (2, 1.0)]
    for index, (size, rate) in enumerate(rows):
        ReliabilityBinFactory(
            horizon_days=7,
            as_of_date=market_today(),
            bin_index=index,
            bin_lower=index * 0.2,
            bin_upper=(index + 1) * 0.2,
            sample_size=size,
            empirical_hit_rate=rate,
        )


def test_reliability_without_bins(api: APIClient) -> None:
    body = replay(api, "GET__api_calibration_reliability")
    assert body == {"horizon_days": 7, "as_of_date": None, "total_samples": 0, "bins": []}


def test_reliability_bad_horizon(api: APIClient) -> None:
    body = replay(api, "GET__api_calibration_reliability_bad_horizon")
    assert body["detail"] == "horizon_days must be 1, 7, or 30"


def test_reliability_of_an_empty_horizon(api: APIClient) -> None:
    seed_seven_day_bins()
    body = replay(api, "GET__api_calibration_reliability_horizon_30_empty")
    assert (body["horizon_days"], body["bins"], body["as_of_date"]) == (30, [], None)


def test_reliability_horizon_out_of_bounds(api: APIClient) -> None:
    replay(api, "GET__api_calibration_reliability_horizon_out_of_bounds")


def test_reliability_with_seeded_bins(api: APIClient) -> None:
    seed_seven_day_bins()
    body = replay(api, "GET__api_calibration_reliability_seeded_bins")
    assert body["total_samples"] == 49
    assert [b["bin_index"] for b in body["bins"]] == [0, 1, 2, 3, 4]
    assert body["as_of_date"] == market_today().isoformat()


# --- rollout status ------------------------------------------------------------------------


def assert_gate_shape(body: dict[str, Any]) -> None:
    assert list(body["gates"]) == ["stage_a", "stage_b", "stage_c", "stage_d"]
    for gate in body["gates"].values():
        for check in gate["checks"]:
            assert isinstance(check["threshold"], str) and check["threshold"][:2] in (">=", "<=", "==")


def test_rollout_status_before_any_activity(api: APIClient) -> None:
    body = replay(api, "GET__api_rollout_phase7_status")
    assert body["window_hours"] == 72
    assert body["metrics"]["scheduled_runs"]["success_rate"] is None
    assert body["metrics"]["all_analyses"]["portfolio_action_v2_coverage_on_v2"] == 0.0
    assert body["gates"]["stage_a"]["passed"] is False
    assert_gate_shape(body)


def test_rollout_status_bad_window(api: APIClient) -> None:
    replay(api, "GET__api_rollout_phase7_status_bad_window")


def test_rollout_status_with_the_flags_off(api: APIClient) -> None:
    body = replay(api, "GET__api_rollout_phase7_status_flags_off")
    recorded = load("GET__api_rollout_phase7_status_flags_off").response_body["feature_flags"]
    assert {name: body["feature_flags"][name] for name in recorded} == dict.fromkeys(recorded, False)


def recorded_activity(api: APIClient, name: str) -> None:
    """Two scheduled runs (an interval run and a catalyst run), interactive analyses and seven rules."""
    set_flags(load(name).flags)
    interval_run(create_nvda(api))
    catalyst_run(shipped_aapl_schedule())
    for ticker in ("RKLB", "HOOD"):
        response = api.post(f"/api/analyze/{ticker}", format="json")
        assert response.status_code == 200, response.content
    for rule_type in (
        RuleType.CONFIDENCE_BELOW,
        RuleType.DATA_QUALITY_BELOW,
        RuleType.EV_ABOVE,
        RuleType.EV_BELOW,
        RuleType.RECOMMENDATION_CHANGE,
        RuleType.REGIME_CHANGE,
        RuleType.SCORE_ABOVE,
    ):
        needs_threshold = rule_type not in (RuleType.RECOMMENDATION_CHANGE, RuleType.REGIME_CHANGE)
        AlertRuleFactory(rule_type=rule_type, threshold=0.5 if needs_threshold else None)


def test_rollout_status_after_runs(api: APIClient) -> None:
    recorded_activity(api, "GET__api_rollout_phase7_status_after_runs")
    body = replay(api, "GET__api_rollout_phase7_status_after_runs")
    metrics = body["metrics"]
    assert (metrics["scheduled_runs"]["total_runs"], metrics["scheduled_runs"]["success_rate"]) == (2, 1.0)
    assert metrics["scheduled_analyses"]["total"] == 2
    assert metrics["all_analyses"]["total"] == 4
    assert metrics["all_analyses"]["schema_v2_count"] == 4
    assert (metrics["alert_rules"]["legacy_count"], metrics["alert_rules"]["v2_count"]) == (3, 4)
    assert metrics["reliability_bins"]["non_empty_horizon_count"] == 0
    assert_gate_shape(body)


def test_rollout_status_over_720_hours_with_seeded_bins(api: APIClient) -> None:
    recorded_activity(api, "GET__api_rollout_phase7_status_window_720_seeded")
    seed_seven_day_bins()
    body = replay(api, "GET__api_rollout_phase7_status_window_720_seeded")
    assert body["window_hours"] == 720
    bins = body["metrics"]["reliability_bins"]
    assert (bins["horizons"]["7"]["bin_count"], bins["non_empty_horizon_count"]) == (5, 1)
    assert body["gates"]["stage_a"]["checks"][2]["passed"] is True
    assert_gate_shape(body)
