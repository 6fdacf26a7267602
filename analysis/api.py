"""JSON API for analyses: thin views over services, selectors and one serializer."""

from __future__ import annotations

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
from analysis.engine import ProgressCallback
from analysis.exports import analysis_pdf, export_filename, history_csv
from analysis.filters import DetailedHistoryQuerySerializer, HistoryQuerySerializer, apply_history_filters
from analysis.models import Analysis
from analysis.selectors import analysed_tickers, history_for, latest_for
from analysis.serializers import AnalysisHistoryItemSerializer, AnalysisResponseSerializer
from analysis.services import delete_analysis, parse_analysis_request, run_analysis
from analysis.streams import EventStreamRenderer, analysis_events
from analysis.tickers import InvalidTicker, normalise_ticker
from pmresearch.errors import DomainError

AGENTS_PARAM = OpenApiParameter(
    "agents",
    str,
    description="Comma-separated subset of news, market, fundamentals, technical, macro, options, sentiment",
)
AS_OF_PARAM = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Research a past date (YYYY-MM-DD)")


def ticker_or_400(raw: str) -> str:
    try:
        return normalise_ticker(raw)
    except InvalidTicker as exc:
        raise DomainError(str(exc)) from exc


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

        response = StreamingHttpResponse(
            analysis_events(ticker=parsed.ticker, run=run, serialize=serialize),
            content_type="text/event-stream",
        )
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response


class LatestAnalysisView(APIView):
    @extend_schema(summary="The latest stored analysis of a ticker", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, ticker: str) -> Response:
        symbol = ticker_or_400(ticker)
        analysis = latest_for(symbol)
        if analysis is None:
            raise NotFound(f"No analysis of {symbol} yet.")
        return Response(AnalysisResponseSerializer(analysis).data)


def _history_response(ticker: str, params: dict, filtered: bool) -> Response:
    queryset = history_for(ticker)
    if filtered:
        queryset = apply_history_filters(queryset, params)
    total = queryset.count()
    page = queryset[params["offset"] : params["offset"] + params["limit"]]
    return Response(
        {
            "ticker": ticker,
            "analyses": AnalysisHistoryItemSerializer(page, many=True).data,
            "total_count": total,
            "limit": params["limit"],
            "offset": params["offset"],
        }
    )


class HistoryView(APIView):
    @extend_schema(
        summary="A ticker's analyses, newest first",
        parameters=[HistoryQuerySerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, ticker: str) -> Response:
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return _history_response(ticker_or_400(ticker), query.validated_data, filtered=False)


class DetailedHistoryView(APIView):
    @extend_schema(
        summary="A ticker's analyses filtered by date, call, EV, calibrated confidence, quality, regime",
        parameters=[DetailedHistoryQuerySerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, ticker: str) -> Response:
        query = DetailedHistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return _history_response(ticker_or_400(ticker), query.validated_data, filtered=True)


class TickerListView(APIView):
    @extend_schema(
        summary="Tickers that have analyses",
        responses=inline_serializer(
            "TickerList",
            fields={
                "tickers": serializers.ListField(child=serializers.CharField()),
                "count": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        tickers = analysed_tickers()
        return Response({"tickers": tickers, "count": len(tickers)})


class AnalysisDetailView(APIView):
    @extend_schema(
        summary="Delete an analysis and everything recorded with it",
        responses=inline_serializer("DeletedAnalysis", fields={"deleted_id": serializers.IntegerField()}),
    )
    def delete(self, request: Request, analysis_id: int) -> Response:
        try:
            deleted = delete_analysis(analysis_id=analysis_id)
        except Analysis.DoesNotExist as exc:
            raise NotFound(f"No analysis with id {analysis_id}.") from exc
        return Response({"deleted_id": deleted})


class HistoryCsvExportView(APIView):
    """The detailed history as CSV, with the same filters; cells safe to open in a spreadsheet."""

    @extend_schema(
        summary="Export a ticker's history (with the detailed filters) as CSV",
        parameters=[DetailedHistoryQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, ticker: str) -> HttpResponse:
        symbol = ticker_or_400(ticker)
        query = DetailedHistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = apply_history_filters(history_for(symbol), params)[
            params["offset"] : params["offset"] + params["limit"]
        ]
        response = HttpResponse(
            history_csv(AnalysisHistoryItemSerializer(rows, many=True).data),
            content_type="text/csv; charset=utf-8",
        )
        filename = export_filename(symbol, "history", timezone.now())
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class AnalysisPdfExportView(APIView):
    """A report of one analysis (the latest, or `analysis_id`) a PM can forward."""

    @extend_schema(
        summary="Export an analysis as a PDF report",
        parameters=[
            OpenApiParameter("analysis_id", int, description="A specific analysis; default the latest")
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, ticker: str) -> HttpResponse:
        symbol = ticker_or_400(ticker)
        raw_id = request.query_params.get("analysis_id")
        if raw_id is not None and not raw_id.isdigit():
            raise DomainError("analysis_id must be a positive integer.")
        analysis = (
            history_for(symbol).prefetch_related("agent_results").filter(pk=int(raw_id)).first()
            if raw_id
            else latest_for(symbol)
        )
        if analysis is None:
            raise NotFound(f"No analysis of {symbol}" + (f" with id {raw_id}." if raw_id else " yet."))
        pdf = analysis_pdf(AnalysisResponseSerializer(analysis).data)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = export_filename(symbol, "analysis", analysis.timestamp)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ContractSchemaView(APIView):
    """The JSON Schema every `signal_contract_v2` is validated against."""

    @extend_schema(summary="JSON Schema of signal contract v2", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        return Response(load_contract_schema(), content_type="application/schema+json")
