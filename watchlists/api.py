"""JSON API for watchlists: CRUD, tickers, a streamed analysis of every ticker, and ranking.

Reads are open to every signed-in user; writes need a PM or an admin (the default
DeskRolePermission), and so does running analyses (DeskWriterPermission). Every bad input is
a 400 `{"detail": ...}`, checked before any stream starts.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import DeskWriterPermission
from analysis.api import AGENTS_PARAM, AS_OF_PARAM
from analysis.models import Analysis, RunKind
from analysis.serializers import AnalysisResponseSerializer
from analysis.services import RunContext, prepare_run, run_analysis
from analysis.streams import EventStreamRenderer
from pmresearch.errors import DomainError
from rollout.flags import Flag, is_enabled
from watchlists import selectors, services
from watchlists.exports import opportunities_csv, opportunities_filename
from watchlists.models import Watchlist
from watchlists.ranking import rank_opportunities
from watchlists.serializers import (
    DeletedWatchlistSerializer,
    OpportunityListSerializer,
    OpportunityQuerySerializer,
    TickerInputSerializer,
    WatchlistInputSerializer,
    WatchlistListSerializer,
    WatchlistSerializer,
)
from watchlists.streams import watchlist_events

TICKER_PATH_PARAM = OpenApiParameter(
    "ticker", str, OpenApiParameter.PATH, description="US equity symbol, e.g. AAPL or BRK.B"
)


def _watchlist_or_404(watchlist_id: int) -> Watchlist:
    watchlist = selectors.watchlist(watchlist_id)
    if watchlist is None:
        raise NotFound(f"No watchlist with id {watchlist_id}.")
    return watchlist


def _watchlist_data(watchlist_id: int) -> dict[str, Any]:
    """W, read fresh (with its tickers) after a write."""
    return WatchlistSerializer(_watchlist_or_404(watchlist_id)).data


class WatchlistListView(APIView):
    @extend_schema(
        operation_id="watchlists_list",
        summary="Every watchlist with its tickers",
        responses=WatchlistListSerializer,
    )
    def get(self, request: Request) -> Response:
        found = list(selectors.watchlists())
        return Response({"watchlists": WatchlistSerializer(found, many=True).data, "count": len(found)})

    @extend_schema(
        operation_id="watchlists_create",
        summary="Create a watchlist (PMs and admins); names are unique ignoring case",
        request=WatchlistInputSerializer,
        responses={201: WatchlistSerializer},
    )
    def post(self, request: Request) -> Response:
        watchlist = services.create_watchlist(data=request.data)
        return Response(_watchlist_data(watchlist.pk), status=status.HTTP_201_CREATED)


class WatchlistDetailView(APIView):
    @extend_schema(operation_id="watchlists_retrieve", summary="One watchlist", responses=WatchlistSerializer)
    def get(self, request: Request, watchlist_id: int) -> Response:
        return Response(WatchlistSerializer(_watchlist_or_404(watchlist_id)).data)

    @extend_schema(
        operation_id="watchlists_update",
        summary="Rename a watchlist (PMs and admins)",
        request=WatchlistInputSerializer,
        responses=WatchlistSerializer,
    )
    def put(self, request: Request, watchlist_id: int) -> Response:
        services.rename_watchlist(watchlist=_watchlist_or_404(watchlist_id), data=request.data)
        return Response(_watchlist_data(watchlist_id))

    @extend_schema(
        operation_id="watchlists_destroy",
        summary="Delete a watchlist and its tickers (PMs and admins); analyses are kept",
        responses=DeletedWatchlistSerializer,
    )
    def delete(self, request: Request, watchlist_id: int) -> Response:
        return Response({"deleted_id": services.delete_watchlist(watchlist=_watchlist_or_404(watchlist_id))})


class WatchlistTickersView(APIView):
    @extend_schema(
        operation_id="watchlists_tickers_create",
        summary="Add a ticker to a watchlist (PMs and admins); a ticker already there is refused",
        request=TickerInputSerializer,
        responses={201: WatchlistSerializer},
    )
    def post(self, request: Request, watchlist_id: int) -> Response:
        services.add_ticker(watchlist=_watchlist_or_404(watchlist_id), data=request.data)
        return Response(_watchlist_data(watchlist_id), status=status.HTTP_201_CREATED)


class WatchlistTickerDetailView(APIView):
    @extend_schema(
        operation_id="watchlists_tickers_destroy",
        summary="Remove a ticker from a watchlist (PMs and admins)",
        parameters=[TICKER_PATH_PARAM],
        responses=WatchlistSerializer,
    )
    def delete(self, request: Request, watchlist_id: int, ticker: str) -> Response:
        services.remove_ticker(watchlist=_watchlist_or_404(watchlist_id), raw_ticker=ticker)
        return Response(_watchlist_data(watchlist_id))


class WatchlistAnalyzeView(APIView):
    """SSE: `result` (the canonical analysis shape) or `error` per ticker as each finishes, then
    `done`. Errors before the stream (bad input, permissions) are always JSON."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]
    permission_classes = [DeskWriterPermission]

    @extend_schema(
        operation_id="watchlists_analyze",
        summary="Analyse every ticker of a watchlist, streaming each result (server-sent events)",
        description=(
            "Events: `result` (the analyze response shape), `error` {ticker, detail}, then `done` "
            "{watchlist_id, total, succeeded, failed, duration_seconds, concurrency, opportunities}; "
            "`opportunities` ranks this run's analyses when WATCHLIST_RANKING_ENABLED is on, else null. "
            "At most WATCHLIST_CONCURRENCY analyses run at once."
        ),
        parameters=[AGENTS_PARAM, AS_OF_PARAM],
        request=None,
        responses={(200, "text/event-stream"): OpenApiTypes.STR},
    )
    def post(self, request: Request, watchlist_id: int) -> StreamingHttpResponse:
        watchlist = _watchlist_or_404(watchlist_id)
        tickers = selectors.tickers_of(watchlist)
        # Validate before streaming, so bad input is a plain 400.
        if not tickers:
            raise DomainError(f"Watchlist {watchlist.name} has no tickers yet; add one first.")
        options = services.parse_run_options(
            agents=request.query_params.get("agents"), as_of=request.query_params.get("as_of")
        )

        shared: list[RunContext] = []
        shared_lock = threading.Lock()

        def run(ticker: str) -> Analysis:
            # Built once, by the first ticker's thread, not here: the stream must start at once.
            with shared_lock:
                if not shared:
                    shared.append(
                        prepare_run(
                            as_of=options.as_of,
                            share_market=True,
                            engine_processes=settings.WATCHLIST_ENGINE_PROCESSES,
                        )
                    )
            return run_analysis(
                ticker=ticker,
                agents=list(options.agents),
                as_of=options.as_of,
                run_kind=RunKind.WATCHLIST,
                context=shared[0],
            )

        def serialize(analysis: Analysis) -> dict[str, Any]:
            fresh = Analysis.objects.prefetch_related("agent_results").get(pk=analysis.pk)
            return AnalysisResponseSerializer(fresh).data

        def rank(results: list[Analysis]) -> list[dict[str, Any]] | None:
            if not is_enabled(Flag.WATCHLIST_RANKING):
                return None
            return rank_opportunities(selectors.rows_for_analyses(a.pk for a in results), limit=None)

        response = StreamingHttpResponse(
            watchlist_events(
                watchlist_id=watchlist.pk,
                tickers=tickers,
                run=run,
                serialize=serialize,
                concurrency=settings.WATCHLIST_CONCURRENCY,
                rank=rank,
            ),
            content_type="text/event-stream",
        )
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # Anything but the stream is an error answered before streaming: always JSON.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class WatchlistOpportunitiesView(APIView):
    @extend_schema(
        operation_id="watchlists_opportunities",
        summary="Rank each ticker's latest analysis (nothing is re-run)",
        description=(
            "Order: EV (7d) highest first, then calibrated confidence, then data quality, then ticker; "
            "missing values sort last (v1 analyses after every row with an EV). A row without the "
            "value a filter asks about is left out. Tickers with no analysis are listed in `missing`."
        ),
        parameters=[OpportunityQuerySerializer],
        responses=OpportunityListSerializer,
    )
    def get(self, request: Request, watchlist_id: int) -> Response:
        report = services.opportunities_report(
            watchlist=_watchlist_or_404(watchlist_id), params=request.query_params
        )
        return Response(report)


class WatchlistOpportunitiesCsvView(APIView):
    @extend_schema(
        operation_id="watchlists_opportunities_csv",
        summary="The ranked opportunities as CSV (same filters); cells safe to open in a spreadsheet",
        parameters=[OpportunityQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, watchlist_id: int) -> HttpResponse:
        watchlist = _watchlist_or_404(watchlist_id)
        report = services.opportunities_report(watchlist=watchlist, params=request.query_params)
        response = HttpResponse(
            opportunities_csv(report["opportunities"]), content_type="text/csv; charset=utf-8"
        )
        filename = opportunities_filename(watchlist.name, timezone.now())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
