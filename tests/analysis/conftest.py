from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from rollout.models import FeatureFlag


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


@pytest.fixture
def pm_api(pm: Any) -> APIClient:
    client = APIClient()
    client.force_login(pm)
    return client


@pytest.fixture
def viewer_api(viewer: Any) -> APIClient:
    client = APIClient()
    client.force_login(viewer)
    return client


@pytest.fixture
def flag(db: Any):
    def set_flag(name: str, on: bool) -> None:
        FeatureFlag.objects.update_or_create(name=name, defaults={"override": on})

    return set_flag
