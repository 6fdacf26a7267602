"""Celery tasks for calibration: thin interfaces over the services.

Each task loads what it needs and calls one service; the logic lives in the services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analysis.market_data import last_closed_session_day
from calibration.outcomes import evaluate_due_outcomes, refresh_calibration
from calibration.schedules.scheduler import (
    DISABLED_TICK,
    TickSummary,
    close_unstarted_run,
    execute_schedule_run,
    start_due_runs,
    tick_summary,
)

logger = logging.getLogger(__name__)

# --- Scheduled and catalyst analyses (calibration.schedules.scheduler) ---------------------


def tick(*, now: dt.datetime) -> TickSummary:
    """Start every due schedule and every unclaimed catalyst run; each is enqueued after commit."""
    if not settings.SCHEDULER_ENABLED:
        return DISABLED_TICK
    started = []
    for run in start_due_runs(now=now):
        if run.run_id is not None:
            transaction.on_commit(functools.partial(enqueue_schedule_run, run_id=run.run_id))
        started.append(run)
    return tick_summary(started)


def enqueue_schedule_run(*, run_id: int) -> None:
    """Hand the run to a worker. When that fails the run is closed as failed, never left pending."""
    try:
        run_schedule_task.delay(run_id)
    except Exception as exc:
        logger.exception("Could not enqueue schedule run %s", run_id)
        close_unstarted_run(run_id=run_id, error=f"The run could not be started ({type(exc).__name__}).")


@shared_task(name="calibration.scheduler_tick")
def scheduler_tick_task() -> dict[str, Any]:
    """Beat's entry point: start due schedules and catalyst runs (a no-op unless SCHEDULER_ENABLED)."""
    return dataclasses.asdict(tick(now=timezone.now()))


@shared_task(name="calibration.run_schedule", acks_late=True)
def run_schedule_task(run_id: int) -> dict[str, Any] | None:
    """Run one started schedule run; a redelivered task finds it completed and does nothing."""
    run = execute_schedule_run(run_id=run_id)
    if run is None:
        return None
    return {"run_id": run.pk, "success": run.success, "analysis_id": run.analysis_id}


# --- End of the scheduling tasks -----------------------------------------------------------


# --- Outcomes and calibration (calibration.outcomes) ----------------------------------------


@shared_task(name="calibration.evaluate_outcomes", acks_late=True)
def evaluate_outcomes_task() -> dict[str, Any]:
    """Daily after the close: score due outcomes, then rebuild today's snapshot and bins.

    Safe to run twice or to be redelivered: each outcome is evaluated exactly once and the
    day's snapshot and bins are replaced, not added to.
    """
    now = timezone.now()
    summary = evaluate_due_outcomes(as_of=now)
    samples = refresh_calibration(as_of_date=last_closed_session_day(now))
    return {**dataclasses.asdict(summary), "samples": samples}
