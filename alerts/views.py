"""The Alerts page: rules (create, enable/disable, delete), the notifications feed with its
unread filter and acknowledge buttons, and a playbook action card per notification. New
notifications arrive live (static/js/alerts.js): the page fetches each one's feed item here.

Server-rendered; every change is a POST form with CSRF, for PMs and admins only (viewers
read). Rule input goes through `alerts.services`, like the API's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import can_write
from alerts import engine, selectors, services
from alerts.models import V2_RULE_TYPES, AlertNotification, AlertRule
from alerts.serializers import AlertNotificationSerializer
from core.domain_errors import DomainError

FEED_LIMIT = 50
ACTION_LABELS = {
    "add": "Add",
    "trim": "Trim",
    "exit": "Exit",
    "hold": "Hold",
    "buy": "Buy",
    "avoid": "Avoid",
    "review": "Review",
}
SOURCE_LABELS = {
    "optimizer_v2": "Portfolio optimizer v2",
    "decision_card": "Decision card",
    "recommendation": "Recommendation",
}


def _rule_type_options(v2_enabled: bool) -> list[dict[str, Any]]:
    return [
        {
            "value": rule_type,
            "hint": engine.threshold_hint(rule_type),
            "needs_threshold": rule_type not in engine.NO_THRESHOLD,
            "is_v2": rule_type in V2_RULE_TYPES,
        }
        for rule_type in services.accepted_rule_types(v2_enabled=v2_enabled)
    ]


def _feed_items(notifications: Iterable[AlertNotification]) -> list[dict[str, Any]]:
    """Notifications as the API shapes them, each playbook card (`playbook`) with its labels."""
    feed = AlertNotificationSerializer(notifications, many=True).data
    for item in feed:
        action = item["playbook"] if isinstance(item["playbook"], dict) else None
        item["playbook"] = (
            {
                **action,
                "action_label": ACTION_LABELS.get(
                    str(action.get("action")), str(action.get("action", "")).title()
                ),
                "source_label": SOURCE_LABELS.get(str(action.get("source")), str(action.get("source", ""))),
            }
            if action
            else None
        )
    return feed


def _context(request: HttpRequest) -> dict[str, Any]:
    v2 = services.alerts_v2_enabled()
    unread_only = request.GET.get("unread") == "1"
    rules = [
        {
            "rule": rule,
            "is_v2": rule.rule_type in V2_RULE_TYPES,
            "active": selectors.rule_is_active(rule, v2_enabled=v2),
        }
        for rule in selectors.rules()
    ]
    feed = _feed_items(selectors.notifications(unacknowledged_only=unread_only, limit=FEED_LIMIT))
    return {
        "v2_enabled": v2,
        "rule_types": _rule_type_options(v2),
        "rules": rules,
        "notifications": feed,
        "unread_only": unread_only,
        "counts": selectors.notification_counts(),
        "feed_limit": FEED_LIMIT,
        "can_write": can_write(request.user),
        "form": {"ticker": "", "rule_type": "", "threshold": ""},
        "error": None,
    }


@require_GET
def notification_item(request: HttpRequest, notification_id: int) -> HttpResponse:
    """One notification as the feed shows it, for the page to prepend when it arrives live."""
    notification = selectors.notifications().filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    context = {
        "n": _feed_items([notification])[0],
        "can_write": can_write(request.user),
        "unread_only": request.GET.get("unread") == "1",
    }
    return render(request, "alerts/_notification.html", context)


def _writers_only(request: HttpRequest) -> None:
    if not can_write(request.user):
        raise PermissionDenied("Only a PM or an admin can change alerts.")


def alerts_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _add_rule(request)
    return render(request, "alerts/index.html", _context(request))


def _add_rule(request: HttpRequest) -> HttpResponse:
    _writers_only(request)
    form = {
        "ticker": request.POST.get("ticker", ""),
        "rule_type": request.POST.get("rule_type", ""),
        "threshold": request.POST.get("threshold", ""),
    }
    try:
        rule = services.create_rule(data=form)
    except DomainError as exc:
        context = _context(request)
        context.update({"form": form, "error": exc.detail})
        return render(request, "alerts/index.html", context, status=400)
    messages.success(request, f"Alert rule added: {rule}.")
    return redirect("alerts")


def _back(request: HttpRequest) -> HttpResponse:
    """To the page, keeping the unread filter the form was posted from."""
    url = reverse("alerts")
    return redirect(url + "?unread=1" if request.POST.get("unread") == "1" else url)


@require_POST
def rule_enable(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _set_enabled(request, rule_id, enabled=True)


@require_POST
def rule_disable(request: HttpRequest, rule_id: int) -> HttpResponse:
    return _set_enabled(request, rule_id, enabled=False)


def _set_enabled(request: HttpRequest, rule_id: int, *, enabled: bool) -> HttpResponse:
    _writers_only(request)
    rule = get_object_or_404(AlertRule, pk=rule_id)
    try:
        services.set_rule_enabled(rule=rule, enabled=enabled)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Alert rule {rule} {'enabled' if enabled else 'disabled'}.")
    return _back(request)


@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    _writers_only(request)
    rule = get_object_or_404(AlertRule, pk=rule_id)
    shown = str(rule)
    services.delete_rule(rule=rule)
    messages.success(request, f"Alert rule {shown} deleted.")
    return _back(request)


@require_POST
def notification_acknowledge(request: HttpRequest, notification_id: int) -> HttpResponse:
    _writers_only(request)
    try:
        services.acknowledge(notification_id=notification_id)
    except AlertNotification.DoesNotExist:
        messages.error(request, "That notification no longer exists.")
    return _back(request)


@require_POST
def notifications_acknowledge_all(request: HttpRequest) -> HttpResponse:
    _writers_only(request)
    count = services.acknowledge_all()
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return _back(request)
