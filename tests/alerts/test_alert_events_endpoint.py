"""GET /api/alerts/events: the live notifications stream is for signed-in users and token
holders only; anyone else gets the JSON refusal, never the stream, whatever they accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from knox.models import AuthToken

from accounts.roles import Role
from alerts import events
from tests.factories import AlertNotificationFactory

URL = "/api/alerts/events"


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["text/event-stream", "application/json", "*/*"])
def test_it_refuses_anonymous_callers_with_json(accept: str) -> None:
    response = Client().get(URL, headers={"Accept": accept})
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.django_db
def test_it_refuses_a_bad_token_with_json() -> None:
    response = Client().get(URL, headers={"Accept": "text/event-stream", "Authorization": "Token nope"})
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_channel_manager_lets_only_signed_in_users_read(make_user: Callable[..., Any]) -> None:
    # The library asks again on every read of the stream, so a stream opened some other way
    # still carries nothing to an anonymous caller.
    manager = events.DeskChannelManager()
    assert manager.can_read_channel(None, events.CHANNEL) is False
    assert manager.can_read_channel(AnonymousUser(), events.CHANNEL) is False
    assert manager.can_read_channel(make_user(Role.VIEWER), events.CHANNEL) is True
    # Channels come from the route, never from the query string.
    assert manager.get_channels_for_request(None, {"channels": ["alerts"]}) == {"alerts"}
    assert manager.get_channels_for_request(None, {}) == set()


@pytest.mark.django_db(transaction=True)
def test_a_viewer_streams_and_is_replayed_what_came_after_the_id_it_connects_from(
    server_url: str, make_user: Callable[..., Any]
) -> None:
    viewer = make_user(Role.VIEWER, username="listener")
    token = AuthToken.objects.create(user=viewer)[1]
    rendered = events.current_event_id()  # what a page rendered before this event was sent
    notification = AlertNotificationFactory(ticker="AAPL")
    assert events.send_notifications([notification]) == 1

    headers = {"Authorization": f"Token {token}", "Accept": "text/event-stream"}
    with httpx.stream(
        "GET", f"{server_url}{URL}", params={"lastEventId": rendered}, headers=headers, timeout=20
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        name, data = None, None
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: ") and name == "notification":
                data = json.loads(line.removeprefix("data: "))
                break
    assert data is not None, "the stream ended without the notification"
    assert data["notification"]["id"] == notification.pk
    assert data["notification"]["ticker"] == "AAPL"
    assert (data["unacknowledged"], data["total"]) == (1, 1)
