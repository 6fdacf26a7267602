"""`manage.py send_brief [--since D] [--to USER]`."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.factories import DeskPreferencesFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_sends_to_the_users_who_opted_in(db: Any) -> None:
    DeskPreferencesFactory(user=UserFactory(username="subscriber"))
    out = StringIO()
    call_command("send_brief", "--since", "2026-11-30", stdout=out)
    assert "Brief sent to subscriber." in out.getvalue()
    assert "since the close of Mon 30 Nov 2026" in mail.outbox[0].subject


def test_it_sends_to_one_named_user_whether_opted_in_or_not(db: Any) -> None:
    UserFactory(username="curious")
    call_command("send_brief", "--to", "curious", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["curious@example.com"]]


def test_it_says_when_nobody_opted_in(db: Any) -> None:
    out = StringIO()
    call_command("send_brief", stdout=out)
    assert "Nobody has opted in" in out.getvalue() and mail.outbox == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "tomorrow"], "since must be a date"),
        (["--to", "ghost"], "No active user named 'ghost'"),
    ],
)
def test_it_fails_with_the_reason(db: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("send_brief", *args, stdout=StringIO())
    assert mail.outbox == []
