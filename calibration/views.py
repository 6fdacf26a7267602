"""Dashboard pages of the calibration app: History (calibration evidence, past calls) and Schedules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.roles import can_configure
from analysis.agents import AGENT_NAMES
from analysis.filters import (
    REGIMES,
    RUN_KIND_FILTERS,
    DetailedHistoryQuerySerializer,
    apply_history_filters,
)
from analysis.models import Recommendation
from analysis.selectors import analysed_tickers, history_for
from analysis.serializers import AnalysisHistoryItemSerializer
from analysis.tickers import InvalidTicker, normalise_ticker
from calibration.evaluation.selectors import parse_filters, signal_evaluation
from calibration.models import HORIZONS, Schedule
from calibration.schedule_service import create_schedule, delete_schedule, set_schedule_enabled
from calibration.selectors import (
    calibration_summary,
    evidence_sources,
    latest_snapshot_date,
    macro_events,
    market_today,
    recent_schedule_runs,
    reliability_for,
    schedules_with_last_run,
)
from calibration.serializers import (
    DEFAULT_EVENT_DAYS,
    CalibrationSummarySerializer,
    ScheduleRunSerializer,
    ScheduleSerializer,
    SummaryQuerySerializer,
    reliability_payload,
)
from pmresearch.errors import DomainError

# The history table's GET form: the detailed history filters, plus paging.
FILTER_NAMES = (
    "start_date",
    "end_date",
    "recommendation",
    "min_ev",
    "min_confidence",
    "min_quality",
    "regime",
    "run_kind",
    "limit",
    "offset",
)
# Evidence older than this is labelled stale on the cards.
STALE_AFTER_DAYS = 7
RECENT_RUNS = 20


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, Mapping):
        return [
            f"{name}: {message}" if name != "non_field_errors" else message
            for name, value in errors.items()
            for message in _messages(value)
        ]
    if isinstance(errors, list):
        return [message for item in errors for message in _messages(item)]
    return [str(errors)]


def history_page(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    window = SummaryQuerySerializer(data={"window_days": request.GET.get("window_days", "").strip() or 180})
    if window.is_valid():
        window_days = window.validated_data["window_days"]
    else:
        errors += _messages(window.errors)
        window_days = 180
    today = market_today()
    # The cards show the newest evidence there is, dated, even when it is old (a replay's).
    anchor = latest_snapshot_date() or today
    summary = CalibrationSummarySerializer(
        calibration_summary(window_days=window_days, as_of_date=anchor)
    ).data
    reliability = {
        horizon: reliability_payload(horizon, *reliability_for(horizon_days=horizon, as_of_date=today))
        for horizon in HORIZONS
    }
    sources = evidence_sources(window_days=window_days, as_of_date=anchor)
    horizons = [
        {
            **row,
            "reliability": reliability[row["horizon_days"]],
            "card": _card(row["snapshot"], today),
            "evidence_label": _evidence_label(sources[row["horizon_days"]]),
        }
        for row in summary["horizon_summaries"]
    ]
    table = _history_table(request, errors)
    evaluation = _evaluation(request, errors)
    chart_data = {
        "horizons": [
            {"horizon_days": row["horizon_days"], "reliability": row["reliability"], "trend": row["trend"]}
            for row in horizons
        ],
        "evaluation": evaluation,
    }
    context = {
        "summary": summary,
        "horizons": horizons,
        "window_days": window_days,
        "chart_data": chart_data,
        "evaluation": evaluation,
        "errors": errors,
        "tickers": analysed_tickers(),
        "recommendations": Recommendation.values,
        "regimes": REGIMES,
        "run_kinds": RUN_KIND_FILTERS,
        **table,
    }
    return render(request, "calibration/history.html", context, status=400 if errors else 200)


def _evaluation(request: HttpRequest, errors: list[str]) -> dict[str, Any]:
    """The signal evaluation of the chosen horizon (7 days unless `evaluation_horizon` says otherwise)."""
    try:
        filters = parse_filters(horizon=request.GET.get("evaluation_horizon", "").strip() or None)
    except ValueError as exc:
        errors.append(f"evaluation_horizon: {exc}")
        filters = parse_filters()
    return signal_evaluation(filters)


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def _card(snapshot: Mapping[str, Any] | None, today: dt.date) -> dict[str, Any] | None:
    """What a calibration card shows, in display units (percent for rates)."""
    if snapshot is None:
        return None
    as_of = dt.date.fromisoformat(snapshot["as_of_date"])
    return {
        "as_of_date": as_of,
        "age_days": (today - as_of).days,
        "stale": (today - as_of).days > STALE_AFTER_DAYS,
        "sample_size": snapshot["sample_size"],
        "accuracy_pct": _percent(snapshot["directional_accuracy"]),
        "brier_score": snapshot["brier_score"],
        "ece": snapshot["expected_calibration_error"],
        "mean_confidence_pct": _percent(snapshot["mean_confidence"]),
        "mean_net_return_pct": snapshot["mean_net_return_pct"],
        "avg_realized_return_pct": snapshot["avg_realized_return_pct"],
        "mean_drawdown_pct": snapshot["mean_drawdown_pct"],
    }


def _evidence_label(counts: Mapping[str, int]) -> dict[str, Any] | None:
    """What a card says about where its outcomes came from, when any are demo data or replays."""
    demo, replay = counts["demo"], counts["replay"]
    if not demo and not replay:
        return None
    if demo and replay:
        text = "demo replay evidence"
    elif demo:
        text = "demo data"
    else:
        text = "replay evidence"
    return {"text": text, "demo": demo, "replay": replay, "total": counts["total"]}


def _history_table(request: HttpRequest, errors: list[str]) -> dict[str, Any]:
    """The filtered, paged history of the ticker in the GET form (errors appended to `errors`)."""
    raw_ticker = request.GET.get("ticker", "").strip()
    filters = {name: value for name in FILTER_NAMES if (value := request.GET.get(name, "").strip())}
    table: dict[str, Any] = {"ticker": raw_ticker, "filters": filters, "rows": None}
    if not raw_ticker:
        return table
    try:
        symbol = normalise_ticker(raw_ticker)
    except InvalidTicker as exc:
        errors.append(str(exc))
        return table
    query = DetailedHistoryQuerySerializer(data=filters)
    if not query.is_valid():
        errors.extend(_messages(query.errors))
        return table
    params = query.validated_data
    queryset = apply_history_filters(history_for(symbol, run_kind=params.get("run_kind")), params)
    total = queryset.count()
    offset, limit = params["offset"], params["limit"]
    rows = AnalysisHistoryItemSerializer(queryset[offset : offset + limit], many=True).data
    base = {"ticker": symbol, **filters}

    def page_url(new_offset: int) -> str:
        return "?" + urlencode({**base, "offset": new_offset})

    table.update(
        {
            "ticker": symbol,
            "rows": rows,
            "total": total,
            "first": offset + 1 if rows else 0,
            "last": offset + len(rows),
            "previous_url": page_url(max(0, offset - limit)) if offset > 0 else None,
            "next_url": page_url(offset + limit) if offset + limit < total else None,
            "csv_url": reverse("api-analysis-history-export-csv", args=[symbol])
            + ("?" + urlencode(filters) if filters else ""),
        }
    )
    return table


# --- schedules -------------------------------------------------------------------------------


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
