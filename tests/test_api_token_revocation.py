"""A revoked or expired API token is refused on the next request, by another server process."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from django.utils import timezone
from knox.models import AuthToken

from accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_a_revoked_token_on_the_next_request(server_url: str, make_user: Any) -> None:
    instance, key = AuthToken.objects.create(user=make_user(Role.VIEWER, username="revoked"))
    with httpx.Client(base_url=server_url, headers={"Authorization": f"Token {key}"}, timeout=30) as client:
        assert client.get("/api/watchlists").status_code == 200
        instance.delete()  # revoked here, in the test process
        assert client.get("/api/watchlists").status_code == 401


def test_it_refuses_an_expired_token_on_the_next_request(server_url: str, make_user: Any) -> None:
    instance, key = AuthToken.objects.create(
        user=make_user(Role.VIEWER, username="expiring"), expiry=dt.timedelta(days=1)
    )
    with httpx.Client(base_url=server_url, headers={"Authorization": f"Token {key}"}, timeout=30) as client:
        assert client.get("/api/watchlists").status_code == 200
        AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
        assert client.get("/api/watchlists").status_code == 401


def test_it_refuses_a_token_of_a_deactivated_user(server_url: str, make_user: Any) -> None:
    user = make_user(Role.VIEWER, username="leaver")
    _, key = AuthToken.objects.create(user=user)
    with httpx.Client(base_url=server_url, headers={"Authorization": f"Token {key}"}, timeout=30) as client:
        assert client.get("/api/watchlists").status_code == 200
        type(user).objects.filter(pk=user.pk).update(is_active=False)
        assert client.get("/api/watchlists").status_code == 401
