"""JSON API for analyses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.selectors import analysed_tickers


class TickerListView(APIView):
    @extend_schema(
        summary="Tickers that have analyses",
        responses=inline_serializer(
            "TickerList",
            fields={"tickers": serializers.ListField(child=serializers.CharField()), "count": serializers.IntegerField()},
        ),
    )
    def get(self, request: Request) -> Response:
        tickers = analysed_tickers()
        return Response({"tickers": tickers, "count": len(tickers)})
