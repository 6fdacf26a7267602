"""JSON API for analyses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.models import Analysis
from analysis.selectors import analysed_tickers
from analysis.services import delete_analysis


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
