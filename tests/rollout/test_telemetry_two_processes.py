"""Counted reads are exact across web processes, although each process counts in memory."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role
from rollout.models import ApiReadCounter
from tests.live_server import uvicorn_server
from tests.rollout.gate_rows import make_analysis, valid_contract

pytestmark = pytest.mark.django_db(transaction=True)

LATEST = "/api/analysis/TWOP/latest"


def _read(base_url: str, token: str, *, legacy: int, declared: int) -> None:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Token {token}"}, timeout=60) as client:
        for _ in range(legacy):
            assert client.get(LATEST).status_code == 200
        for _ in range(declared):
            assert client.get(LATEST, headers={"X-Signal-Contract": "v2"}).status_code == 200


def test_it_counts_every_read_of_two_servers_exactly(make_user: Any) -> None:
    make_analysis(ticker="TWOP", run_kind="interactive", contract=valid_contract(), at=timezone.now())
    token = AuthToken.objects.create(user=make_user(Role.VIEWER, username="two-processes"))[1]
    settings_dict = dict(connection.settings_dict)
    # A long interval: what reaches the database is written by the shutdown flush.
    quiet_timer = {"TELEMETRY_FLUSH_SECONDS": "3600"}
    with (
        uvicorn_server(settings_dict, quiet_timer) as first,
        uvicorn_server(settings_dict, quiet_timer) as second,
    ):
        _read(first, token, legacy=7, declared=3)
        _read(second, token, legacy=5, declared=4)
        _read(first, token, legacy=2, declared=0)
    # Both servers stopped gracefully (SIGTERM); each wrote only what it had counted.
    counts = {(row.route, row.client_kind): row.count for row in ApiReadCounter.objects.all()}
    assert counts == {
        ("api-analysis-latest", "legacy_only"): 14,
        ("api-analysis-latest", "v2_declared"): 7,
    }


def test_it_writes_batches_on_its_timer(make_user: Any) -> None:
    make_analysis(ticker="TWOP", run_kind="interactive", contract=valid_contract(), at=timezone.now())
    token = AuthToken.objects.create(user=make_user(Role.VIEWER, username="timer"))[1]
    with uvicorn_server(dict(connection.settings_dict), {"TELEMETRY_FLUSH_SECONDS": "0.2"}) as url:
        _read(url, token, legacy=3, declared=0)
        # Still serving: the rows come from the timer, not from shutdown.
        deadline = timezone.now() + timezone.timedelta(seconds=20)
        total = 0
        while timezone.now() < deadline:
            total = sum(ApiReadCounter.objects.values_list("count", flat=True))
            if total >= 3:
                break
        assert total == 3
