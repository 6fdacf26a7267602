"""Shapes of the watchlists API. Inputs are validated in `watchlists.services` (one place); the
input serializers here document them for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from watchlists.models import Watchlist
from watchlists.selectors import tickers_of


class WatchlistSerializer(serializers.Serializer):
    """W: a watchlist with its tickers, sorted."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    tickers = serializers.ListField(child=serializers.CharField(), help_text="Sorted symbols.")
    ticker_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, watchlist: Watchlist) -> dict[str, Any]:
        tickers = tickers_of(watchlist)
        return {
            "id": watchlist.pk,
            "name": watchlist.name,
            "tickers": tickers,
            "ticker_count": len(tickers),
            "created_at": watchlist.created_at.isoformat(),
            "updated_at": watchlist.updated_at.isoformat(),
        }


class WatchlistListSerializer(serializers.Serializer):
    watchlists = WatchlistSerializer(many=True)
    count = serializers.IntegerField()


class WatchlistInputSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=50, help_text="1-50 characters after trimming; unique ignoring case."
    )


class TickerInputSerializer(serializers.Serializer):
    ticker = serializers.CharField(help_text="US equity symbol, e.g. AAPL or BRK.B (upper-cased).")


class DeletedWatchlistSerializer(serializers.Serializer):
    deleted_id = serializers.IntegerField()


class OpportunitySerializer(serializers.Serializer):
    """O: one ranked row, from the ticker's latest stored analysis."""

    rank = serializers.IntegerField()
    ticker = serializers.CharField()
    analysis_id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    as_of = serializers.DateTimeField()
    recommendation = serializers.CharField(allow_null=True)
    ev_score_7d = serializers.FloatField(allow_null=True, help_text="None for v1 analyses.")
    confidence_calibrated = serializers.FloatField(allow_null=True)
    calibration_sample_size = serializers.IntegerField(
        allow_null=True, help_text="Evaluated calls behind the calibrated confidence."
    )
    data_quality_score = serializers.FloatField(allow_null=True, help_text="0-100 points.")
    capacity_usd = serializers.FloatField(allow_null=True)
    regime_label = serializers.CharField(allow_null=True)
    optimizer_action = serializers.CharField(
        allow_null=True, help_text="portfolio_action_v2.action; None when the optimizer did not run."
    )
    is_demo_data = serializers.BooleanField()


class OpportunityListSerializer(serializers.Serializer):
    watchlist_id = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    opportunities = OpportunitySerializer(many=True)
    count = serializers.IntegerField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Tickers on the watchlist with no analysis yet."
    )


class OpportunityQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    min_quality = serializers.FloatField(
        required=False, min_value=0, max_value=100, help_text="Minimum data quality (0-100)."
    )
    min_ev = serializers.FloatField(required=False, help_text="Minimum 7-day EV score.")
