"""`GET /api/brief?since=`: the desk brief as JSON."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from desk.brief import desk_brief


class BriefView(APIView):
    @extend_schema(
        summary="The desk brief since the last close (or since a date's close)",
        description=(
            "Changed calls (flips, EV and confidence moves), unacknowledged alerts, the top ranked "
            "opportunities across watchlists, holdings at risk, regime changes, calibration health "
            "per horizon and the data's as-of and source. Current runs only."
        ),
        parameters=[
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="YYYY-MM-DD; default the last trading day's close"
            )
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        return Response(desk_brief(since=request.query_params.get("since")))
