"""GET /api/analyze/{ticker}/stream, end to end through uvicorn (ASGI)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from knox.models import AuthToken

from accounts.roles import Role
from analysis.models import Analysis

pytestmark = pytest.mark.django_db(transaction=True)


def _events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events, name = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            events.append((name, json.loads(line.removeprefix("data: "))))
    return events


def _token(make_user: Any, role: Role, username: str) -> str:
    user = make_user(role, username=username)
    return AuthToken.objects.create(user=user)[1]


def test_it_streams_progress_per_agent_then_the_result(server_url: str, make_user: Any) -> None:
    headers = {
        "Authorization": f"Token {_token(make_user, Role.PM, 'streamer')}",
        "Accept": "text/event-stream",
    }
    with httpx.stream(
        "GET", f"{server_url}/api/analyze/aapl/stream?as_of=2025-06-13", headers=headers, timeout=60
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _events(response)
    names = [name for name, _ in events]
    assert names[0] == "progress" and names[-1] == "result"
    progress = [data for name, data in events if name == "progress"]
    started = {d["agent"] for d in progress if d["step"] == "agent_start"}
    finished = {d["agent"] for d in progress if d["step"] == "agent_done"}
    assert (
        started
        == finished
        == {"news", "market", "fundamentals", "technical", "macro", "options", "sentiment"}
    )
    assert all({"stage", "ticker", "progress", "message", "timestamp"} <= d.keys() for d in progress)
    # The earlier stage names lead each event; our own percentage over the run only grows.
    assert progress[0]["stage"] == "starting" and progress[-1]["stage"] == "complete"
    agent_stages = {d["stage"] for d in progress if d["step"] == "agent_start"}
    assert agent_stages >= {"running_market", "analyzing_sentiment"}
    assert [d["percent"] for d in progress] == sorted(d["percent"] for d in progress)
    result = events[-1][1]
    assert result["ticker"] == "AAPL"
    # The same canonical shape as POST /api/analyze and /latest.
    assert Analysis.objects.filter(pk=result["analysis_id"]).exists()
    assert set(result) >= {"success", "analysis_id", "analysis", "agent_results", "analysis_schema_version"}


def test_bad_input_is_a_400_before_any_stream(server_url: str, make_user: Any) -> None:
    headers = {
        "Authorization": f"Token {_token(make_user, Role.PM, 'badinput')}",
        "Accept": "text/event-stream",
    }
    response = httpx.get(f"{server_url}/api/analyze/AAPL/stream?agents=tarot", headers=headers, timeout=30)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"].startswith("Invalid agent names: tarot. Valid: fundamentals, macro")


def test_a_viewer_cannot_start_a_stream(server_url: str, make_user: Any) -> None:
    headers = {"Authorization": f"Token {_token(make_user, Role.VIEWER, 'onlooker')}"}
    response = httpx.get(f"{server_url}/api/analyze/AAPL/stream", headers=headers, timeout=30)
    assert response.status_code == 403
    assert not Analysis.objects.exists()
