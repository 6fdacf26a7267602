from __future__ import annotations

from django.contrib import admin

from portfolio.models import PortfolioHolding, PortfolioProfile

admin.site.register(PortfolioProfile)


@admin.register(PortfolioHolding)
class PortfolioHoldingAdmin(admin.ModelAdmin):
    list_display = ("ticker", "shares", "market_value", "sector", "beta")
    search_fields = ("ticker",)
