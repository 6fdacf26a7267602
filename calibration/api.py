"""JSON API for schedules, macro events and calibration evidence: thin views over services and selectors."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import DeskAdminPermission
from analysis.agents import AGENT_NAMES
from analysis.tickers import normalise_ticker
from calibration.evaluation.selectors import RUN_KINDS, parse_filters, signal_evaluation
from calibration.models import HORIZONS, Schedule
from calibration.schedules.editing import (
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    create_schedule,
    delete_schedule,
    update_schedule,
)
from calibration.schedules.serializers import (
    DeletedScheduleSerializer,
    MacroEventListSerializer,
    MacroEventQuerySerializer,
    MacroEventSerializer,
    RunsQuerySerializer,
    ScheduleDetailSerializer,
    ScheduleListSerializer,
    ScheduleRunListSerializer,
    ScheduleRunSerializer,
    ScheduleSerializer,
)
from calibration.selectors import (
    calibration_summary,
    macro_events,
    market_today,
    reliability_for,
    schedule_runs,
    schedules_newest_first,
    schedules_with_last_run,
    ticker_calibration,
)
from calibration.serializers import (
    HORIZON_MESSAGE,
    CalibrationSummarySerializer,
    ReliabilityQuerySerializer,
    ReliabilitySerializer,
    SummaryQuerySerializer,
    TickerCalibrationQuerySerializer,
    TickerCalibrationSerializer,
    reliability_payload,
)
from core.api_errors import validated_or_422
from core.domain_errors import DomainError
from core.openapi import described_input


def _schedule_body(*, partial: bool) -> serializers.Serializer:
    """A schedule body as the schema describes it; `calibration.schedules.editing` checks it."""
    return described_input(
        "ScheduleInput",
        {
            "ticker": serializers.CharField(help_text="US equity symbol, e.g. AAPL or BRK.B."),
            "interval_minutes": serializers.IntegerField(
                min_value=MIN_INTERVAL_MINUTES,
                max_value=MAX_INTERVAL_MINUTES,
                help_text=f"Minutes between runs, {MIN_INTERVAL_MINUTES}..{MAX_INTERVAL_MINUTES}.",
            ),
            "agents": serializers.CharField(
                required=False,
                allow_null=True,
                help_text="Comma-separated subset of "
                + ", ".join(AGENT_NAMES)
                + "; null or omitted for all.",
            ),
            "enabled": serializers.BooleanField(required=False),
        },
        description="Body of POST, PUT and PATCH /api/schedules; on an update every field is optional.",
        partial=partial,
    )


SCHEDULE_BODY = _schedule_body(partial=False)
SCHEDULE_CHANGES_BODY = _schedule_body(partial=True)


def _schedule_or_404(schedule_id: int) -> Schedule:
    schedule = schedules_with_last_run().filter(pk=schedule_id).first()
    if schedule is None:
        raise NotFound(f"Schedule {schedule_id} not found")
    return schedule


class ScheduleListView(APIView):
    """Schedules are configuration: everyone signed in reads them, only admins change them."""

    permission_classes = [DeskAdminPermission]

    @extend_schema(
        operation_id="schedules_list",
        summary="Every schedule, newest first, with its latest run",
        responses=ScheduleListSerializer,
    )
    def get(self, request: Request) -> Response:
        schedules = ScheduleSerializer(schedules_newest_first(), many=True).data
        return Response({"schedules": schedules, "total_count": len(schedules), "count": len(schedules)})

    @extend_schema(
        summary="Create a schedule (admins); it is due at once. 409 when the ticker has one",
        request=SCHEDULE_BODY,
        responses={200: ScheduleSerializer},
    )
    def post(self, request: Request) -> Response:
        schedule = create_schedule(data=request.data)
        return Response(ScheduleSerializer(_schedule_or_404(schedule.pk)).data)


class ScheduleDetailView(APIView):
    permission_classes = [DeskAdminPermission]

    @extend_schema(
        summary="One schedule with its latest run and its recent runs", responses=ScheduleDetailSerializer
    )
    def get(self, request: Request, schedule_id: int) -> Response:
        return Response(ScheduleDetailSerializer(_schedule_or_404(schedule_id)).data)

    @extend_schema(
        summary="Change a schedule (admins); fields left out keep their value",
        request=SCHEDULE_CHANGES_BODY,
        responses=ScheduleSerializer,
    )
    def put(self, request: Request, schedule_id: int) -> Response:
        return self._update(request, schedule_id)

    @extend_schema(
        summary="Change some fields of a schedule (admins)",
        request=SCHEDULE_CHANGES_BODY,
        responses=ScheduleSerializer,
    )
    def patch(self, request: Request, schedule_id: int) -> Response:
        return self._update(request, schedule_id)

    def _update(self, request: Request, schedule_id: int) -> Response:
        schedule = update_schedule(schedule=_schedule_or_404(schedule_id), data=request.data)
        return Response(ScheduleSerializer(_schedule_or_404(schedule.pk)).data)

    @extend_schema(summary="Delete a schedule and its runs (admins)", responses=DeletedScheduleSerializer)
    def delete(self, request: Request, schedule_id: int) -> Response:
        deleted_id = delete_schedule(schedule=_schedule_or_404(schedule_id))
        return Response(
            {"success": True, "message": f"Schedule {deleted_id} deleted", "deleted_id": deleted_id}
        )


class ScheduleRunsView(APIView):
    permission_classes = [DeskAdminPermission]

    @extend_schema(
        summary="A schedule's runs, newest first",
        parameters=[RunsQuerySerializer],
        responses=ScheduleRunListSerializer,
    )
    def get(self, request: Request, schedule_id: int) -> Response:
        limit = validated_or_422(RunsQuerySerializer(data=request.query_params))["limit"]
        schedule = _schedule_or_404(schedule_id)
        runs = schedule_runs(schedule=schedule, limit=limit)
        return Response(
            {
                "schedule_id": schedule.pk,
                "ticker": schedule.ticker,
                "runs": ScheduleRunSerializer(runs, many=True).data,
                "total_count": len(runs),
                "count": len(runs),
            }
        )


class MacroEventListView(APIView):
    @extend_schema(
        summary="Macro catalyst events (FOMC, CPI, NFP) by date, in a date range (default: all)",
        parameters=[MacroEventQuerySerializer],
        responses=MacroEventListSerializer,
    )
    def get(self, request: Request) -> Response:
        query = MacroEventQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.date_range()
        event_type = query.validated_data.get("event_type")
        events = MacroEventSerializer(
            macro_events(start=start, end=end, event_type=event_type), many=True
        ).data
        return Response(
            {
                "events": events,
                "total_count": len(events),
                "from": start.isoformat() if start else None,
                "to": end.isoformat() if end else None,
                "event_type": event_type,
                "count": len(events),
            }
        )


class CalibrationSummaryView(APIView):
    @extend_schema(
        summary="Per horizon: the latest calibration snapshot in the window, outcome counts and the trend",
        parameters=[SummaryQuerySerializer],
        responses=CalibrationSummarySerializer,
    )
    def get(self, request: Request) -> Response:
        query = validated_or_422(SummaryQuerySerializer(data=request.query_params))
        summary = calibration_summary(
            window_days=query["window_days"], as_of_date=query.get("as_of") or market_today()
        )
        return Response(CalibrationSummarySerializer(summary).data)


class TickerCalibrationView(APIView):
    @extend_schema(
        summary="One ticker's completed outcomes per horizon and its recent outcomes",
        parameters=[TickerCalibrationQuerySerializer],
        responses=TickerCalibrationSerializer,
    )
    def get(self, request: Request, ticker: str) -> Response:
        symbol = normalise_ticker(ticker)
        limit = validated_or_422(TickerCalibrationQuerySerializer(data=request.query_params))["limit"]
        data = ticker_calibration(ticker=symbol, limit=limit)
        return Response(TickerCalibrationSerializer(data).data)


class ReliabilityView(APIView):
    @extend_schema(
        summary="The latest reliability bins of one horizon (with Wilson intervals and mean confidence)",
        parameters=[
            OpenApiParameter("horizon_days", OpenApiTypes.INT, enum=[1, 7, 30], required=False, default=7),
        ],
        responses=ReliabilitySerializer,
    )
    def get(self, request: Request) -> Response:
        # Outside 1..30 or not a whole number is a 422; inside but not 1, 7 or 30 a 400 (as before).
        horizon = validated_or_422(ReliabilityQuerySerializer(data=request.query_params))["horizon_days"]
        if horizon not in HORIZONS:
            raise DomainError(HORIZON_MESSAGE)
        as_of_date, bins = reliability_for(horizon_days=horizon, as_of_date=market_today())
        return Response(reliability_payload(horizon, as_of_date, bins))


class EvaluationView(APIView):
    @extend_schema(
        summary="Does the score carry information? Rank IC, quintiles, hit rates and Brier of past calls",
        description=(
            "Complete outcomes of one horizon, point-in-time, of the calls made from start_date to "
            "end_date (New York dates). Every figure comes with its sample size and a 95% interval "
            "(`intervals` says which kind); `ic_method` and `quantile_method` say whether the IC and "
            "quintiles are per date (dates with at least 5 tickers) or pooled; `net_source` how net "
            "returns were obtained."
        ),
        parameters=[
            OpenApiParameter(
                "horizon_days", OpenApiTypes.INT, enum=list(HORIZONS), required=False, default=7
            ),
            OpenApiParameter("start_date", OpenApiTypes.DATE, required=False),
            OpenApiParameter("end_date", OpenApiTypes.DATE, required=False),
            OpenApiParameter("run_kind", OpenApiTypes.STR, enum=list(RUN_KINDS), required=False),
            OpenApiParameter("tickers", OpenApiTypes.STR, required=False, description="Comma-separated"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        filters = parse_filters(
            horizon=params.get("horizon_days"),
            start=params.get("start_date"),
            end=params.get("end_date"),
            run_kind=params.get("run_kind"),
            tickers=params.getlist("tickers"),
        )
        return Response(signal_evaluation(filters))
