"""Live alert notifications: server-sent events on the desk-wide `alerts` channel.

Each notification an analysis raises is sent as one `notification` event once the transaction
that stored it commits (never when it rolls back), its data the notification exactly as the
notifications API shapes it plus the desk's counts:
`{"notification": {...}, "unacknowledged": n, "total": m}` (as there, `suggested_action` is the
earlier text and the playbook card is `playbook`). A failure to send is logged and
never reaches the analysis: the notification is stored and shows on the next page load.

django-eventstream stores every event (DjangoModelStorage), so a page that connects from the
event id rendered into it, or reconnects with Last-Event-ID, is replayed what it missed. Live
fan-out is in-process unless EVENTSTREAM_REDIS is set (REDIS_URL): only then do events a
Celery worker sends (scheduled runs) reach the web processes' listeners live; otherwise they
arrive on the page's next reconnect or reload.

django_eventstream is imported inside the functions: it reads settings when imported, and
this module is imported with `alerts.services` (PITFALLS.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DatabaseError, transaction

from alerts import selectors
from alerts.models import AlertNotification
from alerts.serializers import AlertNotificationSerializer

logger = logging.getLogger(__name__)

CHANNEL = "alerts"
EVENT_TYPE = "notification"


class DeskChannelManager:
    """django-eventstream's channel manager (EVENTSTREAM_CHANNELMANAGER_CLASS) for the desk.

    Channels come from the route alone, never from the query string, so a client cannot ask
    for one we did not publish. One shared desk: any signed-in user reads every channel;
    anonymous callers (user None) read none. Every channel is stored for replay.
    """

    def get_channels_for_request(self, request: Any, view_kwargs: dict[str, Any]) -> set[str]:
        return set(view_kwargs.get("channels", ()))

    def can_read_channel(self, user: Any, channel: str) -> bool:
        return user is not None and bool(user.is_authenticated)

    def is_channel_reliable(self, channel: str) -> bool:
        return True


def event_data(notification: AlertNotification, counts: dict[str, int]) -> dict[str, Any]:
    """The `notification` event's data: the API's notification shape, with the desk's counts."""
    return {"notification": AlertNotificationSerializer(notification).data, **counts}


def send_on_commit(notifications: Sequence[AlertNotification]) -> None:
    """Send one event per notification after the current transaction commits.

    Registered inside the caller's transaction: if it (or the savepoint around this call)
    rolls back, Django discards the callback and nothing is sent.
    """
    if notifications:
        pending = list(notifications)
        transaction.on_commit(lambda: send_notifications(pending))


def send_notifications(notifications: Iterable[AlertNotification]) -> int:
    """Send each notification's event now; how many were sent. Never raises."""
    sent = 0
    counts: dict[str, int] | None = None
    for notification in notifications:
        try:
            from django_eventstream import send_event

            if counts is None:
                # Read once after the commit: the counts every event of this analysis carries.
                counts = selectors.notification_counts()
            send_event(CHANNEL, EVENT_TYPE, event_data(notification, counts))
        except Exception:
            # Live delivery is a convenience: the notification is stored whatever happens here.
            logger.exception(
                "Could not send the live event for alert notification %s (%s)",
                notification.pk,
                notification.ticker,
            )
        else:
            sent += 1
    return sent


def current_event_id() -> str | None:
    """The channel's current event id (`alerts:N`) for a page to connect from; None if unknown."""
    try:
        from django_eventstream import get_current_event_id

        return str(get_current_event_id([CHANNEL]))
    except DatabaseError:
        logger.exception("Could not read the current event id of the %s channel", CHANNEL)
        return None
