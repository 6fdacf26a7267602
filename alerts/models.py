"""Alert rules and the notifications they raise."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from alerts import rule_types
from analysis.models import Analysis

# The model's choices, from the one list of rule types (`RuleType.SCORE_ABOVE` is "score_above").
RuleType = models.TextChoices(
    "RuleType", [(value.upper(), value) for value in rule_types.RULE_TYPES], module=__name__
)
LEGACY_RULE_TYPES = tuple(RuleType(value) for value in rule_types.LEGACY_RULE_TYPES)
V2_RULE_TYPES = tuple(RuleType(value) for value in rule_types.V2_RULE_TYPES)


class AlertRule(models.Model):
    ticker = models.CharField(max_length=16)
    rule_type = models.CharField(max_length=32, choices=RuleType.choices)
    threshold = models.FloatField(null=True, blank=True)
    enabled = models.BooleanField(default=True, db_default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "alert_rules"
        ordering = ["ticker", "rule_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rule_type__in=[t.value for t in RuleType]), name="alert_rules_rule_type_valid"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.ticker} {self.rule_type} {self.threshold if self.threshold is not None else ''}".strip()
        )


class AlertNotification(models.Model):
    alert_rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="notifications")
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="alert_notifications")
    ticker = models.CharField(max_length=16)
    message = models.TextField()
    previous_value = models.TextField(null=True, blank=True)
    current_value = models.TextField(null=True, blank=True)
    acknowledged = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(default=timezone.now)
    trigger_context = models.JSONField(null=True, blank=True)
    change_summary = models.JSONField(null=True, blank=True)
    suggested_action = models.JSONField(null=True, blank=True)

    class Meta:
        db_table = "alert_notifications"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["acknowledged", "-created_at"], name="alert_notif_unread_idx")]

    def __str__(self) -> str:
        return f"{self.ticker}: {self.message[:60]}"
