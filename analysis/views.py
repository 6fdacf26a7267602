"""Dashboard pages of the analysis app: search, and one ticker's latest analysis."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.roles import can_write
from analysis.agents import AGENT_NAMES
from analysis.models import Analysis
from analysis.selectors import analysed_tickers, current_latest_for, stored_analysis_for
from analysis.serializers import AnalysisResponseSerializer
from analysis.tickers import InvalidTicker, normalise_ticker
from rollout.flags import Flag, is_enabled


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
