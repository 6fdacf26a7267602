"""Sending the brief: to the users who opted in, or to one named user."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from analysis.market_data import NEW_YORK
from analysis.providers.calendar import is_trading_day
from desk.brief import desk_brief
from desk.emails import brief_message
from desk.models import DeskPreferences

logger = logging.getLogger(__name__)


class BriefRecipientError(ValueError):
    """A named recipient who cannot get the brief (unknown, inactive, or without an e-mail)."""


@dataclass
class DeliveryResult:
    sent: list[str] = field(default_factory=list)
    # Opted in but without an e-mail address, or already sent this session's brief.
    skipped: list[str] = field(default_factory=list)
    holiday: bool = False


def opted_in_users() -> list[AbstractBaseUser]:
    return list(
        get_user_model()
        .objects.filter(is_active=True, desk_preferences__brief_email=True)
        .order_by("username")
    )


def recipient(username: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise BriefRecipientError(f"No active user named {username!r}.")
    if not user.email:
        raise BriefRecipientError(f"User {username!r} has no e-mail address.")
    return user


def deliver_brief(
    *,
    since: str | None = None,
    users: list[AbstractBaseUser] | None = None,
    session_day: dt.date | None = None,
) -> DeliveryResult:
    """E-mail the brief to `users` (default: every user who opted in).

    With `session_day` (the scheduled send), a user already sent that session's brief is
    skipped, so a redelivered task mails nobody twice. Raises `desk.window.BadSince`.
    """
    brief = desk_brief(since=since)
    result = DeliveryResult()
    for user in opted_in_users() if users is None else users:
        if not user.email:
            result.skipped.append(user.get_username())
            continue
        if (
            session_day is not None
            and DeskPreferences.objects.filter(user=user, brief_last_sent_for=session_day).exists()
        ):
            result.skipped.append(user.get_username())
            continue
        brief_message(brief=brief, user=user).send()
        if session_day is not None:
            DeskPreferences.objects.filter(user=user).update(brief_last_sent_for=session_day)
        result.sent.append(user.get_username())
    logger.info("desk_brief sent=%d skipped=%d", len(result.sent), len(result.skipped))
    return result


def send_scheduled_brief(*, now: dt.datetime | None = None) -> DeliveryResult:
    """After the close on a trading day, the brief to everyone who opted in; nothing on a holiday."""
    today = (now or timezone.now()).astimezone(NEW_YORK).date()
    if not is_trading_day(today):
        return DeliveryResult(holiday=True)
    return deliver_brief(session_day=today)
