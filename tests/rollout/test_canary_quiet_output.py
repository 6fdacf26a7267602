"""`manage.py rollout_canary` prints its results and nothing of the HTTP client's INFO logging."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from accounts.roles import Role
from tests.rollout.canary_helpers import issue_token, run_canary, summary

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_logs_no_http_request_lines_between_its_results(
    server_url: str, make_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    token = issue_token(make_user(Role.PM, username="quietcanary"))
    caplog.set_level(logging.INFO)  # what the server's LOG_LEVEL default lets through
    code, output = run_canary("--base-url", server_url, "--stage", "preflight", "--token", token)
    assert code == 0, output
    assert summary(output) == (4, 4)
    # httpx logs "HTTP Request: GET ..." at INFO for every call the checks make.
    assert [r.getMessage() for r in caplog.records if r.name.startswith(("httpx", "httpcore"))] == []
    # ...and only while the command runs: the level is handed back afterwards.
    assert logging.getLogger("httpx").level == logging.NOTSET
