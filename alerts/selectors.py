"""Reads over alert rules and notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from alerts.models import V2_RULE_TYPES, AlertNotification, AlertRule


def rules(*, ticker: str | None = None) -> QuerySet[AlertRule]:
    found = AlertRule.objects.order_by("ticker", "rule_type", "id")
    return found.filter(ticker=ticker) if ticker else found


def rule_is_active(rule: AlertRule, *, v2_enabled: bool) -> bool:
    """Whether the rule is evaluated after an interactive analysis now."""
    return rule.enabled and (v2_enabled or rule.rule_type not in V2_RULE_TYPES)


def notifications(
    *, unacknowledged_only: bool = False, ticker: str | None = None, limit: int | None = None
) -> QuerySet[AlertNotification]:
    """Newest first, with their rule (for its type)."""
    found = AlertNotification.objects.select_related("alert_rule").order_by("-created_at", "-id")
    if unacknowledged_only:
        # exclude(), not filter(False): legacy rows may hold NULL, which the earlier system read as unread.
        found = found.exclude(acknowledged=True)
    if ticker:
        found = found.filter(ticker=ticker)
    return found[:limit] if limit is not None else found


def unread_count() -> int:
    # exclude(), not filter(False): legacy rows may hold NULL, which the earlier system read as unread.
    return AlertNotification.objects.exclude(acknowledged=True).count()


def notification_counts() -> dict[str, int]:
    return {"unacknowledged": unread_count(), "total": AlertNotification.objects.count()}
