"""A real Celery worker process runs a beat task on the configured broker.

On the embedded shape that is kombu's filesystem broker (no server at all); in
CI's services pass, REDIS_URL points both sides at Redis.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from tests.live_server import REPO_ROOT, database_url, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_var_dir(tmp_path: Path) -> Iterator[Path]:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pmresearch",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "WARNING",
    ]
    env = subprocess_env(
        PMRESEARCH_VAR_DIR=str(tmp_path), DATABASE_URL=database_url(connection.settings_dict)
    )
    worker = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    try:
        yield tmp_path
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def _sender(var_dir: Path) -> Celery:
    if settings.REDIS_URL:
        return Celery(broker=settings.REDIS_URL, backend=settings.REDIS_URL, set_as_current=False)
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


def test_a_worker_runs_the_token_purge(worker_var_dir: Path, viewer: Any) -> None:
    expired, _ = AuthToken.objects.create(user=viewer, expiry=dt.timedelta(days=1))
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - dt.timedelta(minutes=1))
    AuthToken.objects.create(user=viewer, expiry=dt.timedelta(days=1))

    result = _sender(worker_var_dir).send_task("accounts.purge_expired_api_tokens")
    assert result.get(timeout=60) == 1
    assert AuthToken.objects.filter(user=viewer).count() == 1
