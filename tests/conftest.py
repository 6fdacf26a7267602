"""Shared fixtures, and the rule that CI treats a skipped test as a failure.

Tests that need Chromium, PostgreSQL or Redis skip with a reason when those are
absent, so the README's test command passes on a bare machine. `.ci/run` sets
PMRESEARCH_REQUIRE_SERVICES=1, and then any skip fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.db import connection
from django.test import Client

from accounts.roles import Role
from accounts.services import grant_role
from tests.factories import UserFactory
from tests.live_server import uvicorn_server

REQUIRE_SERVICES = os.environ.get("PMRESEARCH_REQUIRE_SERVICES") == "1"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if REQUIRE_SERVICES and skipped:
        reporter.write_line(
            f"PMRESEARCH_REQUIRE_SERVICES=1: {len(skipped)} skipped test(s) count as failures.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _no_carried_over_reads() -> Iterator[None]:
    """Counted reads stay with the test that made them (tests flush them explicitly)."""
    from rollout.telemetry import read_buffer

    read_buffer.timer_enabled = False
    read_buffer.discard()
    yield
    read_buffer.discard()


@pytest.fixture(scope="session")
def server_url(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """A uvicorn process (ASGI, as in production) over the test database, for the session."""
    with django_db_blocker.unblock():
        settings_dict = dict(connection.settings_dict)
    with uvicorn_server(settings_dict, extra_env={"MARKET_DATA_PROVIDER": "demo"}) as url:
        yield url


@pytest.fixture
def make_user(db: Any) -> Callable[..., AbstractUser]:
    def make(role: Role | None = Role.VIEWER, **fields: Any) -> AbstractUser:
        user = UserFactory(**fields)
        if role is not None:
            grant_role(user=user, role=role)
        return user

    return make


@pytest.fixture
def viewer(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.VIEWER, username="viewer")


@pytest.fixture
def pm(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.PM, username="pm")


@pytest.fixture
def desk_admin(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.ADMIN, username="deskadmin")


@pytest.fixture
def client_for() -> Callable[[AbstractUser], Client]:
    """A test client signed in (by session) as the given user."""

    def make(user: AbstractUser) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
