from __future__ import annotations

from django.contrib import admin

from calibration.models import MacroCatalystEvent, Schedule, ScheduleRun


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("ticker", "interval_minutes", "agents", "enabled", "last_run_at", "next_run_at")
    list_filter = ("enabled",)
    list_editable = ("enabled",)
    search_fields = ("ticker",)


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ("schedule", "started_at", "completed_at", "success", "run_reason")
    list_filter = ("success", "run_reason")


@admin.register(MacroCatalystEvent)
class MacroCatalystEventAdmin(admin.ModelAdmin):
    list_display = ("event_date", "event_type", "event_label", "source", "enabled")
    list_filter = ("event_type", "enabled")
