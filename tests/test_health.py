from __future__ import annotations

import pytest
from django.test import Client

import pmresearch

pytestmark = pytest.mark.django_db


def test_it_answers_healthy_without_login() -> None:
    response = Client().get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["database_connected"] is True
    assert body["config_valid"] is True
    assert body["version"] == pmresearch.__version__
    assert body["schema_up_to_date"] is True
    assert "alerts.0002" in body["schema_version"]


def test_it_reports_the_broker() -> None:
    body = Client().get("/health").json()
    if body["broker_transport"] == "filesystem":
        assert body["broker_reachable"] == "embedded"
    else:
        assert body["broker_reachable"] is True
