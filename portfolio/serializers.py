"""The portfolio's JSON shapes: profile, holding, overview, and the request bodies (for the schema).

Request bodies are validated in `portfolio.services` (one place for the API and the page);
the input serializers here only describe them in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from portfolio.models import MarketValueSource, PortfolioHolding, PortfolioProfile
from portfolio.selectors import PortfolioOverview

WEIGHT_DIGITS = 6


def _round(value: float | None, digits: int = WEIGHT_DIGITS) -> float | None:
    return None if value is None else round(float(value), digits) + 0.0


class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = PortfolioProfile
        fields = (
            "name",
            "base_currency",
            "max_position_pct",
            "max_sector_pct",
            "risk_budget_pct",
            "target_portfolio_beta",
            "max_turnover_pct",
            "default_transaction_cost_bps",
            "updated_at",
        )
        read_only_fields = fields


def market_value_note(holding: PortfolioHolding) -> str:
    """One sentence saying how the holding's market value was obtained."""
    source = holding.market_value_source
    if source == MarketValueSource.GIVEN:
        return "Market value as entered."
    if source == MarketValueSource.PROVIDER_CLOSE:
        return (
            f"Shares × the provider's close of {holding.market_value_price:.2f} "
            f"on {holding.market_value_price_date}."
        )
    if source == MarketValueSource.AVG_COST:
        return (
            f"Shares × average cost {holding.market_value_price:.2f}: the market data provider "
            "had no price for this ticker."
        )
    return "Market value as stored; how it was obtained was not recorded."


class HoldingSerializer(serializers.ModelSerializer):
    market_value_note = serializers.SerializerMethodField()
    # Plain strings in the schema: one choice set under two names would be two enums.
    sector_source = serializers.CharField(
        read_only=True, allow_null=True, help_text="given | provider; null when unknown or not recorded."
    )
    beta_source = serializers.CharField(
        read_only=True, allow_null=True, help_text="given | provider; null when unknown or not recorded."
    )

    class Meta:
        model = PortfolioHolding
        fields = (
            "id",
            "ticker",
            "shares",
            "avg_cost",
            "market_value",
            "sector",
            "beta",
            "market_value_source",
            "market_value_price",
            "market_value_price_date",
            "market_value_note",
            "sector_source",
            "beta_source",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_market_value_note(self, holding: PortfolioHolding) -> str:
        return market_value_note(holding)


class HoldingListSerializer(serializers.Serializer):
    holdings = HoldingSerializer(many=True)
    count = serializers.IntegerField()


class DeletedHoldingSerializer(serializers.Serializer):
    deleted_id = serializers.IntegerField()


# --- request bodies (schema only) -----------------------------------------------------------


class ProfileInputSerializer(serializers.Serializer):
    """PUT /api/portfolio/profile: any subset of these; unknown fields are a 400."""

    name = serializers.CharField(required=False, max_length=100)
    base_currency = serializers.CharField(required=False, min_length=3, max_length=3)
    max_position_pct = serializers.FloatField(
        required=False, help_text="Fraction of the portfolio, above 0 and at most 1 (0.10 = 10 %)."
    )
    max_sector_pct = serializers.FloatField(required=False, help_text="Fraction, above 0 and at most 1.")
    risk_budget_pct = serializers.FloatField(required=False, help_text="Fraction, above 0 and at most 1.")
    max_turnover_pct = serializers.FloatField(required=False, help_text="Fraction, above 0 and at most 1.")
    target_portfolio_beta = serializers.FloatField(required=False, min_value=0, max_value=5)
    default_transaction_cost_bps = serializers.FloatField(required=False, min_value=0, max_value=500)


class HoldingInputSerializer(serializers.Serializer):
    """POST /api/portfolio/holdings (ticker and shares required); PUT takes any subset."""

    ticker = serializers.CharField(help_text="US equity symbol, e.g. AAPL or BRK.B.")
    shares = serializers.FloatField(help_text="Shares held, above 0.")
    avg_cost = serializers.FloatField(required=False, allow_null=True, help_text="Average cost per share.")
    market_value = serializers.FloatField(
        required=False,
        allow_null=True,
        help_text="Omitted or null: shares × the provider's latest close, else shares × avg_cost.",
    )
    sector = serializers.CharField(
        required=False, allow_null=True, help_text="Omitted or null: the provider's sector when it has one."
    )
    beta = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=5,
        help_text="0..5. Omitted or null: the provider's beta when it has one.",
    )


# --- the overview ---------------------------------------------------------------------------


class TickerExposureSerializer(serializers.Serializer):
    ticker = serializers.CharField()
    sector = serializers.CharField(allow_null=True)
    market_value = serializers.FloatField()
    weight = serializers.FloatField(help_text="Fraction of the total market value.")
    beta = serializers.FloatField(help_text="The beta used (1.0 when the holding has none).")
    beta_assumed = serializers.BooleanField()
    limit = serializers.FloatField(help_text="max_position_pct")
    within_limit = serializers.BooleanField()
    excess = serializers.FloatField()


class SectorExposureSerializer(serializers.Serializer):
    sector = serializers.CharField(allow_null=True, help_text="Null for holdings without a sector.")
    label = serializers.CharField()
    classified = serializers.BooleanField()
    market_value = serializers.FloatField()
    weight = serializers.FloatField()
    tickers = serializers.ListField(child=serializers.CharField())
    limit = serializers.FloatField(help_text="max_sector_pct (not applied to unclassified holdings)")
    within_limit = serializers.BooleanField()
    excess = serializers.FloatField()


class BetaSerializer(serializers.Serializer):
    portfolio_beta = serializers.FloatField(allow_null=True, help_text="Σ weight·beta; null when empty.")
    target = serializers.FloatField()
    gap = serializers.FloatField(allow_null=True, help_text="portfolio_beta − target")
    tolerance = serializers.FloatField()
    within_target = serializers.BooleanField()
    assumed_beta = serializers.FloatField()
    assumed_beta_tickers = serializers.ListField(child=serializers.CharField())


class BreachSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["position", "sector", "beta"])
    name = serializers.CharField()
    value = serializers.FloatField()
    limit = serializers.FloatField()
    excess = serializers.FloatField()
    message = serializers.CharField()


class LimitsSerializer(serializers.Serializer):
    positions_within_limits = serializers.BooleanField()
    sectors_within_limits = serializers.BooleanField()
    beta_within_target = serializers.BooleanField()


class ExposureSerializer(serializers.Serializer):
    by_ticker = TickerExposureSerializer(many=True)
    by_sector = SectorExposureSerializer(many=True)


class PortfolioOverviewSerializer(serializers.BaseSerializer):
    """GET /api/portfolio: profile, holdings, total value, exposure, beta and limit checks."""

    def to_representation(self, overview: PortfolioOverview) -> dict[str, Any]:
        report = overview.report
        return {
            "profile": ProfileSerializer(overview.profile).data,
            "holdings": HoldingSerializer(overview.holdings, many=True).data,
            "holding_count": len(overview.holdings),
            "total_value": _round(report["total_value"], 2),
            "exposure": {
                "by_ticker": [
                    {**row, "weight": _round(row["weight"]), "excess": _round(row["excess"])}
                    for row in report["by_ticker"]
                ],
                "by_sector": [
                    {**row, "weight": _round(row["weight"]), "excess": _round(row["excess"])}
                    for row in report["by_sector"]
                ],
            },
            "beta": {
                **report["beta"],
                "portfolio_beta": _round(report["beta"]["portfolio_beta"]),
                "gap": _round(report["beta"]["gap"]),
            },
            "limits": report["limits"],
            "within_limits": report["within_limits"],
            "breaches": [
                {**b, "value": _round(b["value"]), "excess": _round(b["excess"])} for b in report["breaches"]
            ],
        }


class PortfolioSerializer(serializers.Serializer):
    """The documented shape of `PortfolioOverviewSerializer`'s output (for the schema)."""

    profile = ProfileSerializer()
    holdings = HoldingSerializer(many=True)
    holding_count = serializers.IntegerField()
    total_value = serializers.FloatField()
    exposure = ExposureSerializer()
    beta = BetaSerializer()
    limits = LimitsSerializer()
    within_limits = serializers.BooleanField()
    breaches = BreachSerializer(many=True)
