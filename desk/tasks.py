"""Celery tasks of the desk: thin interfaces over `desk.services`."""

from __future__ import annotations

import dataclasses
from typing import Any

from celery import shared_task

from desk.services import send_scheduled_brief


@shared_task(name="desk.send_brief", acks_late=True)
def send_brief_task() -> dict[str, Any]:
    """Beat's daily entry (BRIEF_SEND_TIME, New York): the brief to every user who opted in.

    Does nothing on a market holiday or weekend; safe to redeliver (each user once a session).
    """
    return dataclasses.asdict(send_scheduled_brief())
