"""The portfolio's JSON shapes: profile, holding and overview.

Request bodies are checked by `portfolio.validation` (one place for the API and the page) and
described to the schema beside their views in `portfolio.api`.
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
    """The profile as the earlier API sent it (`id` 1, its timestamps) and as PUT returns it."""

    updated_at = serializers.SerializerMethodField()

    class Meta:
        model = PortfolioProfile
        fields = (
            "id",
            "name",
            "base_currency",
            "max_position_pct",
            "max_sector_pct",
            "risk_budget_pct",
            "target_portfolio_beta",
            "max_turnover_pct",
            "default_transaction_cost_bps",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_updated_at(self, profile: PortfolioProfile) -> str:
        # A profile never saved (the defaults, read without writing) was last changed when made.
        moment = profile.updated_at or profile.created_at
        return serializers.DateTimeField().to_representation(moment)


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
    total_count = serializers.IntegerField(help_text="The number of holdings (the earlier key).")
    count = serializers.IntegerField(help_text="The same number, under this project's key.")


class DeletedHoldingSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    deleted_id = serializers.IntegerField()


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


UNSPECIFIED_SECTOR = "Unspecified"


def snapshot_of(
    profile: dict[str, Any], holdings: list[dict[str, Any]], report: dict[str, Any]
) -> dict[str, Any]:
    """The earlier API's `snapshot`: each holding with its weight and its sector's, and the sectors.

    Percentages are fractions (0.504 = 50.4 %), rounded to 6 digits; a holding without a sector
    counts in the "Unspecified" sector. Rows come in the exposure report's order (largest
    first). `total_market_value` is the integer 0 for an empty book, as the earlier API sent it.
    """
    holding_of = {row["ticker"]: row for row in holdings}
    sector_weight_of: dict[str, float] = {}  # ticker → its sector's weight
    by_sector = []
    for group in report["by_sector"]:
        for ticker in group["tickers"]:
            sector_weight_of[ticker] = group["weight"]
        by_sector.append(
            {
                "sector": group["sector"] if group["classified"] else UNSPECIFIED_SECTOR,
                "market_value": _round(group["market_value"], 2),
                "exposure_pct": _round(group["weight"]),
            }
        )
    by_ticker = [
        {
            **holding_of[row["ticker"]],
            "position_pct": _round(row["weight"]),
            "sector_exposure_pct": _round(sector_weight_of.get(row["ticker"], 0.0)),
        }
        for row in report["by_ticker"]
        if row["ticker"] in holding_of
    ]
    return {
        "profile": profile,
        "total_market_value": _round(report["total_value"], 2) if holdings else 0,
        "holdings_count": len(holdings),
        "by_ticker": by_ticker,
        "by_sector": by_sector,
    }


class PortfolioOverviewSerializer(serializers.BaseSerializer):
    """GET /api/portfolio: profile, holdings and the earlier `snapshot`, then this project's
    total value, exposure, beta and limit checks beside them."""

    def to_representation(self, overview: PortfolioOverview) -> dict[str, Any]:
        report = overview.report
        profile = ProfileSerializer(overview.profile).data
        holdings = HoldingSerializer(overview.holdings, many=True).data
        return {
            "profile": profile,
            "holdings": holdings,
            "snapshot": snapshot_of(profile, holdings, report),
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


class SnapshotHoldingSerializer(HoldingSerializer):
    position_pct = serializers.FloatField(help_text="The holding's fraction of the total market value.")
    sector_exposure_pct = serializers.FloatField(help_text="Its sector's fraction (Unspecified included).")

    class Meta(HoldingSerializer.Meta):
        fields = (*HoldingSerializer.Meta.fields, "position_pct", "sector_exposure_pct")
        read_only_fields = fields


class SnapshotSectorSerializer(serializers.Serializer):
    sector = serializers.CharField(help_text='"Unspecified" for holdings without a sector.')
    market_value = serializers.FloatField()
    exposure_pct = serializers.FloatField(help_text="Fraction of the total market value.")


class SnapshotSerializer(serializers.Serializer):
    profile = ProfileSerializer()
    total_market_value = serializers.FloatField(help_text="0 (an integer) when there are no holdings.")
    holdings_count = serializers.IntegerField()
    by_ticker = SnapshotHoldingSerializer(many=True)
    by_sector = SnapshotSectorSerializer(many=True)


class PortfolioSerializer(serializers.Serializer):
    """The documented shape of `PortfolioOverviewSerializer`'s output (for the schema)."""

    profile = ProfileSerializer()
    holdings = HoldingSerializer(many=True)
    snapshot = SnapshotSerializer(help_text="The earlier API's exposure snapshot.")
    holding_count = serializers.IntegerField()
    total_value = serializers.FloatField()
    exposure = ExposureSerializer()
    beta = BetaSerializer()
    limits = LimitsSerializer()
    within_limits = serializers.BooleanField()
    breaches = BreachSerializer(many=True)
