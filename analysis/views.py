"""Dashboard pages of the analysis app: search, one ticker's latest analysis, and History (past
calls beside the calibration evidence)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import can_write
from analysis.agents import AGENT_NAMES
from analysis.filters import REGIMES, RUN_KIND_FILTERS, DetailedHistoryQuerySerializer, apply_history_filters
from analysis.models import Analysis, Recommendation
from analysis.selectors import analysed_tickers, current_latest_for, history_for, stored_analysis_for
from analysis.serializers import AnalysisHistoryItemSerializer, AnalysisResponseSerializer
from analysis.tickers import InvalidTicker, normalise_ticker
from calibration.evaluation.selectors import parse_filters, signal_evaluation
from calibration.models import HORIZONS
from calibration.selectors import (
    calibration_summary,
    evidence_sources,
    latest_snapshot_date,
    market_today,
    reliability_for,
)
from calibration.serializers import CalibrationSummarySerializer, SummaryQuerySerializer, reliability_payload
from core.api_errors import error_messages
from core.flags import Flag, is_enabled


def analysis_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("ticker", "").strip()
    error = None
    if query:
        try:
            return redirect(reverse("analysis-ticker", args=[normalise_ticker(query)]))
        except InvalidTicker as exc:
            error = str(exc)
    return render(
        request,
        "analysis/index.html",
        {"tickers": analysed_tickers(), "query": query, "error": error},
        status=400 if error else 200,
    )


def ticker_page(request: HttpRequest, ticker: str) -> HttpResponse:
    try:
        symbol = normalise_ticker(ticker)
    except InvalidTicker as exc:
        return render(
            request, "analysis/index.html", {"tickers": analysed_tickers(), "error": str(exc)}, status=400
        )
    if symbol != ticker:
        return redirect(reverse("analysis-ticker", args=[symbol]))
    # The current call, or one named analysis of the ticker (a replay, a run as of a past date).
    raw_id = request.GET.get("analysis_id", "").strip()
    if raw_id:
        named = stored_analysis_for(symbol, int(raw_id)) if raw_id.isdigit() and raw_id.isascii() else None
        if named is None or named.ticker != symbol:
            return render(
                request,
                "analysis/index.html",
                {"tickers": analysed_tickers(), "error": f"{symbol} has no analysis {raw_id[:20]}."},
                status=404,
            )
        analysis: Analysis | None = named
    else:
        analysis = current_latest_for(symbol)
    report = AnalysisResponseSerializer(analysis).data if analysis else None
    context = {
        "ticker": symbol,
        "analysis": analysis,
        "showing_named": bool(raw_id),
        "tickers": analysed_tickers(),
        "report": report,
        "a": report["analysis"] if report else None,
        "contract": (report["analysis"].get("signal_contract_v2") if report else None),
        "agent_rows": _agent_rows(report) if report else [],
        "horizon_rows": _horizon_rows(report["analysis"].get("signal_contract_v2")) if report else [],
        "pm_dashboard": is_enabled(Flag.UI_PM_DASHBOARD),
        "can_run": can_write(request.user),
        "agent_names": AGENT_NAMES,
        "chart": _chart(report) if report else None,
        "contract_json": json.dumps(report["analysis"].get("signal_contract_v2"), indent=2) if report else "",
    }
    return render(request, "analysis/ticker.html", context)


def _agent_rows(report: dict) -> list[dict]:
    directions = (report["analysis"].get("diagnostics") or {}).get("agent_directions") or {}
    sources = (report["analysis"].get("diagnostics") or {}).get("sources") or {}
    return [
        {
            "name": name,
            "success": result["success"],
            "direction": directions.get(name, "—") if result["success"] else "—",
            "duration_ms": round((result["duration_seconds"] or 0) * 1000, 1),
            "error": result["error"],
            "source": sources.get(name, "—"),
            **_provenance(result),
        }
        for name, result in report["agent_results"].items()
    ]


def _provenance(result: dict) -> dict:
    """Where an agent's data came from, as of when, and whether it is as known then (badge text)."""
    data = result.get("data") or {}
    return {
        "data_source": data.get("data_source") if result["success"] else None,
        "data_as_of": data.get("as_of_date") or data.get("as_of"),
        "fetched_at": data.get("source_fetched_at"),
        "point_in_time": data.get("point_in_time", True),
        "is_demo": bool(data.get("is_demo_data")),
    }


def _horizon_rows(contract: dict | None) -> list[dict]:
    if not contract:
        return []
    return [
        {
            "horizon": horizon,
            "expected": contract["expected_return_pct"][horizon],
            "downside": contract["downside_risk_pct"][horizon],
            "hit_rate": contract["hit_rate"][horizon],
        }
        for horizon in ("1d", "7d", "30d")
    ]


def _chart(report: dict) -> dict | None:
    market = (report["agent_results"].get("market") or {}).get("data") or {}
    return market.get("chart")


# --- History ---------------------------------------------------------------------------------

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


def history_page(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    window = SummaryQuerySerializer(data={"window_days": request.GET.get("window_days", "").strip() or 180})
    if window.is_valid():
        window_days = window.validated_data["window_days"]
    else:
        errors += error_messages(window.errors)
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
        errors.extend(error_messages(query.errors))
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
