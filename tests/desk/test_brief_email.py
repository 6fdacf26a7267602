"""The brief by e-mail (locmem backend): opt-in, opt-out, and the signed opt-out link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from desk.models import DeskPreferences
from desk.services import deliver_brief
from tests.desk.seeded_desk import SeededDesk
from tests.factories import DeskPreferencesFactory, UserFactory

pytestmark = pytest.mark.django_db


def _opt_out_path(message: Any) -> str:
    (url,) = set(re.findall(r"https?://[^/\s]+(/desk/brief-email/opt-out/[^\s\"<]+)", message.body))
    return url


def test_it_mails_the_users_who_opted_in_and_nobody_else(seeded: SeededDesk) -> None:
    keen = DeskPreferencesFactory(user=UserFactory(username="keen"), brief_email=True).user
    DeskPreferencesFactory(user=UserFactory(username="declined"), brief_email=False)
    UserFactory(username="never_asked")

    result = deliver_brief()

    assert result.sent == ["keen"]
    (message,) = mail.outbox
    assert message.to == [keen.email]
    assert "(demo data)" in message.subject
    assert "HD: BUY -> SELL" in message.body and seeded.alert_message in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'href="http://127.0.0.1:8000/analysis/HD/"' in html
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/desk/brief-email/opt-out/"
    )


def test_it_skips_a_user_who_opted_in_without_an_address(db: Any) -> None:
    DeskPreferencesFactory(user=UserFactory(username="noaddress", email=""))
    assert deliver_brief().skipped == ["noaddress"] and mail.outbox == []


def test_the_opt_out_link_works_signed_out(seeded: SeededDesk) -> None:
    DeskPreferencesFactory(user=UserFactory(username="leaving"))
    deliver_brief()
    path = _opt_out_path(mail.outbox[0])
    anonymous = Client()

    # Following the link only asks (mail scanners follow links); the POST turns it off.
    confirm = anonymous.get(path)
    assert confirm.status_code == 200 and "Stop the brief e-mails for leaving?" in confirm.content.decode()
    assert DeskPreferences.objects.get(user__username="leaving").brief_email is True
    done = anonymous.post(path)
    assert done.status_code == 200 and 'data-testid="opt-out-done"' in done.content.decode()
    assert DeskPreferences.objects.get(user__username="leaving").brief_email is False

    mail.outbox.clear()
    assert deliver_brief().sent == [] and mail.outbox == []


def test_a_tampered_opt_out_link_changes_nothing(db: Any) -> None:
    DeskPreferencesFactory(user=UserFactory(username="stays"))
    response = Client().post("/desk/brief-email/opt-out/eyJ1c2VyIjoxfQ:forged:signature")
    assert response.status_code == 400
    assert DeskPreferences.objects.get(user__username="stays").brief_email is True


def test_a_user_opts_in_on_the_dashboard(viewer: Any, client_for: Any) -> None:
    client = client_for(viewer)
    assert client.post("/desk/brief-email", {"brief_email": "on"}).status_code == 302
    assert DeskPreferences.objects.get(user=viewer).brief_email is True
    assert 'id="brief-email" name="brief_email" checked' in client.get("/").content.decode()
    client.post("/desk/brief-email", {})
    assert DeskPreferences.objects.get(user=viewer).brief_email is False
