"""The real process: `kill -9` mid-run then a re-run ends exactly like one clean run; SIGTERM
stops cleanly with an interrupted report.

The command runs as a subprocess (`manage.py backfill_signal_contract`) over the test
database, so these tests need committed rows (`transaction=True`).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.live_server import REPO_ROOT, database_url, subprocess_env
from tests.rollout.test_backfill_support import bulk_rows, read_report, restore_v2_state, v2_state

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 600
BATCH = "50"


def _command(tmp_path: Path, name: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "backfill_signal_contract",
        "--days",
        "180",
        "--batch-size",
        BATCH,
        "--checkpoint-file",
        str(tmp_path / f"{name}.checkpoint.json"),
        "--report-path",
        str(tmp_path / f"{name}.md"),
        *extra,
    ]


def _env() -> dict[str, str]:
    return subprocess_env(DATABASE_URL=database_url(connection.settings_dict))


def _run(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(tmp_path, name), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=120
    )


def _checkpoint(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # not written yet
        return None


def _start_and_signal(tmp_path: Path, name: str, signum: int, *, after_id: int) -> subprocess.Popen[str]:
    """Start the command and send `signum` once its checkpoint has moved past `after_id`."""
    process = subprocess.Popen(
        _command(tmp_path, name),
        cwd=REPO_ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    checkpoint_path = tmp_path / f"{name}.checkpoint.json"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            state = _checkpoint(checkpoint_path)
            if state and state["last_processed_id"] > after_id:
                process.send_signal(signum)
                break
            time.sleep(0.002)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process


def test_a_kill_9_mid_run_and_a_rerun_end_like_one_clean_run(tmp_path: Path) -> None:
    expected = bulk_rows(ROWS)
    original = v2_state()
    first_id = min(original)

    killed = _start_and_signal(tmp_path, "killed", signal.SIGKILL, after_id=first_id + 100)
    assert killed.returncode == -signal.SIGKILL
    state = _checkpoint(tmp_path / "killed.checkpoint.json")
    assert state is not None and state["status"] == "running"
    assert 0 < state["counts"]["scanned"] < ROWS
    assert not (tmp_path / "killed.md").exists()  # a killed process writes no report

    resumed = _run(tmp_path, "killed")
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming from" in resumed.stdout
    after_resume = v2_state()
    resumed_report = read_report(tmp_path / "killed.md")

    restore_v2_state(original)
    assert v2_state() == original
    clean = _run(tmp_path, "clean")
    assert clean.returncode == 0, clean.stderr
    clean_report = read_report(tmp_path / "clean.md")

    assert after_resume == v2_state()
    assert resumed_report["summary"] == clean_report["summary"]
    assert resumed_report["spot_check"] == clean_report["spot_check"]
    assert resumed_report["skipped"] == clean_report["skipped"]
    assert resumed_report["resumes"] == 1
    for key, value in expected.items():
        assert clean_report["summary"][key] == value, key


def test_sigterm_stops_at_a_safe_point_with_an_interrupted_report(tmp_path: Path) -> None:
    expected = bulk_rows(ROWS // 2)
    first_id = min(v2_state())

    stopped = _start_and_signal(tmp_path, "run", signal.SIGTERM, after_id=first_id + 50)

    assert stopped.returncode == 143
    markdown = (tmp_path / "run.md").read_text(encoding="utf-8")
    assert "- Interrupted: yes (SIGTERM); re-run the same command to resume" in markdown
    interrupted = read_report(tmp_path / "run.md")
    assert 0 < interrupted["summary"]["scanned"] < ROWS // 2
    state = _checkpoint(tmp_path / "run.checkpoint.json")
    assert state["pending"] is None  # it stopped between rows, not inside a write

    finished = _run(tmp_path, "run")

    assert finished.returncode == 0, finished.stderr
    report = read_report(tmp_path / "run.md")
    assert report["interrupted"] is False
    for key, value in expected.items():
        assert report["summary"][key] == value, key
