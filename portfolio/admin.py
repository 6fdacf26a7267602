from __future__ import annotations

from django.contrib import admin

from portfolio.models import PortfolioHolding, PortfolioProfile

admin.site.register(PortfolioProfile)


@admin.register(PortfolioHolding)
class PortfolioHoldingAdmin(admin.ModelAdmin):
    list_display = ("ticker", "shares", "market_value", "market_value_source", "sector", "beta")
    list_filter = ("market_value_source", "sector_source", "beta_source")
    search_fields = ("ticker",)
    readonly_fields = (
        "market_value_source",
        "market_value_price",
        "market_value_price_date",
        "sector_source",
        "beta_source",
    )
