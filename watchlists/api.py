"""JSON API for watchlists: CRUD, tickers, a streamed analysis of every ticker, and ranking.

Reads are open to every signed-in user; writes need a PM or an admin (the default
DeskRolePermission), and so does running analyses (DeskWriterPermission). Statuses and bodies
are the earlier API's: every success is a 200; a value outside a declared bound (name 1..50
characters, body ticker of 1..5 letters plus a share class, opportunity filters, a non-integer
id) is a 422; the handler's own checks (a ticker's format, agent names, an empty watchlist) are
a 400; a duplicate name a 409. Every error comes before any stream starts.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import DeskWriterPermission
from analysis.api import AGENTS_PARAM, AS_OF_PARAM
from analysis.exports.renderers import CsvRenderer, FileExportMixin
from analysis.streams import EventStreamRenderer, event_stream_response
from core.api_errors import InvalidInput, validated_or_422
from core.domain_errors import DomainError
from core.openapi import described_input
from watchlists import selectors, services
from watchlists.bulk_add import add_pasted_tickers
from watchlists.exports import opportunities_csv, opportunities_filename
from watchlists.models import Watchlist
from watchlists.ranking import DEFAULT_SORT, SORT_KEYS
from watchlists.runs import analyze_watchlist
from watchlists.serializers import (
    DeletedWatchlistSerializer,
    OpportunityListSerializer,
    RenamedWatchlistSerializer,
    TickerChangeSerializer,
    TickerInputSerializer,
    WatchlistDetailSerializer,
    WatchlistInputSerializer,
    WatchlistListSerializer,
    WatchlistSerializer,
)

RUN_TICKERS_PARAM = OpenApiParameter(
    "tickers", str, description="Only these tickers of the list, comma separated (resume an interrupted run)"
)
# The opportunity filters as the schema describes them; `services.parse_opportunity_filters`
# checks them.
OPPORTUNITY_QUERY = described_input(
    "OpportunityQuery",
    {
        "limit": serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=services.OPPORTUNITY_LIMIT_MAX,
            default=services.OPPORTUNITY_LIMIT_DEFAULT,
        ),
        "min_quality": serializers.FloatField(
            required=False, min_value=0, max_value=100, help_text="Minimum data quality (0-100)."
        ),
        "min_ev": serializers.FloatField(required=False, help_text="Minimum 7-day EV score."),
        "sort": serializers.ChoiceField(
            choices=list(SORT_KEYS),
            required=False,
            default=DEFAULT_SORT,
            help_text="`ev` (default: EV, then calibrated confidence, then data quality) or "
            "`expected_net_return` (the call's expected 7-day return net of costs first).",
        ),
    },
)
TICKER_PATH_PARAM = OpenApiParameter(
    "ticker", str, OpenApiParameter.PATH, description="US equity symbol, e.g. AAPL or BRK.B"
)


def _watchlist_or_404(watchlist_id: int) -> Watchlist:
    watchlist = selectors.watchlist(watchlist_id)
    if watchlist is None:
        raise DomainError(f"Watchlist {watchlist_id} not found", status_code=404)
    return watchlist


def _watchlist_data(watchlist_id: int) -> dict[str, Any]:
    """W, read fresh (with its tickers) after a write."""
    return WatchlistSerializer(_watchlist_or_404(watchlist_id)).data


def _ticker_change(watchlist_id: int, ticker: str, *, changed: bool) -> dict[str, Any]:
    return {
        "success": True,
        "ticker": ticker,
        "watchlist_id": watchlist_id,
        "changed": changed,
        "watchlist": _watchlist_data(watchlist_id),
    }


class WatchlistListView(APIView):
    @extend_schema(
        operation_id="watchlists_list",
        summary="Every watchlist with its tickers, the newest first",
        responses=WatchlistListSerializer,
    )
    def get(self, request: Request) -> Response:
        found = list(selectors.watchlists_newest_first())
        return Response({"watchlists": WatchlistSerializer(found, many=True).data, "total_count": len(found)})

    @extend_schema(
        operation_id="watchlists_create",
        summary="Create a watchlist (PMs and admins); names are unique ignoring case (409)",
        request=WatchlistInputSerializer,
        responses=WatchlistSerializer,
    )
    def post(self, request: Request) -> Response:
        validated_or_422(WatchlistInputSerializer(data=request.data))
        watchlist = services.create_watchlist(data=request.data)
        return Response(_watchlist_data(watchlist.pk))


class WatchlistDetailView(APIView):
    @extend_schema(
        operation_id="watchlists_retrieve",
        summary="One watchlist with each ticker's latest stored analysis",
        responses=WatchlistDetailSerializer,
    )
    def get(self, request: Request, watchlist_id: int) -> Response:
        return Response(WatchlistSerializer(_watchlist_or_404(watchlist_id), analyses=True).data)

    @extend_schema(
        operation_id="watchlists_update",
        summary="Rename a watchlist (PMs and admins); another watchlist's name is a 409",
        request=WatchlistInputSerializer,
        responses=RenamedWatchlistSerializer,
    )
    def put(self, request: Request, watchlist_id: int) -> Response:
        watchlist = _watchlist_or_404(watchlist_id)
        validated_or_422(WatchlistInputSerializer(data=request.data))
        renamed = services.rename_watchlist(watchlist=watchlist, data=request.data)
        return Response(
            {
                "success": True,
                "message": f"Watchlist renamed to '{renamed.name}'",
                "watchlist": _watchlist_data(watchlist_id),
            }
        )

    @extend_schema(
        operation_id="watchlists_destroy",
        summary="Delete a watchlist and its tickers (PMs and admins); analyses are kept",
        responses=DeletedWatchlistSerializer,
    )
    def delete(self, request: Request, watchlist_id: int) -> Response:
        deleted_id = services.delete_watchlist(watchlist=_watchlist_or_404(watchlist_id))
        message = f"Watchlist {deleted_id} deleted"
        return Response({"success": True, "message": message, "deleted_id": deleted_id})


class WatchlistTickersView(APIView):
    @extend_schema(
        operation_id="watchlists_tickers_create",
        summary="Add a ticker to a watchlist (PMs and admins); a ticker already there is left as it is",
        description=(
            'Or a pasted list: `{"tickers": ["AAPL", "MSFT"]}` or `{"tickers": "AAPL, MSFT NVDA"}`, each '
            "validated and added; the answer lists `added`, `already_on_list`, `repeated` and `invalid` "
            "(each with its `detail`). A 400 when no symbol of the list is valid."
        ),
        request=TickerInputSerializer,
        responses=TickerChangeSerializer,
    )
    def post(self, request: Request, watchlist_id: int) -> Response:
        watchlist = _watchlist_or_404(watchlist_id)
        if isinstance(request.data, dict) and "tickers" in request.data and "ticker" not in request.data:
            # A pasted list: each symbol validated, the outcome of each reported beside the list.
            report = add_pasted_tickers(watchlist=watchlist, raw=request.data["tickers"])
            return Response(
                {
                    "success": True,
                    "watchlist_id": watchlist_id,
                    "changed": bool(report.added),
                    **report.as_dict(),
                    "summary": report.summary(),
                    "watchlist": _watchlist_data(watchlist_id),
                }
            )
        validated_or_422(TickerInputSerializer(data=request.data))
        ticker, added = services.add_ticker(watchlist=watchlist, data=request.data)
        return Response(_ticker_change(watchlist_id, ticker, changed=added))


class WatchlistTickerDetailView(APIView):
    @extend_schema(
        operation_id="watchlists_tickers_destroy",
        summary="Remove a ticker from a watchlist (PMs and admins); one not on the list is a 404",
        parameters=[TICKER_PATH_PARAM],
        responses=TickerChangeSerializer,
    )
    def delete(self, request: Request, watchlist_id: int, ticker: str) -> Response:
        removed = services.remove_ticker(watchlist=_watchlist_or_404(watchlist_id), raw_ticker=ticker)
        return Response(_ticker_change(watchlist_id, removed, changed=True))


@extend_schema(exclude=True)
class WatchlistBadIdView(APIView):
    """Any watchlist route whose id is not an integer: a 422, as the earlier API's path bound.

    Raised once the caller is authenticated and allowed, whatever the method. An integer id
    reaching this view is a sub-route that does not exist: the framework's 404.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raw = str(kwargs.get("watchlist_id", ""))
        if raw.isascii() and raw.isdigit():
            raise NotFound()
        raise InvalidInput({"watchlist_id": ["A valid integer is required."]})


class WatchlistAnalyzeView(APIView):
    """SSE: `result` (the canonical analysis shape) or `error` per ticker as each finishes, then
    `done`. Errors before the stream (bad input, permissions) are always JSON."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]
    permission_classes = [DeskWriterPermission]

    @extend_schema(
        operation_id="watchlists_analyze",
        summary="Analyse every ticker of a watchlist, streaming each result (server-sent events)",
        description=(
            "Events, each a bare `event:` line and one `data:` line: `result` {ticker, success, "
            "analysis_id, analysis_schema_version, recommendation, score, confidence, ev_score_7d, "
            "confidence_calibrated, data_quality_score, duration_seconds, error} beside the analyze "
            "response, or `error` (the same keys, nulls and the message in `error` and `detail`), per "
            "ticker as each finishes; then `done` {message, ticker_count, completed, opportunities, "
            "watchlist_id, total, succeeded, failed, duration_seconds, concurrency, ranked}. "
            "`opportunities` ranks this run's analyses when WATCHLIST_RANKING_ENABLED is on, else []. "
            "At most WATCHLIST_CONCURRENCY analyses run at once. `tickers` (comma separated, each on "
            "the list) runs only those, as when resuming a run a reload interrupted."
        ),
        parameters=[AGENTS_PARAM, AS_OF_PARAM, RUN_TICKERS_PARAM],
        request=None,
        responses={(200, "text/event-stream"): OpenApiTypes.STR},
    )
    def post(self, request: Request, watchlist_id: int) -> StreamingHttpResponse:
        params = request.query_params
        # Checked before streaming, so bad input is a plain 400.
        events = analyze_watchlist(
            watchlist=_watchlist_or_404(watchlist_id),
            only=params.get("tickers"),
            agents=params.get("agents"),
            as_of=params.get("as_of"),
        )
        return event_stream_response(events)

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
            "value a filter asks about is left out. Only analyses that carry a signal contract are "
            "ranked: tickers with no analysis are listed in `missing`, those whose latest analysis "
            "is v1 in `unranked`. Filters outside their bounds are a 422."
        ),
        parameters=[OPPORTUNITY_QUERY],
        responses=OpportunityListSerializer,
    )
    def get(self, request: Request, watchlist_id: int) -> Response:
        report = services.opportunities_report(
            watchlist=_watchlist_or_404(watchlist_id), params=request.query_params
        )
        return Response(report)


class WatchlistOpportunitiesCsvView(FileExportMixin, APIView):
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        operation_id="watchlists_opportunities_csv",
        summary="The ranked opportunities as CSV (same filters); cells safe to open in a spreadsheet",
        parameters=[OPPORTUNITY_QUERY],
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
