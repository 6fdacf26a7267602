"""Reads over analyses."""

from __future__ import annotations

from analysis.models import Analysis


def analysed_tickers() -> list[str]:
    """Distinct tickers that have at least one analysis, alphabetically."""
    return list(Analysis.objects.order_by("ticker").values_list("ticker", flat=True).distinct())
