"""`{% live_alerts as live %}`: what the top bar needs to show alerts live.

The unread count for the nav badge, and where and from which event id the page subscribes
(static/js/live_alerts.js). Connecting from the id rendered here, not from "now", replays an
event sent between this render and the connection instead of losing it (PITFALLS.md).
"""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.db import DatabaseError
from django.urls import reverse

from alerts import events, selectors

logger = logging.getLogger(__name__)
register = template.Library()


@register.simple_tag(takes_context=True)
def live_alerts(context: template.Context) -> dict[str, Any] | None:
    """None for anonymous visitors, or when the database cannot say (the page renders anyway)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        unread = selectors.unread_count()
    except DatabaseError:
        logger.exception("Could not count unread alert notifications for the top bar")
        return None
    return {
        "unread": unread,
        "events_url": reverse("api-alert-events"),
        "count_url": reverse("api-alert-notifications-count"),
        "alerts_url": reverse("alerts"),
        "last_event_id": events.current_event_id() or "",
    }
