"""Content negotiation for the file exports: `Accept: text/csv` or `Accept: application/pdf` is
answered with the file, not a 406.

DRF negotiates before the view runs and refuses any `Accept` none of the view's renderers
offers. The export views build their files themselves (an `HttpResponse`, never rendered), so
these renderers only declare the media type; an error raised before the file exists is still
answered as `{"detail": ...}` JSON, whatever was asked for.
"""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response


class _FileRenderer(BaseRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        if isinstance(data, str | bytes):
            return data
        return JSONRenderer().render(data)


class CsvRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class PdfRenderer(_FileRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"


class FileExportMixin:
    """JSON first (a plain request is unchanged), the file's own type beside it; errors as JSON."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)  # type: ignore[misc]
        self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = JSONRenderer.media_type  # type: ignore[attr-defined]
        return response
