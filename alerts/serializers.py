"""Shapes of the alerts API, and the notifications query string it parses.

Rule bodies are checked by `alerts.services.clean_rule` (one place for the API, the page and
the admin) and described to the schema beside their views in `alerts.api`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts import playbook
from alerts.models import V2_RULE_TYPES, AlertNotification, AlertRule
from alerts.selectors import rule_is_active

MAX_NOTIFICATIONS = 200  # the earlier declared bound


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
    total_count = serializers.IntegerField(help_text="How many rules are listed.")
    count = serializers.IntegerField(help_text="The same as total_count.")
    alerts_v2_enabled = serializers.BooleanField()
    rule_types = serializers.ListField(
        child=serializers.CharField(), help_text="The rule types that can be created now."
    )


class DeletedRuleSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    deleted_id = serializers.IntegerField()


PLAYBOOK_SCHEMA = {
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
TRIGGER_KEYS = ("rule_type", "threshold", "event", "previous_value", "current_value")


def _stored_playbook(notification: AlertNotification) -> dict[str, Any] | None:
    # The column holds the playbook card; rows carried over from the earlier system hold text.
    stored = notification.suggested_action
    return stored if isinstance(stored, dict) else None


def _material_changes(summary: dict[str, Any]) -> list[dict[str, Any]]:
    if isinstance(summary.get("material_changes"), list):
        return summary["material_changes"]
    changes = summary.get("changes")
    if not isinstance(changes, list):
        return []
    return [
        {
            "type": change.get("type") or change.get("field"),
            "label": change.get("label"),
            "previous": change.get("previous"),
            "current": change.get("current"),
            "impact": change.get("impact"),
        }
        for change in changes
        if isinstance(change, dict)
    ]


class AlertNotificationSerializer(serializers.ModelSerializer):
    """A notification in the earlier shape (`suggested_action` a sentence, `trigger_context`
    with rule_type/threshold/event/previous_value/current_value, `change_summary` with
    `material_changes`), with the playbook card beside it as `playbook`."""

    alert_rule_id = serializers.IntegerField(read_only=True)
    analysis_id = serializers.IntegerField(read_only=True)
    rule_type = serializers.CharField(source="alert_rule.rule_type", read_only=True)
    acknowledged = serializers.SerializerMethodField()
    trigger_context = serializers.SerializerMethodField()
    change_summary = serializers.SerializerMethodField()
    suggested_action = serializers.SerializerMethodField(
        help_text="What to do, as text (the playbook's headline and the rule's advice)."
    )
    playbook = serializers.SerializerMethodField(
        help_text="The playbook card {action, headline, steps[], source, rule_type}, or null."
    )

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
            "playbook",
        ]

    def get_acknowledged(self, notification: AlertNotification) -> bool:
        # Legacy rows may hold NULL, which the earlier system treated as unread.
        return bool(notification.acknowledged)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_trigger_context(self, notification: AlertNotification) -> dict[str, Any]:
        context = dict(notification.trigger_context or {})
        defaults = {
            "rule_type": notification.alert_rule.rule_type,
            "threshold": notification.alert_rule.threshold,
            "event": notification.message,
            "previous_value": notification.previous_value,
            "current_value": notification.current_value,
        }
        for key in TRIGGER_KEYS:
            context.setdefault(key, defaults[key])
        return context

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": True})
    def get_change_summary(self, notification: AlertNotification) -> dict[str, Any] | None:
        summary = notification.change_summary
        if not isinstance(summary, dict):
            return summary
        out = dict(summary)
        out["material_changes"] = _material_changes(summary)
        out.setdefault("change_count", len(out["material_changes"]))
        out.setdefault("compared_to_analysis_id", summary.get("previous_analysis_id"))
        out.setdefault("compared_to_timestamp", None)
        return out

    @extend_schema_field({"type": "string", "nullable": True})
    def get_suggested_action(self, notification: AlertNotification) -> str | None:
        return playbook.action_text(notification.suggested_action)

    @extend_schema_field(PLAYBOOK_SCHEMA)
    def get_playbook(self, notification: AlertNotification) -> dict[str, Any] | None:
        return _stored_playbook(notification)


class AcknowledgedSerializer(AlertNotificationSerializer):
    """The acknowledge answer: the earlier `{success: true}`, with the notification's fields."""

    success = serializers.SerializerMethodField()

    class Meta(AlertNotificationSerializer.Meta):
        fields = ["success", *AlertNotificationSerializer.Meta.fields]

    def get_success(self, notification: AlertNotification) -> bool:
        return True


class NotificationQuerySerializer(serializers.Serializer):
    unacknowledged = serializers.BooleanField(
        required=False, default=False, help_text="true for unread notifications only."
    )
    unacknowledged_only = serializers.BooleanField(
        required=False, default=False, help_text="The same as unacknowledged (either one filters)."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_NOTIFICATIONS, default=50)
    ticker = serializers.CharField(required=False, help_text="Only this ticker's notifications.")


class NotificationListSerializer(serializers.Serializer):
    notifications = AlertNotificationSerializer(many=True)
    total_count = serializers.IntegerField(help_text="How many notifications are listed.")
    count = serializers.IntegerField(help_text="The same as total_count.")
    unacknowledged = serializers.IntegerField()
    total = serializers.IntegerField()


class NotificationCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Unread notifications (the earlier key).")
    unacknowledged = serializers.IntegerField()
    total = serializers.IntegerField()
