from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.flags import Flag, environment_default, flag_posture
from rollout.models import ApiReadCounter, FeatureFlag


@admin.register(FeatureFlag)
class FeatureFlagAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "environment_default",
        "override",
        "effective",
        "note",
        "updated_at",
        "updated_by",
    )
    list_editable = ("override", "note")
    readonly_fields = ("name", "updated_at", "updated_by")
    fields = ("name", "override", "note", "updated_at", "updated_by")
    search_fields = ("name",)

    @admin.display(boolean=True, description="env default")
    def environment_default(self, obj: FeatureFlag) -> bool:
        return environment_default(Flag(obj.name))

    @admin.display(boolean=True, description="in effect")
    def effective(self, obj: FeatureFlag) -> bool:
        return flag_posture()[obj.name]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the eleven rows are created by migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FeatureFlag, form: Any, change: bool) -> None:
        obj.updated_by = request.user if request.user.is_authenticated else None
        super().save_model(request, obj, form, change)


@admin.register(ApiReadCounter)
class ApiReadCounterAdmin(admin.ModelAdmin):
    """Read-only: the counters are written by the legacy-read telemetry middleware."""

    list_display = ("day", "route", "client_kind", "count")
    list_filter = ("client_kind", "route")
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
