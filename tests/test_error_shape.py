"""Clients get `{"detail": ...}`, never a traceback or raw exception text."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from pmresearch.errors import INTERNAL_ERROR_DETAIL, DomainError, api_exception_handler


def _context() -> dict[str, Any]:
    return {"view": APIView(), "request": APIRequestFactory().get("/api/x")}


def test_an_unexpected_error_is_a_generic_500(caplog: pytest.LogCaptureFixture) -> None:
    response = api_exception_handler(RuntimeError("password=hunter2 at db.internal"), _context())
    assert response.status_code == 500
    assert response.data == {"detail": INTERNAL_ERROR_DETAIL}
    assert "hunter2" in caplog.text  # logged for operators, not sent to the client


def test_a_domain_error_keeps_its_message_and_status() -> None:
    response = api_exception_handler(DomainError("Unknown agent 'astrology'.", status_code=400), _context())
    assert (response.status_code, response.data) == (400, {"detail": "Unknown agent 'astrology'."})


def test_field_errors_get_a_readable_detail_and_keep_their_structure() -> None:
    response = api_exception_handler(ValidationError({"shares": ["Must be positive."]}), _context())
    assert response.status_code == 400
    assert response.data["detail"] == "shares: Must be positive."
    assert response.data["errors"] == {"shares": ["Must be positive."]}


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(viewer: Any, client_for: Any) -> None:
    response = client_for(viewer).get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_an_unknown_page_is_an_html_404(viewer: Any, client_for: Any) -> None:
    response = client_for(viewer).get("/no-such-page/")
    assert response.status_code == 404
    assert "There is no page at this address" in response.content.decode()


@pytest.mark.django_db
def test_health_needs_no_session_or_token() -> None:
    assert Client().get("/health").status_code in (200, 503)
