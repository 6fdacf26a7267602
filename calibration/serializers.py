"""Input and output shapes of the calibration API (schedules, macro events, calibration evidence).

The schedule body is validated in `calibration.schedule_service`, the one place both the API
and the schedules page go through; the query serializers here parse query strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from calibration.models import (
    HORIZONS,
    AnalysisOutcome,
    CalibrationSnapshot,
    MacroCatalystEvent,
    MacroEventType,
    ReliabilityBin,
    Schedule,
    ScheduleRun,
)

HORIZON_MESSAGE = "horizon_days must be " + ", ".join(str(h) for h in HORIZONS[:-1]) + f" or {HORIZONS[-1]}."
DEFAULT_EVENT_DAYS = 90
MAX_EVENT_RANGE_DAYS = 3660


# --- query strings ---------------------------------------------------------------------------


class RunsQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=50)


class MacroEventQuerySerializer(serializers.Serializer):
    """`from` and `to` (inclusive, YYYY-MM-DD; default today onward 90 days) and `event_type`."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # `from` is a Python keyword, so the fields are declared here rather than as attributes.
        return {
            "from": serializers.DateField(required=False, help_text="First date (default today, New York)."),
            "to": serializers.DateField(
                required=False, help_text=f"Last date (default {DEFAULT_EVENT_DAYS} days after `from`)."
            ),
            "event_type": serializers.ChoiceField(choices=MacroEventType.choices, required=False),
        }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        data = data.copy()
        if isinstance(data.get("event_type"), str):
            data["event_type"] = data["event_type"].strip().lower()
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError("from must not be after to.")
        if start and end and (end - start).days > MAX_EVENT_RANGE_DAYS:
            raise serializers.ValidationError(
                f"from and to must be at most {MAX_EVENT_RANGE_DAYS} days apart."
            )
        return attrs

    def date_range(self, today: dt.date) -> tuple[dt.date, dt.date]:
        start = self.validated_data.get("from")
        end = self.validated_data.get("to")
        if start is None:
            # Today onward; a `to` in the past looks back the default span from it instead.
            start = today if end is None or end >= today else end - dt.timedelta(days=DEFAULT_EVENT_DAYS)
        if end is None:
            end = start + dt.timedelta(days=DEFAULT_EVENT_DAYS)
        return start, end


class SummaryQuerySerializer(serializers.Serializer):
    window_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        default=180,
        help_text="Days of snapshots to look back over, 1..3650.",
        error_messages={
            "invalid": "window_days must be a whole number of days from 1 to 3650.",
            "min_value": "window_days must be a whole number of days from 1 to 3650.",
            "max_value": "window_days must be a whole number of days from 1 to 3650.",
            "max_string_length": "window_days must be a whole number of days from 1 to 3650.",
        },
    )
    as_of = serializers.DateField(
        required=False, help_text="End of the window (YYYY-MM-DD); default today (New York)."
    )


class TickerCalibrationQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, default=20, help_text="Recent outcomes to list."
    )


def parse_horizon(raw: Any) -> int | None:
    """1, 7 or 30 from a query value; None for anything else (missing, non-integer, other)."""
    try:
        horizon = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return horizon if horizon in HORIZONS else None


# --- schedules -------------------------------------------------------------------------------


def _run_status(
    success: bool | None, started: dt.datetime | None, completed: dt.datetime | None
) -> str | None:
    if started is None:
        return None
    if success is True:
        return "success"
    if success is False:
        return "failed"
    return "running" if completed is None else "unknown"


class ScheduleRunSerializer(serializers.ModelSerializer):
    schedule_id = serializers.IntegerField(read_only=True)
    ticker = serializers.CharField(source="schedule.ticker", read_only=True)
    analysis_id = serializers.IntegerField(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = ScheduleRun
        fields = (
            "id",
            "schedule_id",
            "ticker",
            "analysis_id",
            "started_at",
            "completed_at",
            "success",
            "status",
            "error",
            "run_reason",
            "catalyst_event_type",
            "catalyst_event_date",
        )

    def get_status(self, run: ScheduleRun) -> str | None:
        return _run_status(run.success, run.started_at, run.completed_at)


class ScheduleSerializer(serializers.ModelSerializer):
    """A schedule with its latest run (from `schedules_with_last_run`, or looked up)."""

    last_run_started_at = serializers.SerializerMethodField()
    last_run_status = serializers.SerializerMethodField()
    last_run_error = serializers.SerializerMethodField()

    class Meta:
        model = Schedule
        fields = (
            "id",
            "ticker",
            "interval_minutes",
            "agents",
            "enabled",
            "last_run_at",
            "next_run_at",
            "created_at",
            "updated_at",
            "last_run_started_at",
            "last_run_status",
            "last_run_error",
        )

    def _last(self, schedule: Schedule) -> dict[str, Any]:
        if hasattr(schedule, "last_run_started_at"):
            return {
                "started_at": schedule.last_run_started_at,
                "completed_at": schedule.last_run_completed_at,
                "success": schedule.last_run_success,
                "error": schedule.last_run_error,
            }
        run = schedule.runs.order_by("-started_at", "-id").first()
        if run is None:
            return {"started_at": None, "completed_at": None, "success": None, "error": None}
        return {
            "started_at": run.started_at,
            "completed_at": run.completed_at,
            "success": run.success,
            "error": run.error,
        }

    def get_last_run_started_at(self, schedule: Schedule) -> str | None:
        started = self._last(schedule)["started_at"]
        return serializers.DateTimeField().to_representation(started) if started else None

    def get_last_run_status(self, schedule: Schedule) -> str | None:
        last = self._last(schedule)
        return _run_status(last["success"], last["started_at"], last["completed_at"])

    def get_last_run_error(self, schedule: Schedule) -> str | None:
        return self._last(schedule)["error"]


class ScheduleListSerializer(serializers.Serializer):
    schedules = ScheduleSerializer(many=True)
    count = serializers.IntegerField()


class ScheduleRunListSerializer(serializers.Serializer):
    schedule_id = serializers.IntegerField()
    ticker = serializers.CharField()
    runs = ScheduleRunSerializer(many=True)
    count = serializers.IntegerField()


class DeletedScheduleSerializer(serializers.Serializer):
    deleted_id = serializers.IntegerField()


# --- macro events ----------------------------------------------------------------------------


class MacroEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MacroCatalystEvent
        fields = ("id", "event_type", "event_date", "event_label", "source")


class MacroEventListSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "event_type": serializers.CharField(allow_null=True),
            "events": MacroEventSerializer(many=True),
            "count": serializers.IntegerField(),
        }


# --- calibration evidence --------------------------------------------------------------------


class CalibrationSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalibrationSnapshot
        fields = (
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
    window_days = serializers.IntegerField()
    as_of_date = serializers.DateField()
    since_date = serializers.DateField()
    horizons = HorizonSummarySerializer(many=True)


class ReliabilityBinSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReliabilityBin
        fields = (
            "bin_index",
            "bin_lower",
            "bin_upper",
            "sample_size",
            "empirical_hit_rate",
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
    analysis_id = serializers.IntegerField(read_only=True)
    recommendation = serializers.CharField(source="analysis.recommendation", read_only=True, allow_null=True)

    class Meta:
        model = AnalysisOutcome
        fields = (
            "id",
            "analysis_id",
            "ticker",
            "horizon_days",
            "status",
            "recommendation",
            "confidence",
            "target_date",
            "realized_date",
            "baseline_price",
            "realized_price",
            "realized_return_pct",
            "realized_return_net_pct",
            "max_drawdown_pct",
            "direction_correct",
            "brier_component",
            "utility_score",
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
    horizons = TickerHorizonSerializer(many=True)
    recent_outcomes = OutcomeSerializer(many=True)
