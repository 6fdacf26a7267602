"""JSON API for the desk's portfolio: thin views over `portfolio.services` and `portfolio.selectors`.

Reads for every signed-in user; writes for PMs and admins (the default DeskRolePermission).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analysis.tickers import normalise_ticker
from core.domain_errors import DomainError
from core.openapi import described_input
from portfolio.models import PortfolioHolding
from portfolio.selectors import portfolio_overview, profile_for_reading
from portfolio.serializers import (
    DeletedHoldingSerializer,
    HoldingListSerializer,
    HoldingSerializer,
    PortfolioOverviewSerializer,
    PortfolioSerializer,
    ProfileSerializer,
)
from portfolio.services import (
    create_holding,
    delete_holding,
    get_holding,
    optimize_ticker,
    update_holding,
    update_profile,
)

# The request bodies as the schema describes them; `portfolio.validation` checks them.
PROFILE_BODY = described_input(
    "ProfileInput",
    {
        "name": serializers.CharField(required=False, max_length=100),
        "base_currency": serializers.CharField(required=False, min_length=3, max_length=3),
        "max_position_pct": serializers.FloatField(
            required=False, help_text="Fraction of the portfolio, above 0 and at most 1 (0.10 = 10 %)."
        ),
        "max_sector_pct": serializers.FloatField(
            required=False, help_text="Fraction, above 0 and at most 1."
        ),
        "risk_budget_pct": serializers.FloatField(
            required=False, help_text="Fraction, above 0 and at most 1."
        ),
        "max_turnover_pct": serializers.FloatField(
            required=False, help_text="Fraction, above 0 and at most 1."
        ),
        "target_portfolio_beta": serializers.FloatField(required=False, min_value=0, max_value=5),
        "default_transaction_cost_bps": serializers.FloatField(required=False, min_value=0, max_value=500),
    },
    description="PUT /api/portfolio/profile: any subset of these; unknown fields are a 400.",
)


def _holding_body(*, partial: bool) -> serializers.Serializer:
    return described_input(
        "HoldingInput",
        {
            "ticker": serializers.CharField(help_text="US equity symbol, e.g. AAPL or BRK.B."),
            "shares": serializers.FloatField(help_text="Shares held, above 0."),
            "avg_cost": serializers.FloatField(
                required=False, allow_null=True, help_text="Average cost per share."
            ),
            "market_value": serializers.FloatField(
                required=False,
                allow_null=True,
                help_text="Omitted or null: shares × the provider's latest close, else shares × avg_cost.",
            ),
            "sector": serializers.CharField(
                required=False,
                allow_null=True,
                help_text="Omitted or null: the provider's sector when it has one.",
            ),
            "beta": serializers.FloatField(
                required=False,
                allow_null=True,
                min_value=0,
                max_value=5,
                help_text="0..5. Omitted or null: the provider's beta when it has one.",
            ),
        },
        description="POST /api/portfolio/holdings (ticker and shares required); PUT takes any subset.",
        partial=partial,
    )


HOLDING_BODY = _holding_body(partial=False)
HOLDING_CHANGES_BODY = _holding_body(partial=True)


def _body(request: Request) -> dict[str, Any]:
    data = request.data
    if not isinstance(data, Mapping):
        # The earlier API declared an object body: anything else failed its model (422).
        raise DomainError("The body must be a JSON object of field names and values.", status_code=422)
    return {str(name): value for name, value in data.items()}


class PortfolioView(APIView):
    @extend_schema(
        summary="The portfolio: profile, holdings, exposure by ticker and sector, beta, limit checks",
        responses=PortfolioSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(PortfolioOverviewSerializer(portfolio_overview()).data)


class ProfileView(APIView):
    @extend_schema(summary="The portfolio profile (limits, target beta, costs)", responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(profile_for_reading()).data)

    @extend_schema(
        summary="Change profile fields (PMs and admins); fields left out keep their value",
        request=PROFILE_BODY,
        responses=ProfileSerializer,
    )
    def put(self, request: Request) -> Response:
        return Response(ProfileSerializer(update_profile(**_body(request))).data)


class HoldingListView(APIView):
    @extend_schema(
        operation_id="portfolio_holdings_list",
        summary="Every holding, by ticker",
        responses=HoldingListSerializer,
    )
    def get(self, request: Request) -> Response:
        holdings = list(PortfolioHolding.objects.order_by("ticker"))
        data = HoldingSerializer(holdings, many=True).data
        return Response({"holdings": data, "total_count": len(holdings), "count": len(holdings)})

    @extend_schema(
        summary="Add a holding (PMs and admins); market value, sector and beta filled in when omitted",
        description="200 with the holding (as the earlier API answered a create); 409 when the ticker "
        "is already held; 422 for a value outside the body's declared bounds.",
        request=HOLDING_BODY,
        responses=HoldingSerializer,
    )
    def post(self, request: Request) -> Response:
        holding = create_holding(**_body(request))
        return Response(HoldingSerializer(holding).data)


class HoldingDetailView(APIView):
    @extend_schema(summary="One holding", responses=HoldingSerializer)
    def get(self, request: Request, holding_id: int) -> Response:
        return Response(HoldingSerializer(get_holding(holding_id)).data)

    @extend_schema(
        summary="Change a holding (PMs and admins); fields left out keep their value",
        request=HOLDING_CHANGES_BODY,
        responses=HoldingSerializer,
    )
    def put(self, request: Request, holding_id: int) -> Response:
        return Response(HoldingSerializer(update_holding(holding_id, **_body(request))).data)

    @extend_schema(summary="Delete a holding (PMs and admins)", responses=DeletedHoldingSerializer)
    def delete(self, request: Request, holding_id: int) -> Response:
        return Response({"success": True, "deleted_id": delete_holding(holding_id)})


class OptimizeView(APIView):
    @extend_schema(
        summary="Size a ticker against the portfolio with the optimizer, from its latest analysis",
        description="Returns `portfolio_action_v2`: action, target/current/delta weight, shares, cost, "
        "beta before/after, the binding constraint and the constraint trace. 400 when the ticker "
        "has no stored analysis.",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, ticker: str) -> Response:
        return Response(optimize_ticker(normalise_ticker(ticker)))
