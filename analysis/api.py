"""JSON API for analyses: thin views over services, selectors and one serializer."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import DeskWriterPermission
from analysis.contract import load_contract_schema
from analysis.encoded_items import EncodedPageRenderer, detailed_items, encoded_page, with_stored_text
from analysis.engine import ProgressCallback
from analysis.exports import analysis_csv, analysis_pdf, export_filename, history_csv
from analysis.exports.renderers import CsvRenderer, FileExportMixin, PdfRenderer
from analysis.filters import (
    HANDLER_CHECKED,
    RECOMMENDATION_MESSAGE,
    DetailedHistoryQuerySerializer,
    HistoryQuerySerializer,
    apply_history_filters,
)
from analysis.models import Analysis
from analysis.selectors import history_for, stored_analysis_for, ticker_summaries
from analysis.serializers import (
    AnalysisHistoryItemSerializer,
    AnalysisResponseSerializer,
    StoredAnalysisSerializer,
)
from analysis.services import delete_analysis, parse_analysis_request
from analysis.streams import EventStreamRenderer, analysis_events, event_stream_response
from analysis.tickers import normalise_ticker
from core.api_errors import InvalidInput, validated_or_422
from core.domain_errors import DomainError
from orchestration.analysis import run_analysis

AGENTS_PARAM = OpenApiParameter(
    "agents",
    str,
    description="Comma-separated subset of news, market, fundamentals, technical, macro, options, sentiment",
)
AS_OF_PARAM = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Research a past date (YYYY-MM-DD)")


class AnalyzeView(APIView):
    @extend_schema(
        summary="Run one analysis now (or as of a past date) and return it",
        parameters=[AGENTS_PARAM, AS_OF_PARAM],
        request=None,
        responses=OpenApiTypes.OBJECT,
    )
    def post(self, request: Request, ticker: str) -> Response:
        analysis = run_analysis(
            ticker=ticker,
            agents=request.query_params.get("agents"),
            as_of=request.query_params.get("as_of"),
        )
        return Response(AnalysisResponseSerializer(analysis).data)


class AnalyzeStreamView(APIView):
    """SSE: `progress` per agent start and finish, then `result` (the analyze shape) or `error`."""

    renderer_classes = [EventStreamRenderer, JSONRenderer]
    permission_classes = [DeskWriterPermission]

    def handle_exception(self, exc: Exception) -> Response:
        """Bad input (and refusals) answer as JSON before any stream starts, whatever was accepted."""
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        summary="Run one analysis and stream its progress (server-sent events)",
        parameters=[AGENTS_PARAM, AS_OF_PARAM],
        responses={(200, "text/event-stream"): OpenApiTypes.STR},
    )
    def get(self, request: Request, ticker: str) -> StreamingHttpResponse:
        params = request.query_params
        # Validate before streaming, so bad input is a plain 400.
        parsed = parse_analysis_request(ticker=ticker, agents=params.get("agents"), as_of=params.get("as_of"))

        def run(on_progress: ProgressCallback) -> Analysis:
            return run_analysis(
                ticker=parsed.ticker, agents=list(parsed.agents), as_of=parsed.as_of, on_progress=on_progress
            )

        def serialize(analysis: Analysis) -> dict:
            fresh = Analysis.objects.prefetch_related("agent_results").get(pk=analysis.pk)
            return AnalysisResponseSerializer(fresh).data

        return event_stream_response(analysis_events(ticker=parsed.ticker, run=run, serialize=serialize))


class LatestAnalysisView(APIView):
    @extend_schema(
        summary="The current call of a ticker (never a replay or a run as of a past date), with its agents",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, ticker: str) -> Response:
        symbol = normalise_ticker(ticker)
        analysis = stored_analysis_for(symbol)
        if analysis is None:
            raise NotFound(f"No analysis found for {symbol}")
        return Response(StoredAnalysisSerializer(analysis, context={"detail": True}).data)


class HistoryView(APIView):
    @extend_schema(
        summary="A ticker's analyses, newest first (limit 1..100, default 10)",
        parameters=[HistoryQuerySerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, ticker: str) -> Response:
        params = validated_or_422(HistoryQuerySerializer(data=request.query_params))
        symbol = normalise_ticker(ticker)
        limit, offset = params["limit"], params["offset"]
        if not 1 <= limit <= 100:
            raise DomainError("Limit must be between 1 and 100")
        queryset = history_for(symbol, run_kind=params.get("run_kind"))
        items = AnalysisHistoryItemSerializer(queryset[offset : offset + limit], many=True).data
        return Response(
            {
                "ticker": symbol,
                "analyses": items,
                # The earlier meaning: the length of the list returned.
                "total_count": len(items),
                "total_matching": queryset.count(),
                "limit": limit,
                "offset": offset,
            }
        )


def detailed_history_params(query_params: Any) -> dict[str, Any]:
    """The detailed-history filters; a handler-checked field is a 400, a declared bound a 422."""
    query = DetailedHistoryQuerySerializer(data=query_params)
    if query.is_valid():
        return dict(query.validated_data)
    errors = query.errors
    if "recommendation" in errors:
        raise DomainError(RECOMMENDATION_MESSAGE)
    if set(errors) & (HANDLER_CHECKED | {"non_field_errors"}):
        raise serializers.ValidationError(errors)
    raise InvalidInput(errors)


class DetailedHistoryView(APIView):
    # JSONRenderer, which also writes pages of items encoded once (analysis/encoded_items.py).
    renderer_classes = [EncodedPageRenderer]

    @extend_schema(
        summary="A ticker's stored analyses by date, call, EV, calibrated confidence, quality, regime",
        parameters=[DetailedHistoryQuerySerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, ticker: str) -> Response:
        params = detailed_history_params(request.query_params)
        symbol = normalise_ticker(ticker)
        queryset = apply_history_filters(history_for(symbol, run_kind=params.get("run_kind")), params)
        total = queryset.count()
        offset, limit = params["offset"], params["limit"]
        page = with_stored_text(queryset)[offset : offset + limit]
        items = detailed_items(page)
        envelope = {
            "ticker": symbol,
            "items": items,
            # Every matching row, not the page: the pager's total.
            "total_count": total,
            "has_more": offset + len(items) < total,
            "limit": limit,
            "offset": offset,
        }
        return Response(encoded_page(envelope, "items"))


class TickerListView(APIView):
    @extend_schema(
        summary="Tickers that have analyses, most recently analysed first",
        responses=inline_serializer(
            "TickerList",
            fields={
                "tickers": inline_serializer(
                    "TickerSummary",
                    fields={
                        "ticker": serializers.CharField(),
                        "analysis_count": serializers.IntegerField(),
                        "latest_recommendation": serializers.CharField(allow_null=True),
                        "latest_timestamp": serializers.DateTimeField(),
                    },
                    many=True,
                ),
                "total_count": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        tickers = [
            {
                "ticker": row["ticker"],
                "analysis_count": row["analysis_count"],
                "latest_recommendation": row["latest_recommendation"],
                "latest_timestamp": row["latest_timestamp"].isoformat(),
            }
            for row in ticker_summaries()
        ]
        return Response({"tickers": tickers, "total_count": len(tickers), "count": len(tickers)})


def analysis_id_or_422(raw: str, *, field: str, location: str) -> int:
    """A declared integer id (path or query): anything else is a 422, as the earlier API answered."""
    text = str(raw).strip()
    if not text.isdigit() or not text.isascii() or int(text) > 2**63 - 1:
        raise InvalidInput({field: [f"{location} {field} must be an integer."]})
    return int(text)


class AnalysisDetailView(APIView):
    @extend_schema(
        summary="Delete an analysis and everything recorded with it",
        responses=inline_serializer(
            "DeletedAnalysis",
            fields={
                "success": serializers.BooleanField(),
                "message": serializers.CharField(),
                "deleted_id": serializers.IntegerField(),
            },
        ),
    )
    def delete(self, request: Request, analysis_id: str) -> Response:
        pk = analysis_id_or_422(analysis_id, field="analysis_id", location="Path parameter")
        try:
            deleted = delete_analysis(analysis_id=pk)
        except Analysis.DoesNotExist as exc:
            raise NotFound(f"Analysis {pk} not found") from exc
        return Response({"success": True, "message": f"Analysis {deleted} deleted", "deleted_id": deleted})


def _exported_analysis(request: Request, ticker: str) -> Analysis:
    """The analysis an export names: `analysis_id` (which must be the ticker's) or the current call."""
    symbol = normalise_ticker(ticker)
    raw_id = request.query_params.get("analysis_id")
    if raw_id is None or raw_id == "":
        analysis = stored_analysis_for(symbol)
        if analysis is None:
            raise NotFound(f"No analysis found for {symbol}")
        return analysis
    pk = analysis_id_or_422(raw_id, field="analysis_id", location="Query parameter")
    analysis = stored_analysis_for(symbol, analysis_id=pk)
    if analysis is None:
        raise NotFound(f"Analysis {pk} not found")
    if analysis.ticker != symbol:
        raise DomainError(f"Analysis {pk} does not belong to {symbol}")
    return analysis


ANALYSIS_ID_PARAM = OpenApiParameter(
    "analysis_id", int, description="A specific analysis of the ticker; default the current call"
)


def _attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class AnalysisCsvExportView(FileExportMixin, APIView):
    """One analysis (the latest, or `analysis_id`) as the earlier Section,Field,Value CSV."""

    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        summary="Export an analysis as CSV (summary, agents, sentiment factors)",
        parameters=[ANALYSIS_ID_PARAM],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, ticker: str) -> HttpResponse:
        analysis = _exported_analysis(request, ticker)
        report = StoredAnalysisSerializer(analysis, context={"detail": True}).data
        filename = export_filename(analysis.ticker, "analysis", analysis.timestamp, extension="csv")
        return _attachment(analysis_csv(report), "text/csv; charset=utf-8", filename)


class HistoryCsvExportView(FileExportMixin, APIView):
    """The detailed history as CSV, with the same filters; cells safe to open in a spreadsheet."""

    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        summary="Export a ticker's history (with the detailed filters) as CSV",
        parameters=[DetailedHistoryQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, ticker: str) -> HttpResponse:
        params = detailed_history_params(request.query_params)
        symbol = normalise_ticker(ticker)
        rows = apply_history_filters(history_for(symbol, run_kind=params.get("run_kind")), params)[
            params["offset"] : params["offset"] + params["limit"]
        ]
        filename = export_filename(symbol, "history", timezone.now())
        text = history_csv(AnalysisHistoryItemSerializer(rows, many=True).data)
        return _attachment(text, "text/csv; charset=utf-8", filename)


class AnalysisPdfExportView(FileExportMixin, APIView):
    """A report of one analysis (the latest, or `analysis_id`) a PM can forward."""

    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(
        summary="Export an analysis as a PDF report",
        parameters=[ANALYSIS_ID_PARAM],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, ticker: str) -> HttpResponse:
        analysis = _exported_analysis(request, ticker)
        pdf = analysis_pdf(AnalysisResponseSerializer(analysis).data)
        filename = export_filename(analysis.ticker, "analysis", analysis.timestamp)
        return _attachment(pdf, "application/pdf", filename)


class ContractSchemaView(APIView):
    """The JSON Schema every `signal_contract_v2` is validated against."""

    @extend_schema(summary="JSON Schema of signal contract v2", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(load_contract_schema(), content_type="application/schema+json")
