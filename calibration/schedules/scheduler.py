"""The scheduler: which scheduled and catalyst runs are due, starting each once, running them.

The database is the source of truth (admins edit `schedules` in Django admin or the API);
Celery beat only calls `calibration.tasks.tick` every SCHEDULER_TICK_SECONDS, which starts
the runs `start_due_runs` finds due and enqueues each; a worker runs each started run through
`execute_schedule_run`. Nothing runs unless `SCHEDULER_ENABLED` is on.

At most once:
- a due schedule's `next_run_at` is advanced in the same transaction that creates its run,
  with the schedule row locked (`skip_locked`), so two concurrent ticks cannot both start it;
- a catalyst run is started only by whoever inserts its `CatalystRunClaim` row; the unique
  (schedule, reason, event_type, event_date) makes that hold across ticks, processes and a
  crash between ticks;
- `execute_schedule_run` records an outcome only on a run not yet completed, so a task
  redelivered after a late ack does not run or record the analysis twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from analysis.models import Analysis, RunKind
from analysis.providers import get_provider
from calibration.models import (
    CatalystReason,
    CatalystRunClaim,
    MacroCatalystEvent,
    Schedule,
    ScheduleRun,
)
from calibration.schedules.editing import MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES
from core.domain_errors import DomainError
from orchestration.analysis import run_analysis

logger = logging.getLogger(__name__)

EARNINGS = "earnings"
ERROR_MAX_CHARS = 500
SCHEDULER_OFF_ERROR = "SCHEDULER_ENABLED is off where this run was picked up; it was not executed."


# --- Which runs are due -------------------------------------------------------------


def market_today(*, now: dt.datetime) -> dt.date:
    """The New York calendar date at `now`."""
    return timezone.localdate(now, timezone=ZoneInfo(settings.MARKET_TIME_ZONE))


def schedule_interval(schedule: Schedule) -> dt.timedelta:
    """The schedule's interval, held to 30..10080 minutes whatever a row says."""
    minutes = schedule.interval_minutes or 0
    bounded = min(max(minutes, MIN_INTERVAL_MINUTES), MAX_INTERVAL_MINUTES)
    if bounded != minutes:
        logger.warning(
            "Schedule %s has interval_minutes=%s; using %s (allowed %s..%s)",
            schedule.pk,
            minutes,
            bounded,
            MIN_INTERVAL_MINUTES,
            MAX_INTERVAL_MINUTES,
        )
    return dt.timedelta(minutes=bounded)


def _due(now: dt.datetime) -> Q:
    return Q(enabled=True) & (Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))


def due_schedules(*, now: dt.datetime) -> QuerySet[Schedule]:
    """Enabled schedules whose next_run_at is unset or not after `now`."""
    return Schedule.objects.filter(_due(now)).order_by("next_run_at", "pk")


class CatalystDue(NamedTuple):
    schedule: Schedule
    reason: str
    event_type: str
    event_date: dt.date


def _macro_reasons(event_date: dt.date, today: dt.date, *, pre_days: int, day_enabled: bool) -> list[str]:
    reasons = []
    if event_date - dt.timedelta(days=pre_days) == today:
        reasons.append(CatalystReason.CATALYST_PRE.value)
    if day_enabled and event_date == today:
        reasons.append(CatalystReason.CATALYST_DAY.value)
    return reasons


def catalyst_runs_due(*, now: dt.datetime) -> list[CatalystDue]:
    """The catalyst runs today (New York) calls for, claimed or not.

    Macro events of MACRO_CATALYST_EVENT_TYPES: MACRO_CATALYST_PRE_DAYS before (catalyst_pre)
    and, with MACRO_CATALYST_DAY_ENABLED, the day itself (catalyst_day). Earnings from the
    provider: CATALYST_PRE_DAYS before (catalyst_pre) and CATALYST_POST_DAYS after
    (catalyst_post). An offset of 0 means the event's own day; with a macro offset of 0 and the
    day run on, both runs fall on the event day, each once. A provider that fails for a ticker
    is logged and skipped; it never fails the tick.
    """
    schedules = list(Schedule.objects.filter(enabled=True).order_by("pk"))
    if not schedules:
        return []
    today = market_today(now=now)
    pre_days, post_days = settings.CATALYST_PRE_DAYS, settings.CATALYST_POST_DAYS
    macro_pre_days = settings.MACRO_CATALYST_PRE_DAYS
    macro_day = settings.MACRO_CATALYST_DAY_ENABLED
    macro_events = list(
        MacroCatalystEvent.objects.filter(
            enabled=True,
            event_type__in=settings.MACRO_CATALYST_EVENT_TYPES,
            event_date__in={today, today + dt.timedelta(days=macro_pre_days)},
        ).order_by("event_date", "event_type")
    )
    try:
        provider = get_provider()
    except Exception:
        logger.exception("No market data provider; earnings catalysts skipped this tick")
        provider = None
    due: list[CatalystDue] = []
    for schedule in schedules:
        for event in macro_events:
            reasons = _macro_reasons(event.event_date, today, pre_days=macro_pre_days, day_enabled=macro_day)
            for reason in reasons:
                due.append(CatalystDue(schedule, reason, event.event_type, event.event_date))
        if provider is None:
            continue
        try:
            earnings = provider.earnings_dates(
                schedule.ticker,
                start=today - dt.timedelta(days=post_days),
                end=today + dt.timedelta(days=pre_days),
            )
        except Exception as exc:
            logger.warning(
                "Earnings dates unavailable for %s (%s); earnings catalysts skipped this tick",
                schedule.ticker,
                type(exc).__name__,
            )
            continue
        for day in sorted(set(earnings)):
            if day - dt.timedelta(days=pre_days) == today:
                due.append(CatalystDue(schedule, CatalystReason.CATALYST_PRE.value, EARNINGS, day))
            if day + dt.timedelta(days=post_days) == today:
                due.append(CatalystDue(schedule, CatalystReason.CATALYST_POST.value, EARNINGS, day))
    return due


# --- Starting runs --------------------------------------------------------------------


def claim_catalyst_run(
    *, schedule: Schedule, reason: str, event_type: str, event_date: dt.date, run_date: dt.date
) -> CatalystRunClaim | None:
    """Insert the claim row, or None when this (schedule, reason, event, date) is already claimed."""
    try:
        with transaction.atomic():  # a savepoint: a refused insert leaves any outer transaction usable
            return CatalystRunClaim.objects.create(
                schedule=schedule,
                reason=reason,
                event_type=event_type,
                event_date=event_date,
                run_date=run_date,
            )
    except IntegrityError:
        return None


def start_schedule_run(
    *,
    schedule: Schedule,
    reason: str,
    catalyst_event_type: str | None = None,
    catalyst_event_date: dt.date | None = None,
) -> ScheduleRun:
    """A pending run row; the caller enqueues it after commit (`calibration.tasks.enqueue_schedule_run`)."""
    return ScheduleRun.objects.create(
        schedule=schedule,
        started_at=timezone.now(),
        run_reason=reason,
        catalyst_event_type=catalyst_event_type,
        catalyst_event_date=catalyst_event_date,
    )


def close_unstarted_run(*, run_id: int, error: str) -> None:
    """Close a run no worker will pick up as failed, never leaving it pending.

    A catalyst run's claim is released too, so a later tick can try that catalyst again.
    """
    with transaction.atomic():
        closed = ScheduleRun.objects.filter(pk=run_id, completed_at__isnull=True).update(
            completed_at=timezone.now(), success=False, error=error
        )
        if closed:
            CatalystRunClaim.objects.filter(run_id=run_id).delete()


@dataclass(frozen=True)
class TickSummary:
    enabled: bool
    scheduled_runs: int = 0
    catalyst_runs: int = 0
    catalyst_already_claimed: int = 0
    detail: str = ""


DISABLED_TICK = TickSummary(enabled=False, detail="SCHEDULER_ENABLED is off; nothing was started.")


class StartedRun(NamedTuple):
    """One due run as the tick met it: started (`run_id`), or a catalyst claimed before (None)."""

    run_id: int | None
    catalyst: bool


def start_due_runs(*, now: dt.datetime) -> Iterator[StartedRun]:
    """Start every due schedule and every unclaimed catalyst run, yielding each once its
    transaction has committed; the caller hands each to a worker (`calibration.tasks.tick`)."""
    for pk in due_schedules(now=now).values_list("pk", flat=True):
        run_id = _start_if_due(schedule_id=pk, now=now)
        if run_id is not None:
            yield StartedRun(run_id, catalyst=False)
    today = market_today(now=now)
    for item in catalyst_runs_due(now=now):
        yield StartedRun(_start_catalyst(item, run_date=today), catalyst=True)


def tick_summary(started: Iterable[StartedRun]) -> TickSummary:
    """What a tick started, logged when it started anything."""
    runs = list(started)
    scheduled = sum(1 for run in runs if not run.catalyst)
    catalyst = sum(1 for run in runs if run.catalyst and run.run_id is not None)
    summary = TickSummary(
        enabled=True,
        scheduled_runs=scheduled,
        catalyst_runs=catalyst,
        catalyst_already_claimed=sum(1 for run in runs if run.catalyst and run.run_id is None),
        detail=f"Started {scheduled} scheduled and {catalyst} catalyst run(s).",
    )
    if scheduled or catalyst:
        logger.info("scheduler_tick %s", summary.detail)
    return summary


def _start_if_due(*, schedule_id: int, now: dt.datetime) -> int | None:
    with transaction.atomic():
        # Locked and re-checked: a concurrent tick holding this row, or one that already
        # advanced next_run_at, makes this one start nothing.
        schedule = (
            Schedule.objects.select_for_update(skip_locked=True).filter(_due(now), pk=schedule_id).first()
        )
        if schedule is None:
            return None
        schedule.next_run_at = now + schedule_interval(schedule)
        schedule.save(update_fields=["next_run_at", "updated_at"])
        run = start_schedule_run(schedule=schedule, reason=CatalystReason.SCHEDULED.value)
    return run.pk


def _start_catalyst(item: CatalystDue, *, run_date: dt.date) -> int | None:
    with transaction.atomic():
        claim = claim_catalyst_run(
            schedule=item.schedule,
            reason=item.reason,
            event_type=item.event_type,
            event_date=item.event_date,
            run_date=run_date,
        )
        if claim is None:
            return None
        run = start_schedule_run(
            schedule=item.schedule,
            reason=item.reason,
            catalyst_event_type=item.event_type,
            catalyst_event_date=item.event_date,
        )
        claim.run = run
        claim.save(update_fields=["run"])
    return run.pk


# --- Running one ----------------------------------------------------------------------


def execute_schedule_run(*, run_id: int) -> ScheduleRun | None:
    """Run the analysis of one started run and record its outcome; a completed run is left alone.

    The analysis itself runs outside any transaction (it can take seconds, and on SQLite a
    transaction locks the whole file); the outcome is recorded under the run's row lock and
    only if no other delivery of the same task recorded one first.
    """
    run = ScheduleRun.objects.select_related("schedule").filter(pk=run_id).first()
    if run is None:
        logger.warning("Schedule run %s does not exist; nothing to do", run_id)
        return None
    if run.completed_at is not None:
        return run
    if not settings.SCHEDULER_ENABLED:
        # A worker whose environment has the scheduler off runs nothing heavy, even if queued.
        return _record_outcome(run_id=run_id, analysis=None, error=SCHEDULER_OFF_ERROR, ran=False)
    schedule = run.schedule
    analysis: Analysis | None = None
    error: str | None = None
    try:
        analysis = run_analysis(
            ticker=schedule.ticker, agents=schedule.agents or None, run_kind=RunKind.SCHEDULED
        )
    except DomainError as exc:
        error = exc.detail[:ERROR_MAX_CHARS]
    except Exception as exc:
        logger.exception("Scheduled analysis of %s failed (run %s)", schedule.ticker, run_id)
        error = f"Unexpected error ({type(exc).__name__}); see the worker log."
    return _record_outcome(run_id=run_id, analysis=analysis, error=error)


def _record_outcome(
    *, run_id: int, analysis: Analysis | None, error: str | None, ran: bool = True
) -> ScheduleRun | None:
    with transaction.atomic():
        run = ScheduleRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return None
        if run.completed_at is not None:
            logger.warning("Schedule run %s was completed by another delivery; outcome kept", run_id)
            return run
        now = timezone.now()
        run.completed_at = now
        run.success = error is None
        run.analysis = analysis
        run.error = error
        run.save(update_fields=["completed_at", "success", "analysis", "error"])
        if ran:
            # Every run that ran is the schedule's last run (as the earlier system recorded it);
            # only an interval run moves the regular cadence, a catalyst run leaves it alone.
            schedule = Schedule.objects.select_for_update().get(pk=run.schedule_id)
            schedule.last_run_at = now
            fields = ["last_run_at", "updated_at"]
            if run.run_reason in (None, CatalystReason.SCHEDULED):
                schedule.next_run_at = now + schedule_interval(schedule)
                fields.append("next_run_at")
            schedule.save(update_fields=fields)
    return run
