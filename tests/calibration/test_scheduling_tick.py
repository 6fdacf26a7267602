"""The scheduler tick: off unless enabled, each due schedule started once, failures recorded.

Runs go through the real Celery task in eager mode and the real `run_analysis` on the demo
provider; only catalysts are kept out of the way (their own tests are next door).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from analysis.models import Analysis, RunKind
from analysis.providers import get_provider
from calibration.models import MacroCatalystEvent, Schedule, ScheduleRun
from calibration.schedules import scheduler as scheduling
from calibration.schedules.scheduler import (
    SCHEDULER_OFF_ERROR,
    execute_schedule_run,
    start_schedule_run,
)
from calibration.tasks import run_schedule_task, scheduler_tick_task, tick
from rollout.models import FeatureFlag
from tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db

UNEXPECTED_TEXT = "password=hunter2 at /srv/secret/path"


@pytest.fixture(autouse=True)
def scheduler_on(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SCHEDULER_ENABLED = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MARKET_DATA_PROVIDER = "demo"
    # No catalysts in these tests: no macro events, no earnings dates.
    MacroCatalystEvent.objects.all().delete()
    monkeypatch.setattr(get_provider(), "earnings_dates", lambda ticker, *, start, end: [])


@pytest.fixture
def ticked(django_capture_on_commit_callbacks: Any) -> Callable[..., scheduling.TickSummary]:
    """A tick whose after-commit enqueues run (eagerly) before it returns."""

    def run(now: dt.datetime | None = None) -> scheduling.TickSummary:
        with django_capture_on_commit_callbacks(execute=True):
            return tick(now=now or timezone.now())

    return run


def test_a_disabled_scheduler_starts_nothing(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.SCHEDULER_ENABLED = False
    schedule = ScheduleFactory(ticker="AAPL", next_run_at=None)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = scheduler_tick_task.delay().get()

    assert result["enabled"] is False
    assert "SCHEDULER_ENABLED is off" in result["detail"]
    assert callbacks == []
    assert ScheduleRun.objects.count() == 0
    schedule.refresh_from_db()
    assert schedule.next_run_at is None


def test_a_due_schedule_is_advanced_first_then_run_once_after_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    schedule = ScheduleFactory(ticker="AAPL", interval_minutes=60, next_run_at=now - dt.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = tick(now=now)

    # Advanced in the transaction that created the run; nothing enqueued before commit.
    assert summary.scheduled_runs == 1
    assert len(callbacks) == 1
    schedule.refresh_from_db()
    assert schedule.next_run_at == now + dt.timedelta(minutes=60)
    run = ScheduleRun.objects.get()
    assert run.run_reason == "scheduled"
    assert run.completed_at is None

    callbacks[0]()  # what commit would do: the task runs (eagerly here)

    run.refresh_from_db()
    assert run.success is True, run.error
    assert run.error is None
    assert run.completed_at is not None
    analysis = run.analysis
    assert analysis is not None
    assert analysis.ticker == "AAPL"
    assert analysis.run_kind == RunKind.SCHEDULED
    assert analysis.agent_results.count() == 7
    assert analysis.outcomes.count() == 3
    schedule.refresh_from_db()
    assert schedule.last_run_at == run.completed_at
    assert schedule.next_run_at == run.completed_at + dt.timedelta(minutes=60)


def test_a_second_tick_in_the_same_minute_starts_nothing(ticked: Callable[..., Any]) -> None:
    now = timezone.now()
    ScheduleFactory(ticker="MSFT", interval_minutes=30, next_run_at=None)

    first = ticked(now)
    second = ticked(now + dt.timedelta(seconds=59))

    assert (first.scheduled_runs, second.scheduled_runs) == (1, 0)
    assert ScheduleRun.objects.count() == 1
    assert Analysis.objects.filter(ticker="MSFT").count() == 1


def test_the_schedule_runs_again_once_its_interval_has_passed(ticked: Callable[..., Any]) -> None:
    now = timezone.now()
    schedule = ScheduleFactory(ticker="MSFT", interval_minutes=30, next_run_at=None)
    ticked(now)
    schedule.refresh_from_db()

    assert ticked(schedule.next_run_at - dt.timedelta(seconds=1)).scheduled_runs == 0
    assert ticked(schedule.next_run_at).scheduled_runs == 1
    assert ScheduleRun.objects.filter(schedule=schedule, success=True).count() == 2


def test_disabled_and_not_yet_due_schedules_never_run(ticked: Callable[..., Any]) -> None:
    now = timezone.now()
    disabled = ScheduleFactory(ticker="AAPL", enabled=False, next_run_at=None)
    later = ScheduleFactory(ticker="MSFT", next_run_at=now + dt.timedelta(minutes=5))

    summary = ticked(now)

    assert summary.enabled is True
    assert summary.scheduled_runs == 0
    assert ScheduleRun.objects.count() == 0
    disabled.refresh_from_db()
    later.refresh_from_db()
    assert disabled.next_run_at is None
    assert later.next_run_at == now + dt.timedelta(minutes=5)


def test_an_interval_outside_30_to_10080_minutes_is_held_to_the_bounds(
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    short = ScheduleFactory(ticker="AAPL", interval_minutes=1, next_run_at=None)
    long = ScheduleFactory(ticker="MSFT", interval_minutes=99999, next_run_at=None)

    with django_capture_on_commit_callbacks(execute=False):
        tick(now=now)

    short.refresh_from_db()
    long.refresh_from_db()
    assert short.next_run_at == now + dt.timedelta(minutes=30)
    assert long.next_run_at == now + dt.timedelta(minutes=10080)


def test_a_failing_analysis_is_recorded_and_the_tick_survives(ticked: Callable[..., Any]) -> None:
    bad = ScheduleFactory(ticker="AAPL", agents="news,astrology", next_run_at=None)
    good = ScheduleFactory(ticker="MSFT", agents="technical", next_run_at=None)

    summary = ticked()

    assert summary.scheduled_runs == 2
    failed = ScheduleRun.objects.get(schedule=bad)
    assert failed.success is False
    assert failed.completed_at is not None
    assert failed.analysis is None
    assert failed.error is not None
    assert "astrology" in failed.error  # the unknown agent is named
    ok = ScheduleRun.objects.get(schedule=good)
    assert ok.success is True
    assert ok.analysis.agent_results.count() == 1
    bad.refresh_from_db()
    assert bad.last_run_at == failed.completed_at  # a failed run still counts as the schedule's run


def test_an_unexpected_error_records_only_its_class_name(
    ticked: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(**kwargs: Any) -> None:
        raise RuntimeError(UNEXPECTED_TEXT)

    monkeypatch.setattr(scheduling, "run_analysis", explode)
    ScheduleFactory(ticker="AAPL", next_run_at=None)

    ticked()

    run = ScheduleRun.objects.get()
    assert run.success is False
    assert run.error == "Unexpected error (RuntimeError); see the worker log."
    assert "hunter2" not in run.error


def test_a_redelivered_task_leaves_a_completed_run_alone(ticked: Callable[..., Any]) -> None:
    ScheduleFactory(ticker="AAPL", next_run_at=None)
    ticked()
    run = ScheduleRun.objects.get()
    completed_at = run.completed_at

    result = run_schedule_task.delay(run.pk).get()  # what a late-ack redelivery does

    assert result == {"run_id": run.pk, "success": True, "analysis_id": run.analysis_id}
    run.refresh_from_db()
    assert run.completed_at == completed_at
    assert Analysis.objects.count() == 1


def test_a_scheduled_run_uses_the_scheduled_flag_overrides(ticked: Callable[..., Any]) -> None:
    FeatureFlag.objects.update_or_create(name="SIGNAL_CONTRACT_V2_ENABLED", defaults={"override": False})
    FeatureFlag.objects.update_or_create(
        name="SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED", defaults={"override": True}
    )
    ScheduleFactory(ticker="AAPL", next_run_at=None)

    ticked()

    analysis = ScheduleRun.objects.get().analysis
    assert analysis.run_kind == RunKind.SCHEDULED
    assert analysis.analysis_schema_version == "v2"
    assert analysis.signal_contract_v2 is not None


def test_a_worker_with_the_scheduler_off_closes_the_run_without_running_it(settings: Any) -> None:
    schedule = ScheduleFactory(ticker="AAPL", next_run_at=None)
    run = start_schedule_run(schedule=schedule, reason="scheduled")
    settings.SCHEDULER_ENABLED = False

    execute_schedule_run(run_id=run.pk)

    run.refresh_from_db()
    assert (run.success, run.error, run.analysis) == (False, SCHEDULER_OFF_ERROR, None)
    assert Analysis.objects.count() == 0
    schedule.refresh_from_db()
    assert schedule.last_run_at is None


def test_a_broker_failure_closes_the_run_instead_of_leaving_it_pending(
    ticked: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_schedule_task, "delay", broker_down)
    ScheduleFactory(ticker="AAPL", next_run_at=None)

    ticked()

    run = ScheduleRun.objects.get()
    assert run.success is False
    assert run.completed_at is not None
    assert run.error == "The run could not be started (OperationalError)."
    assert Schedule.objects.get().next_run_at is not None
