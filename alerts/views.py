"""Dashboard pages of the alerts app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alerts.models import AlertNotification, AlertRule


def alerts_page(request: HttpRequest) -> HttpResponse:
    context = {
        "rule_count": AlertRule.objects.count(),
        "unread_count": AlertNotification.objects.filter(acknowledged=False).count(),
    }
    return render(request, "alerts/index.html", context)
