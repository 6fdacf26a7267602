"""Reads over the desk's portfolio."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from portfolio.models import PortfolioHolding, PortfolioProfile


@dataclass(frozen=True)
class PositionView:
    total_value: float
    position_value: float
    sector: str | None
    sector_value: float
    max_position_pct: float
    max_sector_pct: float
    default_transaction_cost_bps: float


def current_profile() -> PortfolioProfile:
    """The single profile row, with the earlier system's defaults until someone edits it."""
    profile, _ = PortfolioProfile.objects.get_or_create(id=1)
    return profile


def position_view(ticker: str) -> PositionView | None:
    """The ticker's weight and its sector's, or None when the portfolio is empty."""
    total = PortfolioHolding.objects.aggregate(total=Sum("market_value"))["total"] or 0.0
    profile = PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()
    if total <= 0:
        return None
    holding = PortfolioHolding.objects.filter(ticker=ticker).first()
    sector = holding.sector if holding else None
    sector_value = (
        PortfolioHolding.objects.filter(sector=sector).aggregate(v=Sum("market_value"))["v"] or 0.0
        if sector
        else 0.0
    )
    return PositionView(
        total_value=float(total),
        position_value=float(holding.market_value) if holding else 0.0,
        sector=sector,
        sector_value=float(sector_value),
        max_position_pct=profile.max_position_pct,
        max_sector_pct=profile.max_sector_pct,
        default_transaction_cost_bps=profile.default_transaction_cost_bps,
    )
