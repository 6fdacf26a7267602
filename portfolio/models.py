"""The desk's one portfolio: its profile (a single row, id 1) and holdings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PortfolioProfile(models.Model):
    id = models.IntegerField(primary_key=True, default=1)
    name = models.CharField(max_length=100, default="Primary", db_default="Primary")
    base_currency = models.CharField(max_length=3, default="USD", db_default="USD")
    max_position_pct = models.FloatField(default=0.10, db_default=0.10)
    max_sector_pct = models.FloatField(default=0.30, db_default=0.30)
    risk_budget_pct = models.FloatField(default=1.00, db_default=1.00)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    target_portfolio_beta = models.FloatField(default=1.00, db_default=1.00)
    max_turnover_pct = models.FloatField(default=0.15, db_default=0.15)
    default_transaction_cost_bps = models.FloatField(default=10.0, db_default=10.0)

    class Meta:
        db_table = "portfolio_profile"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="portfolio_profile_single_row")]

    def __str__(self) -> str:
        return self.name


class MarketValueSource(models.TextChoices):
    GIVEN = "given", "Entered"
    PROVIDER_CLOSE = "provider_close", "Shares × the provider's latest close"
    AVG_COST = "avg_cost", "Shares × average cost (no provider price)"


class FieldSource(models.TextChoices):
    GIVEN = "given", "Entered"
    PROVIDER = "provider", "From the provider's fundamentals"


class PortfolioHolding(models.Model):
    ticker = models.CharField(max_length=16, unique=True)
    shares = models.FloatField()
    avg_cost = models.FloatField(null=True, blank=True)
    market_value = models.FloatField()
    sector = models.CharField(max_length=64, null=True, blank=True)
    beta = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Added by this project (absent from the earlier system's table): how each value was
    # obtained, so the API can say so. Null on rows the earlier system wrote.
    market_value_source = models.CharField(
        max_length=16, choices=MarketValueSource.choices, null=True, blank=True
    )
    market_value_price = models.FloatField(
        null=True, blank=True, help_text="The per-share price market_value was computed from."
    )
    market_value_price_date = models.DateField(
        null=True, blank=True, help_text="The session of the provider close used, when one was."
    )
    market_value_price_is_demo = models.BooleanField(
        null=True,
        blank=True,
        help_text="Whether that close came from the synthetic demo market (null: not recorded).",
    )
    sector_source = models.CharField(max_length=16, choices=FieldSource.choices, null=True, blank=True)
    beta_source = models.CharField(max_length=16, choices=FieldSource.choices, null=True, blank=True)

    class Meta:
        db_table = "portfolio_holdings"
        ordering = ["ticker"]
        constraints = [
            models.CheckConstraint(condition=Q(shares__gte=0), name="portfolio_holdings_shares_non_negative"),
            models.CheckConstraint(
                condition=Q(market_value__gte=0), name="portfolio_holdings_market_value_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticker} x {self.shares:g}"
