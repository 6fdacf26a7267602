"""The beat task: after the close on trading days, never on a holiday, never twice a session."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from analysis.market_data import NEW_YORK
from desk.tasks import send_brief_task
from tests.factories import DeskPreferencesFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(moment: dt.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_it_is_scheduled_after_the_outcome_scoring_in_new_york_time() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["send-desk-brief"]
    assert entry["task"] == "desk.send_brief"
    assert entry["schedule"] == crontab(hour=18, minute=0)
    assert settings.CELERY_TIMEZONE == "America/New_York"
    scoring = settings.CELERY_BEAT_SCHEDULE["evaluate-outcomes"]["schedule"]
    assert (min(scoring.hour), min(scoring.minute)) < (min(entry["schedule"].hour), 0)


def test_it_skips_a_market_holiday(db: Any) -> None:
    DeskPreferencesFactory(user=UserFactory(username="holidaymaker"))
    with _at(dt.datetime(2026, 11, 26, 18, 0, tzinfo=NEW_YORK)):  # Thanksgiving
        result = send_brief_task.apply().get()
    assert result["holiday"] is True and mail.outbox == []


def test_it_mails_once_per_session_even_when_redelivered(db: Any) -> None:
    DeskPreferencesFactory(user=UserFactory(username="daily"))
    with _at(dt.datetime(2026, 11, 27, 18, 0, tzinfo=NEW_YORK)):  # the Friday after: a trading day
        first = send_brief_task.apply().get()
        again = send_brief_task.apply().get()
    assert first["sent"] == ["daily"] and again["skipped"] == ["daily"]
    assert len(mail.outbox) == 1
