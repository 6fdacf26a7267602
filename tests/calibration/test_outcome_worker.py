"""A real Celery worker evaluates outcomes; a second run writes nothing new.

The same worker fixture as the scheduled-run test: kombu's filesystem broker on the
embedded shape, the project's Redis configuration in CI's services pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from calibration.models import AnalysisOutcome, CalibrationSnapshot
from orchestration.analysis import run_analysis
from pmresearch.celery import app as project_app
from tests.calibration.test_scheduling_worker import _filesystem_sender, worker_var_dir  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _sender(settings: Any, var_dir: Path) -> Celery:
    return project_app if settings.REDIS_URL else _filesystem_sender(var_dir)


def test_a_worker_evaluates_due_outcomes_once(worker_var_dir: Path, settings: Any) -> None:  # noqa: F811
    settings.MARKET_DATA_PROVIDER = "demo"
    analysis = run_analysis(ticker="AAPL", as_of="2025-06-13")
    sender = _sender(settings, worker_var_dir)

    first = sender.send_task("calibration.evaluate_outcomes").get(timeout=90)
    assert first["evaluated"] == 3
    outcomes = list(AnalysisOutcome.objects.filter(analysis=analysis).order_by("horizon_days").values())
    assert [o["status"] for o in outcomes] == ["complete"] * 3
    snapshots = CalibrationSnapshot.objects.count()

    second = sender.send_task("calibration.evaluate_outcomes").get(timeout=90)
    assert second["evaluated"] == 0
    assert (
        list(AnalysisOutcome.objects.filter(analysis=analysis).order_by("horizon_days").values()) == outcomes
    )
    assert CalibrationSnapshot.objects.count() == snapshots
