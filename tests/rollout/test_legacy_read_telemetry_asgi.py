"""The telemetry middleware on the async path: uvicorn (ASGI), as in production."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role
from rollout.models import ApiReadCounter
from tests.rollout.gate_rows import make_analysis, valid_contract

pytestmark = pytest.mark.django_db(transaction=True)


def test_reads_through_uvicorn_are_counted_including_the_stream(server_url: str, make_user: Any) -> None:
    make_analysis(ticker="TLMY", run_kind="interactive", contract=valid_contract(), at=timezone.now())
    token = AuthToken.objects.create(user=make_user(Role.PM, username="telemetry"))[1]
    auth = {"Authorization": f"Token {token}"}
    with httpx.Client(base_url=server_url, headers=auth, timeout=60) as client:
        assert client.get("/api/analysis/TLMY/latest", headers={"X-Signal-Contract": "v2"}).status_code == 200
        assert client.get("/api/analysis/TLMY/latest").status_code == 200
        with client.stream(
            "GET", "/api/analyze/TLMY/stream?agents=market&as_of=2025-06-13&schema=v2"
        ) as response:
            assert response.status_code == 200
            assert any(line.startswith("event: result") for line in response.iter_lines())
        # The server counts in memory; its own status read writes its batch before summing.
        status = client.get("/api/rollout/phase7/status").json()
    assert status["legacy_reads"]["total_reads"] == 3
    counts = {(row.route, row.client_kind): row.count for row in ApiReadCounter.objects.all()}
    assert counts == {
        ("api-analysis-latest", "v2_declared"): 1,
        ("api-analysis-latest", "legacy_only"): 1,
        ("api-analyze-stream", "v2_declared"): 1,
    }
