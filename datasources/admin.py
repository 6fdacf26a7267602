"""The data sources page: Django admin's list of cached responses, headed by each source's state."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from analysis.providers.checks import configuration_problems
from datasources.models import CachedResponse, CachedRow
from datasources.selectors import data_sources_overview


class _ReadOnly(admin.ModelAdmin):
    # Entries come from the sources only; an admin may delete them (a refetch follows).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CachedResponse)
class CachedResponseAdmin(_ReadOnly):
    change_list_template = "admin/datasources/data_sources.html"
    list_display = ("source", "key", "ticker", "size_bytes", "compressed", "fetched_at", "expires_at")
    list_filter = ("source",)
    search_fields = ("key", "ticker")
    exclude = ("content",)
    ordering = ("-fetched_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[CachedResponse]:
        return super().get_queryset(request).defer("content")  # the list never shows bodies

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        overview = data_sources_overview(problems=configuration_problems())
        context = {**(extra_context or {}), "data_sources": overview, "title": "Data sources"}
        return super().changelist_view(request, extra_context=context)


@admin.register(CachedRow)
class CachedRowAdmin(_ReadOnly):
    list_display = ("source", "ticker", "uid", "published_at", "fetched_at")
    list_filter = ("source",)
    search_fields = ("ticker", "uid")
    ordering = ("-published_at",)
