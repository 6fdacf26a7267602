from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

from tests.live_server import subprocess_env

REPO = Path(__file__).resolve().parent.parent


def _check(secret: str) -> subprocess.CompletedProcess[str]:
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE="pmresearch.settings_production",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="pm.example.com",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_the_deploy_check_with_no_warning() -> None:
    result = _check(secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_production_settings_refuse_a_weak_secret() -> None:
    result = _check("short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
