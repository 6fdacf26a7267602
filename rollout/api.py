"""JSON API for rollout operations: the Phase 7 gate status."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_errors import validated_or_422
from rollout.metrics import DEFAULT_WINDOW_HOURS, MAX_WINDOW_HOURS, MIN_WINDOW_HOURS, rollout_status


class StatusQuerySerializer(serializers.Serializer):
    window_hours = serializers.IntegerField(
        required=False,
        min_value=MIN_WINDOW_HOURS,
        max_value=MAX_WINDOW_HOURS,
        default=DEFAULT_WINDOW_HOURS,
        help_text=f"Look-back window in hours ({MIN_WINDOW_HOURS}..{MAX_WINDOW_HOURS}, "
        f"default {DEFAULT_WINDOW_HOURS}).",
    )


class RolloutStatusView(APIView):
    """Any signed-in user reads it (the default desk permission)."""

    @extend_schema(
        operation_id="rollout_phase7_status",
        summary="Phase 7 rollout: stage A–D gates, supporting metrics, flag posture, legacy reads",
        parameters=[StatusQuerySerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        # A window outside 1..720 hours is a 422, as the earlier API answered.
        query = validated_or_422(StatusQuerySerializer(data=request.query_params))
        return Response(rollout_status(window_hours=query["window_hours"]))
