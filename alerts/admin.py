from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from alerts import services
from alerts.models import AlertNotification, AlertRule
from core.domain_errors import DomainError


class AlertRuleForm(forms.ModelForm):
    """The admin validates a rule with the same service rules as the API and the page."""

    class Meta:
        model = AlertRule
        fields = ["ticker", "rule_type", "threshold", "enabled"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        existing = self.instance if self.instance.pk else None
        # The changelist's `enabled` column posts only that field: the rest keep their value.
        values = {
            name: cleaned[name] if name in self.fields else getattr(self.instance, name)
            for name in ("ticker", "rule_type", "threshold")
        }
        try:
            fields = services.clean_rule(**values, v2_enabled=services.alerts_v2_enabled(), existing=existing)
        except DomainError as exc:
            raise forms.ValidationError(exc.detail) from exc
        for name in ("ticker", "rule_type", "threshold"):
            if name in self.fields:
                cleaned[name] = getattr(fields, name)
        return cleaned


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    form = AlertRuleForm
    list_display = ("ticker", "rule_type", "threshold", "enabled", "updated_at")
    list_filter = ("rule_type", "enabled")
    list_editable = ("enabled",)
    search_fields = ("ticker",)


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ("ticker", "message", "acknowledged", "created_at")
    list_filter = ("acknowledged",)
    search_fields = ("ticker", "message")
