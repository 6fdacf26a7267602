"""Dashboard pages of the calibration app: Schedules (the history page is `analysis.views`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import can_configure
from analysis.agents import AGENT_NAMES
from calibration.models import Schedule
from calibration.schedules.editing import create_schedule, delete_schedule, set_schedule_enabled
from calibration.schedules.serializers import (
    DEFAULT_EVENT_DAYS,
    ScheduleRunSerializer,
    ScheduleSerializer,
)
from calibration.selectors import (
    macro_events,
    market_today,
    recent_schedule_runs,
    schedules_with_last_run,
)
from core.domain_errors import DomainError

RECENT_RUNS = 20


def _schedules_context(request: HttpRequest) -> dict[str, Any]:
    today = market_today()
    return {
        "schedules": ScheduleSerializer(schedules_with_last_run(), many=True).data,
        "runs": ScheduleRunSerializer(recent_schedule_runs(limit=RECENT_RUNS), many=True).data,
        "events": list(macro_events(start=today, end=today + dt.timedelta(days=DEFAULT_EVENT_DAYS))),
        "event_days": DEFAULT_EVENT_DAYS,
        "can_configure": can_configure(request.user),
        # Beat only runs schedules with this on: without it the table is a plan, not a timer.
        "scheduler_enabled": settings.SCHEDULER_ENABLED,
        "agent_names": AGENT_NAMES,
        "form": {"ticker": "", "interval_minutes": "60", "agents": [], "enabled": True},
        "error": None,
    }


def _admin_only(request: HttpRequest) -> None:
    if not can_configure(request.user):
        raise PermissionDenied("Only a desk admin can change schedules.")


def schedules_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _add_schedule(request)
    return render(request, "calibration/schedules.html", _schedules_context(request))


def _add_schedule(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = {
        "ticker": request.POST.get("ticker", ""),
        "interval_minutes": request.POST.get("interval_minutes", ""),
        "agents": request.POST.getlist("agents"),
        "enabled": request.POST.get("enabled") == "on",
    }
    try:
        schedule = create_schedule(data=form)
    except DomainError as exc:
        context = _schedules_context(request)
        context.update({"form": form, "error": exc.detail})
        return render(request, "calibration/schedules.html", context, status=400)
    messages.success(request, f"Schedule for {schedule.ticker} added: every {schedule.interval_minutes} min.")
    return redirect("schedules")


@require_POST
def schedule_enable(request: HttpRequest, schedule_id: int) -> HttpResponse:
    _admin_only(request)
    schedule = set_schedule_enabled(schedule=get_object_or_404(Schedule, pk=schedule_id), enabled=True)
    messages.success(request, f"Schedule for {schedule.ticker} enabled.")
    return redirect("schedules")


@require_POST
def schedule_disable(request: HttpRequest, schedule_id: int) -> HttpResponse:
    _admin_only(request)
    schedule = set_schedule_enabled(schedule=get_object_or_404(Schedule, pk=schedule_id), enabled=False)
    messages.success(request, f"Schedule for {schedule.ticker} disabled.")
    return redirect("schedules")


@require_POST
def schedule_delete(request: HttpRequest, schedule_id: int) -> HttpResponse:
    _admin_only(request)
    schedule = get_object_or_404(Schedule, pk=schedule_id)
    ticker = schedule.ticker
    delete_schedule(schedule=schedule)
    messages.success(request, f"Schedule for {ticker} deleted.")
    return redirect("schedules")
