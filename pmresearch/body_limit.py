"""Bodies over `DATA_UPLOAD_MAX_MEMORY_SIZE` answer 413 before anything reads them.

Django raises `RequestDataTooBig` lazily, when a view (or DRF's `request.data`) first reads
the body; unhandled it is a 500, and Django's own handler turns it into a bare 400. Checking
the declared length here, before any view runs, means nothing is parsed and nothing written.
An API route answers `{"detail": ...}`; a page form shows the message on the page the form
was posted from, rendered as a GET (so it writes nothing), with the status 413.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.datastructures import MultiValueDict

TOO_BIG_STATUS = 413


def too_big_detail() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"Request body too large: the limit is {limit:,} bytes."


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page_to_show(request: HttpRequest) -> str:
    """The same-site page the form was posted from, or the posted path itself."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.path and (not referer.netloc or referer.netloc == request.get_host()):
        try:
            resolve(referer.path)
        except Resolver404:
            pass
        else:
            return referer.path
    return request.path_info


class BodyLimitMiddleware:
    # Both modes: a sync-only middleware in an async chain makes every request under ASGI hop
    # from a thread back to the event loop and out again (profiled as the largest cost there).
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        if self._within_limit(request):
            return self.get_response(request)
        if _is_api(request):
            return self._too_big(request)
        return self._finish_page(self._prepare_page(request), self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        if self._within_limit(request):
            return await self.get_response(request)
        if _is_api(request):
            return self._too_big(request)
        return self._finish_page(self._prepare_page(request), await self.get_response(request))

    @staticmethod
    def _within_limit(request: HttpRequest) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # No route here accepts file uploads, so the whole declared body counts (Django leaves
        # multipart file parts out of the limit; there are none to leave out).
        return limit is None or _declared_length(request) <= limit

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A body without a declared length is only measured when read: the view raises then.
        if isinstance(exception, RequestDataTooBig):
            return self._too_big(request)
        return None

    def _too_big(self, request: HttpRequest) -> HttpResponse:
        if _is_api(request):
            return JsonResponse({"detail": too_big_detail()}, status=TOO_BIG_STATUS)
        page = self._prepare_page(request)
        # From process_exception, which Django runs in a thread when the chain is async.
        get_response = async_to_sync(self.get_response) if self.is_async else self.get_response
        return self._finish_page(page, get_response(page))

    def _prepare_page(self, request: HttpRequest) -> HttpRequest:
        target = _page_to_show(request)
        # Re-dispatched as a GET of the page: the body is dropped unread, the login check and
        # every other middleware still apply, and no view sees the oversized post.
        request.method = "GET"
        request.META["REQUEST_METHOD"] = "GET"
        request.META["CONTENT_LENGTH"] = "0"
        request.path_info = target
        request.path = target
        request._body = b""  # type: ignore[attr-defined]
        request._post = QueryDict()  # type: ignore[attr-defined]
        request._files = MultiValueDict()  # type: ignore[attr-defined]
        request.GET = QueryDict()
        if hasattr(request, "_messages"):
            messages.error(request, too_big_detail())
        return request

    @staticmethod
    def _finish_page(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # A redirect (to the login page) stays one; the page itself carries the 413.
        if response.status_code == 200:
            response.status_code = TOO_BIG_STATUS
        return response
