from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from knox.models import AuthToken

pytestmark = pytest.mark.django_db


def _issue(username: str, *args: str) -> str:
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", username, *args, stdout=out, stderr=err)
    return out.getvalue().strip()


def test_it_prints_a_token_that_authenticates_api_calls(viewer: Any) -> None:
    key = _issue("viewer")
    response = Client().get("/api/analysis/tickers", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_it_stores_only_a_hash_of_the_token(viewer: Any) -> None:
    key = _issue("viewer")
    token = AuthToken.objects.get(user=viewer)
    assert key not in (token.digest, token.token_key)
    assert token.token_key == key[: len(token.token_key)]  # a lookup prefix, not the secret


def test_a_token_expires_after_its_ttl_and_zero_means_never(viewer: Any) -> None:
    _issue("viewer", "--ttl-days", "30")
    _issue("viewer", "--ttl-days", "0")
    expiries = sorted(AuthToken.objects.filter(user=viewer).values_list("expiry", flat=True), key=str)
    assert expiries.count(None) == 1
    assert sum(e is not None for e in expiries) == 1


def test_a_revoked_token_is_refused(viewer: Any) -> None:
    key = _issue("viewer")
    AuthToken.objects.filter(user=viewer).delete()  # what "delete" in the admin does
    response = Client().get("/api/analysis/tickers", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401


def test_a_wrong_token_is_refused_with_a_json_401() -> None:
    response = Client().get("/api/analysis/tickers", HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_token_carries_the_users_role(viewer: Any) -> None:
    key = _issue("viewer")
    response = Client().delete("/api/analysis/1", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403


def test_it_fails_clearly_for_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        _issue("nobody")


def test_it_refuses_a_negative_ttl(viewer: Any) -> None:
    with pytest.raises(CommandError, match="--ttl-days"):
        _issue("viewer", "--ttl-days", "-1")
