from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from rollout.models import FeatureFlag


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pm_api(pm: Any) -> APIClient:
    return _api(pm)


@pytest.fixture
def viewer_api(viewer: Any) -> APIClient:
    return _api(viewer)


@pytest.fixture
def anon_api() -> APIClient:
    return APIClient()


@pytest.fixture
def flag(db: Any) -> Callable[[str, bool], None]:
    def set_flag(name: str, on: bool) -> None:
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})

    return set_flag
