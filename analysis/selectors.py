"""Reads over analyses."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from analysis.models import Analysis


def analysed_tickers() -> list[str]:
    """Distinct tickers that have at least one analysis, alphabetically."""
    return list(Analysis.objects.order_by("ticker").values_list("ticker", flat=True).distinct())


def ticker_summaries() -> list[dict]:
    """Each analysed ticker with its analysis count and latest call, most recently analysed first."""
    latest = Analysis.objects.filter(ticker=OuterRef("ticker")).order_by("-timestamp", "-id")
    return list(
        Analysis.objects.values("ticker")
        .annotate(
            analysis_count=Count("id"),
            latest_timestamp=Max("timestamp"),
            latest_recommendation=Subquery(latest.values("recommendation")[:1]),
        )
        .order_by("-latest_timestamp", "ticker")
    )


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


def stored_analysis_for(ticker: str, analysis_id: int | None = None) -> Analysis | None:
    """The latest analysis of `ticker` (or analysis `analysis_id`, whoever's it is) with its rows."""
    queryset = Analysis.objects.prefetch_related("agent_results", "sentiment_factors")
    if analysis_id is not None:
        return queryset.filter(pk=analysis_id).first()
    return queryset.filter(ticker=ticker).order_by("-timestamp", "-id").first()
