"""Input and output shapes of the schedules and macro events API (and the schedules page).

The schedule body is checked in `calibration.schedules.editing`, the one place both the API
and the schedules page go through; the query serializers here parse query strings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calibration.models import MacroCatalystEvent, MacroEventType, Schedule, ScheduleRun

DEFAULT_EVENT_DAYS = 90
#: Runs embedded in a schedule's detail.
DETAIL_RUNS = 20
MAX_EVENT_RANGE_DAYS = 3660


# --- query strings ---------------------------------------------------------------------------


class RunsQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=50)


class MacroEventQuerySerializer(serializers.Serializer):
    """`from` and `to` (inclusive, YYYY-MM-DD; either end open when left out) and `event_type`."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # `from` is a Python keyword, so the fields are declared here rather than as attributes.
        return {
            "from": serializers.DateField(required=False, help_text="First date (default: no lower bound)."),
            "to": serializers.DateField(required=False, help_text="Last date (default: no upper bound)."),
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

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """(from, to); an end left out is open, so no range at all lists every event (as before)."""
        return self.validated_data.get("from"), self.validated_data.get("to")


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


class ScheduleDetailSerializer(ScheduleSerializer):
    """A schedule with its recent runs embedded (newest first), as `GET /api/schedules/{id}`."""

    runs = serializers.SerializerMethodField()

    class Meta(ScheduleSerializer.Meta):
        fields = (*ScheduleSerializer.Meta.fields, "runs")

    @extend_schema_field(ScheduleRunSerializer(many=True))
    def get_runs(self, schedule: Schedule) -> list[dict[str, Any]]:
        runs = schedule.runs.select_related("schedule").order_by("-started_at", "-id")[:DETAIL_RUNS]
        return ScheduleRunSerializer(runs, many=True).data


class ScheduleListSerializer(serializers.Serializer):
    schedules = ScheduleSerializer(many=True)
    total_count = serializers.IntegerField()
    count = serializers.IntegerField(help_text="The same as total_count.")


class ScheduleRunListSerializer(serializers.Serializer):
    schedule_id = serializers.IntegerField()
    ticker = serializers.CharField()
    runs = ScheduleRunSerializer(many=True)
    total_count = serializers.IntegerField()
    count = serializers.IntegerField(help_text="The same as total_count.")


class DeletedScheduleSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    deleted_id = serializers.IntegerField()


# --- macro events ----------------------------------------------------------------------------


class MacroEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MacroCatalystEvent
        fields = (
            "id",
            "event_type",
            "event_date",
            "event_label",
            "source",
            "enabled",
            "created_at",
            "updated_at",
        )


class MacroEventListSerializer(serializers.Serializer):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "events": MacroEventSerializer(many=True),
            "total_count": serializers.IntegerField(),
            "from": serializers.DateField(allow_null=True),
            "to": serializers.DateField(allow_null=True),
            "event_type": serializers.CharField(allow_null=True),
            "count": serializers.IntegerField(help_text="The same as total_count."),
        }
