"""`/`: the dashboard for browsers, the earlier system's JSON index for API clients."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import pmresearch
from desk.views import dashboard_page

API_NAME = "pmresearch API"

# The earlier index's names first (clients look them up by name), then this project's routes.
ENDPOINTS = {
    "analyze": "POST /api/analyze/{ticker}",
    "stream": "GET /api/analyze/{ticker}/stream",
    "latest": "GET /api/analysis/{ticker}/latest",
    "history": "GET /api/analysis/{ticker}/history",
    "history_detailed": "GET /api/analysis/{ticker}/history/detailed",
    "tickers": "GET /api/analysis/tickers",
    "export_csv": "GET /api/analysis/{ticker}/export/csv",
    "export_pdf": "GET /api/analysis/{ticker}/export/pdf",
    "watchlists": "GET /api/watchlists",
    "watchlist_analyze": "POST /api/watchlists/{id}/analyze",
    "watchlist_opportunities": "GET /api/watchlists/{id}/opportunities",
    "schedules": "POST/GET /api/schedules",
    "schedule_runs": "GET /api/schedules/{id}/runs",
    "portfolio": "GET /api/portfolio",
    "macro_events": "GET /api/macro-events",
    "calibration_summary": "GET /api/calibration/summary",
    "calibration_reliability": "GET /api/calibration/reliability",
    "rollout_phase7_status": "GET /api/rollout/phase7/status",
    "alerts": "POST/GET /api/alerts",
    "alert_notifications": "GET /api/alerts/notifications",
    "health": "GET /health",
    "delete_analysis": "DELETE /api/analysis/{id}",
    "history_export_csv": "GET /api/analysis/{ticker}/history/export/csv",
    "calibration_ticker": "GET /api/calibration/ticker/{ticker}",
    "portfolio_profile": "GET/PUT /api/portfolio/profile",
    "portfolio_holdings": "POST/GET /api/portfolio/holdings",
    "portfolio_optimize": "POST /api/portfolio/optimize/{ticker}",
    "watchlist_opportunities_csv": "GET /api/watchlists/{id}/opportunities.csv",
    "alert_events": "GET /api/alerts/events",
    "alert_notification_count": "GET /api/alerts/notifications/count",
    "signal_contract_schema": "GET /api/schemas/signal-contract-v2.json",
    "openapi_schema": "GET /api/schema",
    "api_docs": "GET /api/docs",
}


class ApiIndexView(APIView):
    """The earlier system's `GET /` index: its message, version and endpoints."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        return Response({"message": API_NAME, "version": pmresearch.__version__, "endpoints": ENDPOINTS})


api_index = ApiIndexView.as_view()


def wants_json(request: HttpRequest) -> bool:
    """An API client: a token, or JSON asked for without HTML (browsers always list text/html)."""
    accept = request.headers.get("Accept", "")
    if request.headers.get("Authorization", "").startswith("Token "):
        return True
    return "application/json" in accept and "text/html" not in accept


def dashboard(request: HttpRequest) -> HttpResponse:
    """The desk's brief (`desk`), which reads every app."""
    return dashboard_page(request)


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """JSON callers get the index (authenticated as every API route is); browsers the dashboard."""
    if wants_json(request):
        return api_index(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return dashboard(request)
