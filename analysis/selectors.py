"""Reads over analyses."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from analysis.models import Analysis


def analysed_tickers() -> list[str]:
    """Distinct tickers that have at least one analysis, alphabetically."""
    return list(Analysis.objects.order_by("ticker").values_list("ticker", flat=True).distinct())


def previous_analysis(ticker: str, *, before: dt.datetime) -> Analysis | None:
    """The latest analysis of `ticker` that looked at the market before `before`."""
    return (
        Analysis.objects.filter(ticker=ticker)
        .filter(Q(as_of__lt=before) | Q(as_of__isnull=True, timestamp__lt=before))
        .order_by("-timestamp", "-id")
        .first()
    )


def history_for(ticker: str) -> QuerySet[Analysis]:
    return Analysis.objects.filter(ticker=ticker).order_by("-timestamp", "-id")


def latest_for(ticker: str) -> Analysis | None:
    return history_for(ticker).prefetch_related("agent_results").first()
