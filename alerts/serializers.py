"""Shapes of the alerts API. Rule bodies are validated in `alerts.services` (one place for the
API, the page and the admin); the input serializers here document them and parse query strings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts import engine
from alerts.models import V2_RULE_TYPES, AlertNotification, AlertRule, RuleType
from alerts.selectors import rule_is_active

MAX_NOTIFICATIONS = 500

THRESHOLD_HELP = "; ".join(f"{t}: {engine.threshold_hint(t)}" for t in engine.RULE_TYPES)


class RuleInputSerializer(serializers.Serializer):
    """Body of POST /api/alerts (PUT takes the same fields, each optional)."""

    ticker = serializers.CharField(help_text="US equity symbol, e.g. AAPL or BRK.B.")
    rule_type = serializers.ChoiceField(
        choices=RuleType.choices,
        help_text="The v2 types (" + ", ".join(V2_RULE_TYPES) + ") need ALERTS_V2_ENABLED.",
    )
    threshold = serializers.FloatField(required=False, allow_null=True, help_text=THRESHOLD_HELP)
    enabled = serializers.BooleanField(required=False, default=True)


class AlertRuleSerializer(serializers.ModelSerializer):
    is_v2 = serializers.SerializerMethodField(help_text="A v2 rule type (needs ALERTS_V2_ENABLED).")
    active = serializers.SerializerMethodField(
        help_text="Evaluated after analyses now: enabled, and not a v2 type while ALERTS_V2_ENABLED is off."
    )

    class Meta:
        model = AlertRule
        fields = [
            "id",
            "ticker",
            "rule_type",
            "threshold",
            "enabled",
            "is_v2",
            "active",
            "created_at",
            "updated_at",
        ]

    def get_is_v2(self, rule: AlertRule) -> bool:
        return rule.rule_type in V2_RULE_TYPES

    def get_active(self, rule: AlertRule) -> bool:
        return rule_is_active(rule, v2_enabled=bool(self.context.get("v2_enabled")))


class AlertRuleListSerializer(serializers.Serializer):
    rules = AlertRuleSerializer(many=True)
    count = serializers.IntegerField()
    alerts_v2_enabled = serializers.BooleanField()
    rule_types = serializers.ListField(
        child=serializers.CharField(), help_text="The rule types that can be created now."
    )


class DeletedRuleSerializer(serializers.Serializer):
    deleted_id = serializers.IntegerField()


class RuleQuerySerializer(serializers.Serializer):
    ticker = serializers.CharField(required=False, help_text="Only this ticker's rules.")


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {
            "action": {"type": "string"},
            "headline": {"type": "string"},
            "steps": {"type": "array", "items": {"type": "string"}},
            "source": {"type": "string", "enum": ["optimizer_v2", "decision_card", "recommendation"]},
            "rule_type": {"type": "string"},
        },
    }
)
class SuggestedActionField(serializers.JSONField):
    """The playbook action, a JSON object: its shape is the schema declared above."""


class AlertNotificationSerializer(serializers.ModelSerializer):
    alert_rule_id = serializers.IntegerField(read_only=True)
    analysis_id = serializers.IntegerField(read_only=True)
    rule_type = serializers.CharField(source="alert_rule.rule_type", read_only=True)
    acknowledged = serializers.SerializerMethodField()
    suggested_action = SuggestedActionField(read_only=True)

    class Meta:
        model = AlertNotification
        fields = [
            "id",
            "alert_rule_id",
            "analysis_id",
            "ticker",
            "rule_type",
            "message",
            "previous_value",
            "current_value",
            "acknowledged",
            "created_at",
            "trigger_context",
            "change_summary",
            "suggested_action",
        ]

    def get_acknowledged(self, notification: AlertNotification) -> bool:
        # Legacy rows may hold NULL, which the earlier system treated as unread.
        return bool(notification.acknowledged)


class NotificationQuerySerializer(serializers.Serializer):
    unacknowledged_only = serializers.BooleanField(
        required=False, default=False, help_text="true for unread notifications only."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_NOTIFICATIONS, default=50)
    ticker = serializers.CharField(required=False, help_text="Only this ticker's notifications.")


class NotificationListSerializer(serializers.Serializer):
    notifications = AlertNotificationSerializer(many=True)
    count = serializers.IntegerField()
    unacknowledged = serializers.IntegerField()
    total = serializers.IntegerField()


class NotificationCountSerializer(serializers.Serializer):
    unacknowledged = serializers.IntegerField()
    total = serializers.IntegerField()
