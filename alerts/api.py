"""JSON API for alert rules and notifications: thin views over services and selectors.

Reads are open to every signed-in user; writes (rules, acknowledging) need a PM or an admin
(the default DeskRolePermission). The routes answer as the earlier API did: every success is a
200 (creates and deletes too), a handler's own check is a 400 `{"detail": ...}` with the earlier
message, a declared bound of a query field a 422; our richer keys sit beside the earlier ones.
New notifications also arrive live over server-sent events (`AlertEventsView`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts import engine, events, selectors, services
from alerts.models import V2_RULE_TYPES, AlertNotification, AlertRule, RuleType
from alerts.serializers import (
    AcknowledgedSerializer,
    AlertNotificationSerializer,
    AlertRuleListSerializer,
    AlertRuleSerializer,
    DeletedRuleSerializer,
    NotificationCountSerializer,
    NotificationListSerializer,
    NotificationQuerySerializer,
)
from analysis.tickers import normalise_ticker
from core.api_errors import validated_or_422
from core.openapi import described_input


def _rule_body(*, partial: bool) -> serializers.Serializer:
    """A rule body as the schema describes it; `services.clean_rule` checks it."""
    return described_input(
        "RuleInput",
        {
            "ticker": serializers.CharField(help_text="US equity symbol, e.g. AAPL or BRK.B."),
            "rule_type": serializers.ChoiceField(
                choices=RuleType.choices,
                help_text="The v2 types (" + ", ".join(V2_RULE_TYPES) + ") need ALERTS_V2_ENABLED.",
            ),
            "threshold": serializers.FloatField(
                required=False,
                allow_null=True,
                help_text="; ".join(f"{t}: {engine.threshold_hint(t)}" for t in engine.RULE_TYPES),
            ),
            "enabled": serializers.BooleanField(required=False, default=True),
        },
        description="Body of POST /api/alerts (PUT takes the same fields, each optional).",
        partial=partial,
    )


RULE_BODY = _rule_body(partial=False)
RULE_CHANGES_BODY = _rule_body(partial=True)
RULE_QUERY = described_input(
    "RuleQuery", {"ticker": serializers.CharField(required=False, help_text="Only this ticker's rules.")}
)


def _ticker_filter(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return normalise_ticker(raw)


def _rule_or_404(rule_id: int) -> AlertRule:
    rule = AlertRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(f"Alert rule {rule_id} not found")
    return rule


def _rule_data(rule: AlertRule, v2_enabled: bool) -> dict[str, Any]:
    return AlertRuleSerializer(rule, context={"v2_enabled": v2_enabled}).data


class AlertRuleListView(APIView):
    @extend_schema(
        operation_id="alerts_rules_list",
        summary="Every alert rule, newest first (v2 rules listed as inactive while ALERTS_V2_ENABLED is off)",
        parameters=[RULE_QUERY],
        responses=AlertRuleListSerializer,
    )
    def get(self, request: Request) -> Response:
        ticker = _ticker_filter(request.query_params.get("ticker"))
        v2 = services.alerts_v2_enabled()
        found = list(selectors.rules(ticker=ticker).order_by("-created_at", "-id"))
        return Response(
            {
                "rules": AlertRuleSerializer(found, many=True, context={"v2_enabled": v2}).data,
                "total_count": len(found),
                "count": len(found),
                "alerts_v2_enabled": v2,
                "rule_types": services.accepted_rule_types(v2_enabled=v2),
            }
        )

    @extend_schema(
        operation_id="alerts_rules_create",
        summary="Create an alert rule (PMs and admins); v2 rule types need ALERTS_V2_ENABLED",
        description="200 with the rule. An identical rule is created again with a new id.",
        request=RULE_BODY,
        responses=AlertRuleSerializer,
    )
    def post(self, request: Request) -> Response:
        v2 = services.alerts_v2_enabled()
        rule = services.create_rule(data=request.data, v2_enabled=v2)
        return Response(_rule_data(rule, v2))


class AlertRuleDetailView(APIView):
    @extend_schema(
        operation_id="alerts_rules_retrieve", summary="One alert rule", responses=AlertRuleSerializer
    )
    def get(self, request: Request, rule_id: int) -> Response:
        return Response(_rule_data(_rule_or_404(rule_id), services.alerts_v2_enabled()))

    @extend_schema(
        operation_id="alerts_rules_update",
        summary="Change an alert rule (PMs and admins); fields left out keep their value",
        request=RULE_CHANGES_BODY,
        responses=AlertRuleSerializer,
    )
    def put(self, request: Request, rule_id: int) -> Response:
        return self._update(request, rule_id)

    @extend_schema(
        operation_id="alerts_rules_partial_update",
        summary="Change some fields of an alert rule (PMs and admins)",
        request=RULE_CHANGES_BODY,
        responses=AlertRuleSerializer,
    )
    def patch(self, request: Request, rule_id: int) -> Response:
        return self._update(request, rule_id)

    def _update(self, request: Request, rule_id: int) -> Response:
        v2 = services.alerts_v2_enabled()
        rule = services.update_rule(rule=_rule_or_404(rule_id), data=request.data, v2_enabled=v2)
        return Response(_rule_data(rule, v2))

    @extend_schema(
        operation_id="alerts_rules_destroy",
        summary="Delete an alert rule and its notifications (PMs and admins)",
        responses=DeletedRuleSerializer,
    )
    def delete(self, request: Request, rule_id: int) -> Response:
        return Response({"success": True, "deleted_id": services.delete_rule(rule=_rule_or_404(rule_id))})


class NotificationListView(APIView):
    @extend_schema(
        operation_id="alerts_notifications_list",
        summary="Alert notifications, newest first",
        parameters=[NotificationQuerySerializer],
        responses=NotificationListSerializer,
    )
    def get(self, request: Request) -> Response:
        params = validated_or_422(NotificationQuerySerializer(data=request.query_params))
        found = list(
            selectors.notifications(
                unacknowledged_only=params["unacknowledged"] or params["unacknowledged_only"],
                ticker=_ticker_filter(params.get("ticker")),
                limit=params["limit"],
            )
        )
        counts = selectors.notification_counts()
        return Response(
            {
                "notifications": AlertNotificationSerializer(found, many=True).data,
                "total_count": len(found),
                "count": len(found),
                **counts,
            }
        )


class NotificationCountView(APIView):
    @extend_schema(
        operation_id="alerts_notifications_count",
        summary="How many notifications are unread (`count`), with the unread and total counts",
        responses=NotificationCountSerializer,
    )
    def get(self, request: Request) -> Response:
        counts = selectors.notification_counts()
        return Response({"count": counts["unacknowledged"], **counts})


class NotificationAcknowledgeView(APIView):
    @extend_schema(
        operation_id="alerts_notifications_acknowledge",
        summary="Mark a notification read (PMs and admins); acknowledging twice is harmless",
        request=None,
        responses=AcknowledgedSerializer,
    )
    def post(self, request: Request, notification_id: int) -> Response:
        try:
            notification = services.acknowledge(notification_id=notification_id)
        except AlertNotification.DoesNotExist as exc:
            raise NotFound(f"Notification {notification_id} not found") from exc
        return Response(AcknowledgedSerializer(notification).data)


class JsonWhateverIsAccepted(BaseContentNegotiation):
    """Answers in JSON whatever the Accept header says.

    An EventSource asks for `text/event-stream`; a refusal (401, 403) must still be the JSON
    `{"detail": ...}`, never something that looks like a stream.
    """

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        return parsers[0]

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class AlertEventsView(APIView):
    """New alert notifications as server-sent events (django-eventstream's stream).

    Signed-in users (session) and integrators (token) only; DRF authenticates, the library
    streams the `alerts` channel and checks it again per read (`events.DeskChannelManager`).
    """

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonWhateverIsAccepted

    @extend_schema(
        operation_id="alerts_events_stream",
        summary="New alert notifications, live (server-sent events)",
        description=(
            "One `notification` event per new notification: `{notification, unacknowledged, total}`, "
            "`notification` shaped as in /api/alerts/notifications. Pass the page's current event id "
            "as `lastEventId` (or the `Last-Event-ID` header) to be replayed what came after it."
        ),
        parameters=[
            OpenApiParameter("lastEventId", str, description="Resume after this event id, e.g. alerts:41")
        ],
        responses={(200, "text/event-stream"): OpenApiTypes.STR},
    )
    def get(self, request: Request) -> HttpResponseBase:
        from django_eventstream.views import events as event_stream  # reads settings on import

        # DRF has put the authenticated user (session or token) on the Django request.
        return event_stream(request._request, channels=[events.CHANNEL])
