from __future__ import annotations

from django.contrib import admin

from alerts.models import AlertNotification, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("ticker", "rule_type", "threshold", "enabled", "updated_at")
    list_filter = ("rule_type", "enabled")
    list_editable = ("enabled",)
    search_fields = ("ticker",)


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ("ticker", "message", "acknowledged", "created_at")
    list_filter = ("acknowledged",)
    search_fields = ("ticker", "message")
