"""A real Celery worker process runs a scheduled analysis end to end.

The tick runs here, as beat would run it; the run it starts is enqueued after commit and a
worker subprocess (`celery -A pmresearch worker --pool solo`) picks it up, runs the analysis
on the demo provider and records it in the test database. On the embedded shape the broker
is kombu's filesystem transport in a private folder (the enqueue is pointed at it); in CI's
services pass REDIS_URL is set and both sides use the project's own Redis configuration.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from analysis.models import RunKind
from analysis.providers import get_provider
from calibration.models import MacroCatalystEvent, ScheduleRun
from calibration.tasks import run_schedule_task, tick
from tests.factories import ScheduleFactory
from tests.live_server import REPO_ROOT, database_url, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 60


@pytest.fixture
def worker_var_dir(tmp_path: Path) -> Iterator[Path]:
    command = [
        sys.executable, "-m", "celery", "-A", "pmresearch", "worker",
        "--pool", "solo", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = subprocess_env(
        PMRESEARCH_VAR_DIR=str(tmp_path),
        DATABASE_URL=database_url(connection.settings_dict),
        SCHEDULER_ENABLED="true",
        MARKET_DATA_PROVIDER="demo",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    worker = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    try:
        yield tmp_path
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)


def _filesystem_sender(var_dir: Path) -> Celery:
    """A producer on the worker's private filesystem queue."""
    queue = str(var_dir / "celery" / "queue")
    for folder in ("queue", "results", "control"):  # the worker may not have made them yet
        (var_dir / "celery" / folder).mkdir(parents=True, exist_ok=True)
    return Celery(
        broker="filesystem://",
        backend=f"file://{var_dir / 'celery' / 'results'}",
        broker_transport_options={
            "data_folder_in": queue,
            "data_folder_out": queue,
            # Not kombu's default ./control: nothing of the broker's is written beside the code.
            "control_folder": str(var_dir / "celery" / "control"),
        },
        # Not the current app: shared tasks would bind to it for the rest of the session.
        set_as_current=False,
    )


def _wait_until_completed(run_id: int) -> ScheduleRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run = ScheduleRun.objects.get(pk=run_id)
        if run.completed_at is not None:
            return run
        time.sleep(0.25)
    raise AssertionError(f"schedule run {run_id} did not complete within {WAIT_SECONDS} s")


def test_a_worker_runs_a_scheduled_analysis_end_to_end(
    worker_var_dir: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SCHEDULER_ENABLED = True
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MARKET_DATA_PROVIDER = "demo"
    # Only the regular run: no macro events, no earnings dates.
    MacroCatalystEvent.objects.all().delete()
    monkeypatch.setattr(get_provider(), "earnings_dates", lambda ticker, *, start, end: [])
    if not settings.REDIS_URL:
        sender = _filesystem_sender(worker_var_dir)
        monkeypatch.setattr(
            run_schedule_task,
            "delay",
            lambda run_id: sender.send_task("calibration.run_schedule", args=[run_id]),
        )
    now = timezone.now()
    schedule = ScheduleFactory(ticker="AAPL", interval_minutes=120, next_run_at=now - dt.timedelta(minutes=1))

    summary = tick(now=now)  # commits, then enqueues

    assert (summary.scheduled_runs, summary.catalyst_runs) == (1, 0)
    run = _wait_until_completed(ScheduleRun.objects.get(schedule=schedule).pk)
    assert run.success is True, run.error
    analysis = run.analysis
    assert analysis is not None
    assert analysis.ticker == "AAPL"
    assert analysis.run_kind == RunKind.SCHEDULED
    assert analysis.agent_results.count() == 7
    assert analysis.outcomes.count() == 3
    schedule.refresh_from_db()
    assert schedule.last_run_at == run.completed_at
    assert schedule.next_run_at == run.completed_at + dt.timedelta(minutes=120)
    assert tick(now=now + dt.timedelta(seconds=30)).scheduled_runs == 0
