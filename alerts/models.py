"""Alert rules and the notifications they raise."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from analysis.models import Analysis


class RuleType(models.TextChoices):
    RECOMMENDATION_CHANGE = "recommendation_change"
    SCORE_ABOVE = "score_above"
    SCORE_BELOW = "score_below"
    CONFIDENCE_ABOVE = "confidence_above"
    CONFIDENCE_BELOW = "confidence_below"
    EV_ABOVE = "ev_above"
    EV_BELOW = "ev_below"
    REGIME_CHANGE = "regime_change"
    DATA_QUALITY_BELOW = "data_quality_below"
    CALIBRATION_DROP = "calibration_drop"


LEGACY_RULE_TYPES = (
    RuleType.RECOMMENDATION_CHANGE,
    RuleType.SCORE_ABOVE,
    RuleType.SCORE_BELOW,
    RuleType.CONFIDENCE_ABOVE,
    RuleType.CONFIDENCE_BELOW,
)
V2_RULE_TYPES = tuple(t for t in RuleType if t not in LEGACY_RULE_TYPES)


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
