"""Fixtures of the rollout tests (rows live in `tests.rollout.gate_rows`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from rollout.models import FeatureFlag
from rollout.telemetry import legacy_log_limiter


@pytest.fixture(autouse=True)
def fresh_legacy_log_limiter() -> Iterator[None]:
    legacy_log_limiter.reset()
    yield
    legacy_log_limiter.reset()


@pytest.fixture
def flag(db: Any) -> Callable[[str, bool | None], None]:
    def set_flag(name: str, on: bool | None) -> None:
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})

    return set_flag


@pytest.fixture
def viewer_api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


@pytest.fixture
def pm_api(pm: Any) -> APIClient:
    client = APIClient()
    client.force_login(pm)
    return client
