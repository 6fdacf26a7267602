"""A real ASGI server (uvicorn, as in production) over the test database.

pytest-django's `live_server` is WSGI, under which streams never arrive; this
starts uvicorn as a subprocess pointed at the same test database, so tests
that use it need `transactional_db` for their rows to be visible to it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = "pmresearch.asgi:application"


def database_url(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The test process's environment for a child, minus what only tests may set."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def uvicorn_server(
    settings_dict: dict[str, Any], extra_env: dict[str, str] | None = None, *, app: str = DEFAULT_APP
) -> Iterator[str]:
    """Serve `app` ("module:attribute"; the production entry point unless a test needs its own)."""
    port = free_port()
    env = subprocess_env(DATABASE_URL=database_url(settings_dict), SERVESTATIC_USE_FINDERS="true")
    env.update(extra_env or {})
    command = [
        sys.executable, "-m", "uvicorn", app,
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with code {process.returncode} before serving")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # it answers, even if degraded
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"uvicorn did not answer on {base_url} within {timeout:.0f} s")
