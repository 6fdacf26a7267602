"""Input and output shapes of the calibration evidence API (summary, reliability, a ticker's
outcomes); the query serializers here parse query strings. Schedules' and macro events' shapes
are `calibration.schedules.serializers`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calibration.models import (
    HORIZONS,
    AnalysisOutcome,
    CalibrationSnapshot,
    ReliabilityBin,
)

# The earlier API's words for a horizon inside 1..30 that is not one of ours (a 400).
HORIZON_MESSAGE = "horizon_days must be " + ", ".join(str(h) for h in HORIZONS[:-1]) + f", or {HORIZONS[-1]}"
MIN_HORIZON_DAYS, MAX_HORIZON_DAYS, DEFAULT_HORIZON_DAYS = 1, 30, 7
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS, DEFAULT_WINDOW_DAYS = 30, 365, 180
WINDOW_MESSAGE = f"window_days must be a whole number of days from {MIN_WINDOW_DAYS} to {MAX_WINDOW_DAYS}."
#: The keys of the earlier summary's `horizons` object, by horizon.
HORIZON_KEYS = {horizon: f"{horizon}d" for horizon in HORIZONS}


# --- query strings ---------------------------------------------------------------------------


class SummaryQuerySerializer(serializers.Serializer):
    window_days = serializers.IntegerField(
        required=False,
        min_value=MIN_WINDOW_DAYS,
        max_value=MAX_WINDOW_DAYS,
        default=DEFAULT_WINDOW_DAYS,
        help_text=f"Days of snapshots to look back over, {MIN_WINDOW_DAYS}..{MAX_WINDOW_DAYS}.",
        error_messages={
            "invalid": WINDOW_MESSAGE,
            "min_value": WINDOW_MESSAGE,
            "max_value": WINDOW_MESSAGE,
            "max_string_length": WINDOW_MESSAGE,
        },
    )
    as_of = serializers.DateField(
        required=False, help_text="End of the window (YYYY-MM-DD); default today (New York)."
    )


class TickerCalibrationQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, default=100, help_text="Recent outcomes to list, 1..500."
    )


class ReliabilityQuerySerializer(serializers.Serializer):
    """`horizon_days` within 1..30 (else 422), default 7; the view accepts only 1, 7 or 30 (else 400)."""

    horizon_days = serializers.IntegerField(
        required=False,
        min_value=MIN_HORIZON_DAYS,
        max_value=MAX_HORIZON_DAYS,
        default=DEFAULT_HORIZON_DAYS,
        help_text="1, 7 or 30 (default 7).",
    )


# --- calibration evidence --------------------------------------------------------------------


class CalibrationSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalibrationSnapshot
        fields = (
            "id",
            "as_of_date",
            "horizon_days",
            "sample_size",
            "directional_accuracy",
            "avg_realized_return_pct",
            "mean_confidence",
            "brier_score",
            "mean_net_return_pct",
            "mean_drawdown_pct",
            "utility_mean",
            "created_at",
            "expected_calibration_error",
            "window_days",
        )


class TrendPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalibrationSnapshot
        fields = (
            "as_of_date",
            "sample_size",
            "mean_net_return_pct",
            "avg_realized_return_pct",
            "directional_accuracy",
            "brier_score",
        )


class HorizonSummarySerializer(serializers.Serializer):
    horizon_days = serializers.IntegerField()
    snapshot = CalibrationSnapshotSerializer(allow_null=True, help_text="Latest snapshot in the window.")
    pending_outcomes = serializers.IntegerField()
    complete_outcomes = serializers.IntegerField()
    skipped_outcomes = serializers.IntegerField()
    trend = TrendPointSerializer(many=True, help_text="Every snapshot in the window, oldest first.")


class CalibrationSummarySerializer(serializers.Serializer):
    """The earlier `horizons` object ("1d", "7d", "30d": snapshot or null), and ours per horizon."""

    window_days = serializers.IntegerField()
    as_of_date = serializers.DateField()
    since_date = serializers.DateField()
    horizons = serializers.SerializerMethodField()
    horizon_summaries = HorizonSummarySerializer(
        many=True, source="horizons", help_text="Per horizon: snapshot, outcome counts and trend."
    )

    @extend_schema_field(
        {
            "type": "object",
            "properties": {key: {"type": "object", "nullable": True} for key in HORIZON_KEYS.values()},
        }
    )
    def get_horizons(self, summary: dict[str, Any]) -> dict[str, Any]:
        return {
            HORIZON_KEYS[row["horizon_days"]]: (
                CalibrationSnapshotSerializer(row["snapshot"]).data if row["snapshot"] is not None else None
            )
            for row in summary["horizons"]
        }


class ReliabilityBinSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReliabilityBin
        fields = (
            "id",
            "as_of_date",
            "horizon_days",
            "bin_index",
            "bin_lower",
            "bin_upper",
            "sample_size",
            "empirical_hit_rate",
            "created_at",
            "ci_lower",
            "ci_upper",
            "mean_confidence",
        )


class ReliabilitySerializer(serializers.Serializer):
    horizon_days = serializers.IntegerField()
    as_of_date = serializers.DateField(allow_null=True)
    total_samples = serializers.IntegerField()
    bins = ReliabilityBinSerializer(many=True)


def reliability_payload(horizon_days: int, as_of_date: dt.date | None, bins: list[ReliabilityBin]) -> dict:
    return ReliabilitySerializer(
        {
            "horizon_days": horizon_days,
            "as_of_date": as_of_date,
            "total_samples": sum(b.sample_size for b in bins),
            "bins": bins,
        }
    ).data


class OutcomeSerializer(serializers.ModelSerializer):
    """The full outcome row, with its analysis's recommendation and timestamp."""

    analysis_id = serializers.IntegerField(read_only=True)
    recommendation = serializers.CharField(source="analysis.recommendation", read_only=True, allow_null=True)
    analysis_timestamp = serializers.DateTimeField(source="analysis.timestamp", read_only=True)

    class Meta:
        model = AnalysisOutcome
        fields = (
            "id",
            "analysis_id",
            "ticker",
            "horizon_days",
            "target_date",
            "baseline_price",
            "realized_price",
            "realized_return_pct",
            "direction_correct",
            "outcome_up",
            "predicted_up_probability",
            "confidence",
            "brier_component",
            "status",
            "evaluated_at",
            "created_at",
            "transaction_cost_bps",
            "slippage_bps",
            "realized_return_net_pct",
            "max_drawdown_pct",
            "utility_score",
            "recommendation",
            "analysis_timestamp",
            "realized_date",
        )


class TickerHorizonSerializer(serializers.Serializer):
    horizon_days = serializers.IntegerField()
    sample_size = serializers.IntegerField(help_text="Completed outcomes.")
    hit_rate = serializers.FloatField(allow_null=True)
    hit_rate_ci_lower = serializers.FloatField(allow_null=True, help_text="Wilson 95 % interval.")
    hit_rate_ci_upper = serializers.FloatField(allow_null=True)
    mean_return_pct = serializers.FloatField(allow_null=True, help_text="Mean gross return.")
    mean_net_return_pct = serializers.FloatField(allow_null=True)
    mean_drawdown_pct = serializers.FloatField(allow_null=True)
    brier_score = serializers.FloatField(allow_null=True)
    pending_outcomes = serializers.IntegerField()


class TickerCalibrationSerializer(serializers.Serializer):
    ticker = serializers.CharField()
    outcomes = OutcomeSerializer(many=True, help_text="The ticker's outcomes, newest analysis first.")
    total_count = serializers.IntegerField(help_text="Outcomes listed.")
    horizons = TickerHorizonSerializer(many=True)
    recent_outcomes = OutcomeSerializer(many=True, help_text="The same rows as outcomes.")
