"""Shapes of the watchlists API, in the earlier system's keys with ours beside them.

`WatchlistSerializer` is the one watchlist shape: the earlier keys (`tickers` as
`[{ticker, added_at}]`, newest first) plus ours (`symbols`, sorted, and `ticker_count`). With
`analyses=True` it adds `analyses` [{ticker, latest_analysis}] for the detail route.

The input serializers hold the declared bounds (a 422 through `validated_or_422`); the
handler's own checks (a ticker's format, control characters in a name, a duplicate name) stay
in `watchlists.services` and answer 400 or 409.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from analysis.models import Analysis
from analysis.serializers import StoredAnalysisSerializer
from watchlists.models import Watchlist
from watchlists.selectors import latest_analyses, ticker_rows

NAME_MAX_LENGTH = 50
# The earlier body bound: a symbol of 1..5 characters; a share class after `.`, `-` or `/`
# (one or two letters) is accepted on top.
SYMBOL_MAX_LENGTH = 5
TICKER_MAX_LENGTH = SYMBOL_MAX_LENGTH + 3
_SHARE_CLASS_SEPARATOR = re.compile(r"[.\-/]")


def _stamp(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class StrictCharField(serializers.CharField):
    """A string, as the earlier body models required: a number or a list is refused (422)."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class WatchlistTickerSerializer(serializers.Serializer):
    ticker = serializers.CharField()
    added_at = serializers.DateTimeField()


class WatchlistSerializer(serializers.Serializer):
    """A watchlist: `tickers` [{ticker, added_at}] newest first, `symbols` sorted, `ticker_count`."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    tickers = WatchlistTickerSerializer(many=True, help_text="Newest first.")
    symbols = serializers.ListField(child=serializers.CharField(), help_text="The tickers, sorted.")
    ticker_count = serializers.IntegerField()

    def __init__(self, *args: Any, analyses: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_analyses = analyses

    def to_representation(self, watchlist: Watchlist) -> dict[str, Any]:
        rows = ticker_rows(watchlist)
        data: dict[str, Any] = {
            "id": watchlist.pk,
            "name": watchlist.name,
            "created_at": _stamp(watchlist.created_at),
            "updated_at": _stamp(watchlist.updated_at),
            "tickers": [{"ticker": row.ticker, "added_at": _stamp(row.added_at)} for row in rows],
            "symbols": sorted(row.ticker for row in rows),
            "ticker_count": len(rows),
        }
        if self.with_analyses:
            latest = latest_analyses(row.ticker for row in rows)
            data["analyses"] = [
                {"ticker": row.ticker, "latest_analysis": _stored(latest.get(row.ticker))} for row in rows
            ]
        return data


def _stored(analysis: Analysis | None) -> dict[str, Any] | None:
    return StoredAnalysisSerializer(analysis).data if analysis is not None else None


class WatchlistAnalysisSerializer(serializers.Serializer):
    ticker = serializers.CharField()
    latest_analysis = serializers.JSONField(
        allow_null=True, help_text="The stored analysis (as `latest`), null when the ticker has none."
    )


class WatchlistDetailSerializer(WatchlistSerializer):
    """The detail route: the watchlist plus each ticker's latest stored analysis (schema only)."""

    analyses = WatchlistAnalysisSerializer(many=True)


class WatchlistListSerializer(serializers.Serializer):
    watchlists = WatchlistSerializer(many=True)
    total_count = serializers.IntegerField()


class WatchlistInputSerializer(serializers.Serializer):
    name = StrictCharField(
        max_length=NAME_MAX_LENGTH, help_text="1-50 characters after trimming; unique ignoring case."
    )


class TickerInputSerializer(serializers.Serializer):
    ticker = StrictCharField(
        max_length=TICKER_MAX_LENGTH,
        help_text="US equity symbol of 1-5 letters, with an optional share class (AAPL, BRK.B); upper-cased.",
    )

    def validate_ticker(self, value: str) -> str:
        symbol = _SHARE_CLASS_SEPARATOR.split(value, maxsplit=1)[0]
        if len(symbol) > SYMBOL_MAX_LENGTH:
            raise serializers.ValidationError(
                f"Ensure the symbol has no more than {SYMBOL_MAX_LENGTH} characters "
                "(a share class may follow)."
            )
        return value


class MessageSerializer(serializers.Serializer):
    """Rename and delete: `{success, message}`."""

    success = serializers.BooleanField()
    message = serializers.CharField()


class RenamedWatchlistSerializer(MessageSerializer):
    watchlist = WatchlistSerializer()


class DeletedWatchlistSerializer(MessageSerializer):
    deleted_id = serializers.IntegerField()


class TickerChangeSerializer(serializers.Serializer):
    """Ticker add and remove: `{success, ticker, watchlist_id}`, with the watchlist after it."""

    success = serializers.BooleanField()
    ticker = serializers.CharField()
    watchlist_id = serializers.IntegerField()
    changed = serializers.BooleanField(help_text="False when the ticker was already there (add).")
    watchlist = WatchlistSerializer()


class OpportunitySerializer(serializers.Serializer):
    """O: one ranked row, from the ticker's latest stored analysis (which carries a signal contract)."""

    rank = serializers.IntegerField()
    ticker = serializers.CharField()
    analysis_id = serializers.IntegerField()
    timestamp = serializers.DateTimeField()
    as_of = serializers.DateTimeField()
    recommendation = serializers.CharField(allow_null=True)
    ev_score_7d = serializers.FloatField(allow_null=True)
    expected_net_return_pct = serializers.FloatField(
        allow_null=True, help_text="The call's expected 7-day return net of costs (HOLD 0), percent."
    )
    expected_return_source = serializers.CharField(allow_null=True, help_text="`evidence` or `scenarios`.")
    confidence_calibrated = serializers.FloatField(allow_null=True)
    calibration_sample_size = serializers.IntegerField(
        allow_null=True, help_text="Evaluated calls behind the calibrated confidence."
    )
    data_quality_score = serializers.FloatField(allow_null=True, help_text="0-100 points.")
    capacity_usd = serializers.FloatField(allow_null=True)
    regime_label = serializers.CharField(allow_null=True)
    recommended_action = serializers.CharField(
        allow_null=True, help_text="The portfolio action (optimizer's when it ran), e.g. trim."
    )
    optimizer_action = serializers.CharField(
        allow_null=True, help_text="portfolio_action_v2.action; None when the optimizer did not run."
    )
    is_demo_data = serializers.BooleanField()


class OpportunityListSerializer(serializers.Serializer):
    watchlist_id = serializers.IntegerField()
    opportunities = OpportunitySerializer(many=True)
    total_count = serializers.IntegerField()
    count = serializers.IntegerField(help_text="The same as total_count.")
    generated_at = serializers.DateTimeField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Tickers on the watchlist with no analysis yet."
    )
    unranked = serializers.ListField(
        child=serializers.CharField(),
        help_text="Tickers whose latest analysis carries no signal contract (v1), so it is not ranked.",
    )
