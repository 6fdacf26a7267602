from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from accounts.roles import Role, role_of

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_it_generates_and_prints_a_password_once(settings: Any) -> None:
    settings.PMRESEARCH_ADMIN_PASSWORD = ""
    output = _run()
    password = output.split("): ")[1].strip()
    assert len(password) >= 20
    admin = authenticate(username="admin", password=password)
    assert admin is not None
    assert role_of(admin) is Role.ADMIN
    assert admin.is_staff
    # A second run neither prints a password nor changes it.
    again = _run()
    assert "already exists" in again
    assert password not in again
    assert authenticate(username="admin", password=password) is not None


def test_it_takes_the_password_from_the_environment(settings: Any) -> None:
    settings.PMRESEARCH_ADMIN_PASSWORD = "a-long-password-from-the-environment"
    output = _run()
    assert "a-long-password-from-the-environment" not in output
    assert authenticate(username="admin", password="a-long-password-from-the-environment") is not None


def test_two_runs_make_two_different_passwords_on_two_machines(settings: Any) -> None:
    settings.PMRESEARCH_ADMIN_PASSWORD = ""
    first = _run().split("): ")[1].strip()
    get_user_model().objects.all().delete()
    second = _run().split("): ")[1].strip()
    assert first != second  # no fixed password anywhere
