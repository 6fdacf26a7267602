"""What the pages render for live alerts: the nav's unread badge, the toast region with the
stream's address and the event id to connect from, and the feed item the Alerts page fetches
for a notification that arrived live."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alerts import events
from tests.factories import AlertNotificationFactory

pytestmark = pytest.mark.django_db

PLAYBOOK = {
    "action": "trim",
    "headline": "Trim AAPL: weight 8.0% → 5.0%",
    "steps": ["Expected value crossed down: the edge has thinned; review the position."],
    "source": "optimizer_v2",
    "rule_type": "ev_below",
}


def comparable(html: str) -> str:
    """Without what differs between two renders of the same thing: CSRF masks, indentation."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"\s+", " ", html).strip()


def test_every_page_carries_the_unread_badge_and_the_stream_to_connect_to(
    client_for: Callable[[Any], Client], viewer: Any
) -> None:
    AlertNotificationFactory.create_batch(2)
    AlertNotificationFactory(acknowledged=True)
    events.send_notifications([AlertNotificationFactory(acknowledged=True)])  # the channel moves on
    html = client_for(viewer).get("/").content.decode()
    assert '<span data-testid="nav-unread-count">2</span>' in html
    assert 'aria-describedby="nav-unread"' in html
    assert 'role="status"' in html
    assert 'data-events-url="/api/alerts/events"' in html
    # The page connects from the id it was rendered with, so nothing sent after it is lost.
    assert f'data-last-event-id="{events.current_event_id()}"' in html
    assert events.current_event_id() == "alerts:1"
    assert "js/live_alerts.js" in html


def test_the_badge_is_hidden_with_nothing_unread(client_for: Callable[[Any], Client], viewer: Any) -> None:
    html = client_for(viewer).get("/alerts/").content.decode()
    assert '<span class="nav-badge" id="nav-unread" hidden>' in html
    assert '<span data-testid="nav-unread-count">0</span>' in html


def test_the_sign_in_page_subscribes_to_nothing(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "live_alerts.js" not in html
    assert "nav-unread" not in html


def test_the_feed_item_reads_as_the_page_renders_it(client_for: Callable[[Any], Client], pm: Any) -> None:
    notification = AlertNotificationFactory(
        ticker="AAPL", message="AAPL 7-day EV fell below 0: 0.4 → -0.3", suggested_action=PLAYBOOK
    )
    client = client_for(pm)
    item = client.get(f"/alerts/notifications/{notification.pk}/item?unread=1").content.decode()
    assert item.lstrip().startswith('<li class="notification unread" data-testid="notification"')
    assert "From the portfolio optimizer v2." in item
    assert "Acknowledge" in item
    assert '<input type="hidden" name="unread" value="1">' in item
    page = client.get("/alerts/?unread=1").content.decode()
    assert comparable(item) in comparable(page)
    assert client.get("/alerts/notifications/999999/item").status_code == 404


def test_a_viewer_gets_the_item_without_the_acknowledge_form(
    client_for: Callable[[Any], Client], viewer: Any
) -> None:
    notification = AlertNotificationFactory()
    item = client_for(viewer).get(f"/alerts/notifications/{notification.pk}/item").content.decode()
    assert 'data-testid="notification"' in item
    assert "Acknowledge" not in item
