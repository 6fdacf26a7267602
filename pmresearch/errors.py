"""One place that turns errors into the stable JSON shape `{"detail": ...}`.

Every `DomainError` (the invalid tickers, agents and dates among them) is answered here with
its own status and message; nothing converts one exception into another on the way.

Clients never see a stack trace or raw exception text: anything unexpected is
logged here with its traceback and answered with a generic message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.api_errors import INTERNAL_ERROR_DETAIL, error_messages
from core.domain_errors import DomainError
from pmresearch.body_limit import TOO_BIG_STATUS, too_big_detail

logger = logging.getLogger(__name__)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, DomainError):
        return Response({"detail": exc.detail}, status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        # Raised when request.data first reads a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
        return Response({"detail": too_big_detail()}, status=TOO_BIG_STATUS)
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(detail={"detail": exc.messages})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        # Called outside the except block, so the traceback is passed explicitly.
        logger.error("Unhandled error in %s", type(view).__name__ if view else "API view", exc_info=exc)
        return Response({"detail": INTERNAL_ERROR_DETAIL}, status=500)
    if not (isinstance(response.data, dict) and "detail" in response.data):
        # Field errors keep their structure under `errors`, with a readable summary.
        response.data = {"detail": _summarise(response.data), "errors": response.data}
    return response


def _summarise(errors: Any) -> str:
    """The `detail` of a field-error answer: each field's messages, fields apart by "; "."""
    if isinstance(errors, Mapping):
        return "; ".join(f"{field}: {' '.join(error_messages(value))}" for field, value in errors.items())
    return " ".join(error_messages(errors))


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/health"


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": INTERNAL_ERROR_DETAIL}, status=500)
    return render(request, "errors/500.html", status=500)
