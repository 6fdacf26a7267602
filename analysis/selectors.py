"""Reads over analyses."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from analysis.models import Analysis


def analysed_tickers() -> list[str]:
    """Distinct tickers that have at least one analysis, alphabetically."""
    return list(Analysis.objects.order_by("ticker").values_list("ticker", flat=True).distinct())


def ticker_summaries() -> list[dict]:
    """Each analysed ticker with its analysis count and current call, most recently analysed first.

    `latest_recommendation` is the current call's (a replay or a run as of a past date never is);
    a ticker with only backdated runs has none.
    """
    latest = Analysis.objects.filter(ticker=OuterRef("ticker")).current().newest_market_moment_first()
    return list(
        Analysis.objects.values("ticker")
        .annotate(
            analysis_count=Count("id"),
            latest_timestamp=Max("timestamp"),
            latest_recommendation=Subquery(latest.values("recommendation")[:1]),
        )
        .order_by("-latest_timestamp", "ticker")
    )


def previous_analysis(ticker: str, *, before: dt.datetime, current_only: bool = True) -> Analysis | None:
    """The analysis of `ticker` with the newest market moment before `before`.

    A current run is compared with the current call before it (`current_only`), never with a
    replay; a backdated run may be compared with any run that looked earlier (its own replay's
    previous day, typically).
    """
    queryset = Analysis.objects.filter(ticker=ticker).filter(
        Q(as_of__lt=before) | Q(as_of__isnull=True, timestamp__lt=before)
    )
    if current_only:
        queryset = queryset.current()
    return queryset.newest_market_moment_first().first()


def history_for(ticker: str, *, run_kind: str | None = None) -> QuerySet[Analysis]:
    """Every analysis of `ticker`, backdated ones included, most recently run first.

    `run_kind`: one of `analysis.filters.RUN_KIND_FILTERS` (a kind, or "current"/"backdated");
    None for all.
    """
    queryset = Analysis.objects.filter(ticker=ticker)
    if run_kind == "current":
        queryset = queryset.current()
    elif run_kind == "backdated":
        queryset = queryset.backdated()
    elif run_kind:
        queryset = queryset.filter(run_kind=run_kind)
    return queryset.order_by("-timestamp", "-id")


def current_latest_for(ticker: str) -> Analysis | None:
    """The current call of `ticker`: its current run with the newest market moment (or None)."""
    return (
        Analysis.objects.filter(ticker=ticker)
        .current()
        .newest_market_moment_first()
        .prefetch_related("agent_results")
        .first()
    )


def current_calls(*, limit: int) -> list[Analysis]:
    """Each ticker's current call, the newest market moment first (at most `limit` tickers)."""
    newest = (
        Analysis.objects.filter(ticker=OuterRef("ticker"))
        .current()
        .newest_market_moment_first()
        .values("pk")[:1]
    )
    return list(Analysis.objects.current().filter(pk=Subquery(newest)).newest_market_moment_first()[:limit])


def recent_backdated(*, limit: int) -> list[Analysis]:
    """The most recently run backdated analyses (replays, runs as of a past date)."""
    return list(Analysis.objects.backdated().order_by("-timestamp", "-id")[:limit])


def stored_analysis_for(ticker: str, analysis_id: int | None = None) -> Analysis | None:
    """Analysis `analysis_id` (whoever's it is), or the current call of `ticker`, with its rows."""
    queryset = Analysis.objects.prefetch_related("agent_results", "sentiment_factors")
    if analysis_id is not None:
        return queryset.filter(pk=analysis_id).first()
    return queryset.filter(ticker=ticker).current().newest_market_moment_first().first()
