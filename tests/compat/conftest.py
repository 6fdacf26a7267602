"""Fixtures of the compatibility suite: an integrator's token client on the demo market."""

from __future__ import annotations

from typing import Any

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.roles import Role

LAST = "test_coverage.py::test_every_recording_was_replayed_in_this_run"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The check of what this run replayed goes after every test that replays."""
    items.sort(key=lambda item: item.nodeid.endswith(LAST))


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


@pytest.fixture
def api(make_user: Any) -> APIClient:
    """An integrator's client: JSON with a token (an admin's, so every route answers)."""
    user = make_user(Role.ADMIN, username="integrator")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client
