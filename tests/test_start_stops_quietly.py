"""`bin/start` stopped with Ctrl+C: every server stops, and nothing prints a traceback.

A watchlist run first starts the engine's worker processes: a SIGINT that reached them (and
Celery's pool) is what printed a KeyboardInterrupt traceback each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.live_server import REPO_ROOT, free_port, subprocess_env

pytestmark = pytest.mark.slow  # migrates a fresh database and starts every server: ~35 s here

START_TIMEOUT_S = 90


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _analyse_the_demo_watchlist(url: str, env: dict[str, str]) -> None:
    token = (
        subprocess.run(
            [sys.executable, "manage.py", "issue_api_token", "admin"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .split()[-1]
    )
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=60) as client:
        watchlist = client.get("/api/watchlists").json()["watchlists"][0]
        # The run starts the engine's worker processes, the ones a stray SIGINT made noisy.
        body = client.post(f"/api/watchlists/{watchlist['id']}/analyze?agents=market,technical").text
    assert "event: done" in body, body


def test_it_stops_on_ctrl_c_without_a_traceback(tmp_path: Path) -> None:
    port = free_port()
    env = subprocess_env(
        PMRESEARCH_VAR_DIR=str(tmp_path),
        PORT=str(port),
        PMRESEARCH_ADMIN_PASSWORD="quiet start password",
        MARKET_DATA_PROVIDER="demo",
    )
    for name in ("DATABASE_URL", "REDIS_URL"):  # the embedded shape, in its own var dir
        env.pop(name, None)
    # Its own session, so the SIGINT below goes to the script's process group as a terminal's
    # Ctrl+C would, and to nothing of this test's.
    start = subprocess.Popen(
        ["bin/start"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _healthy(url):
            assert start.poll() is None, start.communicate()[0]
            assert time.monotonic() < deadline, "bin/start did not serve /health in time"
            time.sleep(0.5)
        _analyse_the_demo_watchlist(url, env)
        time.sleep(1)  # let the Celery worker and beat finish starting too

        os.killpg(start.pid, signal.SIGINT)
        output, _ = start.communicate(timeout=60)
    finally:
        if start.poll() is None:
            os.killpg(start.pid, signal.SIGKILL)
            start.wait()

    assert "Traceback" not in output, output
    assert "KeyboardInterrupt" not in output, output
    assert start.returncode == 0, output
    celery_log = (tmp_path / "log" / "celery.log").read_text(encoding="utf-8")
    assert "Traceback" not in celery_log, celery_log
    assert "Stopped." in output
    assert not _healthy(url), "the web server is still up after Ctrl+C"
