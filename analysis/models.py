"""Analyses and what they are made of.

Table and column names are the earlier system's (`spec/legacy-schema.md`) so an
existing `market_research.db` is adopted in place.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.json_columns import FastJSONDecoder
from core.run_kinds import RunKind


class Recommendation(models.TextChoices):
    BUY = "BUY"
    HOLD = "HOLD"
    SELL = "SELL"


class SchemaVersion(models.TextChoices):
    V1 = "v1"
    V2 = "v2"


#: The columns a signal contract fills on a v2 analysis (None on v1), beside
#: `analysis_schema_version`: what the live path stores, the backfill writes and the API shows.
V2_CONTRACT_COLUMNS = (
    "signal_contract_v2",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "regime_label",
    "rationale_summary",
)


def market_moment() -> Coalesce:
    """The moment an analysis looked at the market: `as_of`, or `timestamp` for legacy rows."""
    return Coalesce("as_of", "timestamp")


class AnalysisQuerySet(models.QuerySet):
    """Current and backdated runs (defined in `analysis.backdating`), and their order in time."""

    def current(self) -> AnalysisQuerySet:
        """Runs that are the current call when they are the newest: not backdated."""
        return self.filter(backdated=False)

    def backdated(self) -> AnalysisQuerySet:
        """Replays and runs as of a past session: evidence, never the current call."""
        return self.filter(backdated=True)

    def newest_market_moment_first(self) -> AnalysisQuerySet:
        """The newest market moment first (as_of, or timestamp for legacy rows), then the newest row."""
        return self.order_by(market_moment().desc(), F("timestamp").desc(), F("id").desc())


class Analysis(models.Model):
    ticker = models.CharField(max_length=16)
    timestamp = models.DateTimeField(default=timezone.now)
    recommendation = models.CharField(max_length=4, choices=Recommendation.choices, null=True, blank=True)
    confidence_score = models.FloatField(null=True, blank=True)
    overall_sentiment_score = models.FloatField(null=True, blank=True)
    # Chain of thought: written only when COT_PERSISTENCE_ENABLED is on.
    solution_agent_reasoning = models.TextField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    decision_card = models.JSONField(null=True, blank=True, decoder=FastJSONDecoder)
    change_summary = models.JSONField(null=True, blank=True, decoder=FastJSONDecoder)
    analysis_payload = models.JSONField(null=True, blank=True, decoder=FastJSONDecoder)
    analysis_schema_version = models.CharField(
        max_length=8, choices=SchemaVersion.choices, default=SchemaVersion.V1, db_default="v1"
    )
    signal_contract_v2 = models.JSONField(null=True, blank=True, decoder=FastJSONDecoder)
    ev_score_7d = models.FloatField(null=True, blank=True)
    confidence_calibrated = models.FloatField(null=True, blank=True)
    data_quality_score = models.FloatField(null=True, blank=True)
    regime_label = models.CharField(max_length=16, null=True, blank=True)
    rationale_summary = models.TextField(null=True, blank=True)
    # Added by this project (absent from the earlier system's table).
    as_of = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The moment the analysis looked at the market; legacy rows use timestamp.",
    )
    run_kind = models.CharField(max_length=16, choices=RunKind.choices, null=True, blank=True)
    data_source = models.CharField(max_length=32, null=True, blank=True)
    backdated = models.BooleanField(
        default=False,
        db_default=False,
        help_text=(
            "Replay, or as of a session earlier than the one current when it ran (analysis.backdating)."
        ),
    )

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        db_table = "analyses"
        verbose_name_plural = "analyses"
        ordering = ["-timestamp", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["ticker", "timestamp"], name="analyses_ticker_timestamp_uniq"),
            models.CheckConstraint(
                condition=Q(recommendation__in=["BUY", "HOLD", "SELL"]) | Q(recommendation__isnull=True),
                name="analyses_recommendation_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["ticker", "-timestamp"], name="analyses_ticker_ts_idx"),
            # The current call of a ticker: `current()` ordered by `newest_market_moment_first()`.
            # Partial, since SQL renders `backdated=False` as `NOT backdated`, which no column
            # of a composite index matches.
            models.Index(
                F("ticker"),
                market_moment().desc(),
                F("timestamp").desc(),
                F("id").desc(),
                name="analyses_current_moment_idx",
                condition=Q(backdated=False),
            ),
            # The rollout status's window over every ticker.
            models.Index(fields=["timestamp"], name="analyses_timestamp_idx"),
            # The rollout status's counts over its window, read from the index alone: in the row
            # these columns follow the large JSON ones, which SQLite reads through overflow pages.
            models.Index(
                fields=[
                    "timestamp",
                    "run_kind",
                    "analysis_schema_version",
                    "ev_score_7d",
                    "confidence_calibrated",
                    "data_quality_score",
                    "regime_label",
                ],
                name="analyses_window_counts_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticker} {self.recommendation or '?'} @ {self.timestamp:%Y-%m-%d %H:%M}"

    @property
    def effective_as_of(self) -> dt.datetime:
        return self.as_of or self.timestamp


class AgentResult(models.Model):
    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, null=True, blank=True, related_name="agent_results"
    )
    agent_type = models.CharField(max_length=32)
    success = models.BooleanField(null=True, blank=True)
    data = models.JSONField(null=True, blank=True, decoder=FastJSONDecoder)
    error = models.TextField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "agent_results"

    def __str__(self) -> str:
        return f"{self.agent_type} for analysis {self.analysis_id}"


class PriceBar(models.Model):
    """One cached daily bar from a market data provider."""

    ticker = models.CharField(max_length=16)
    timestamp = models.DateTimeField()
    open = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    close = models.FloatField(null=True, blank=True)
    volume = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "price_history"
        constraints = [
            models.UniqueConstraint(fields=["ticker", "timestamp"], name="price_history_ticker_ts_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.ticker} {self.timestamp:%Y-%m-%d} close={self.close}"


class NewsArticle(models.Model):
    """A cached news article with its sentiment."""

    ticker = models.CharField(max_length=16)
    published_at = models.DateTimeField()
    title = models.TextField(null=True, blank=True)
    source = models.CharField(max_length=200, null=True, blank=True)
    url = models.TextField(null=True, blank=True)
    summary = models.TextField(null=True, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "news_cache"
        constraints = [models.UniqueConstraint(fields=["ticker", "url"], name="news_cache_ticker_url_uniq")]
        indexes = [models.Index(fields=["ticker", "-published_at"], name="news_cache_ticker_pub_idx")]

    def __str__(self) -> str:
        return f"{self.ticker}: {self.title or self.url}"


class SentimentFactor(models.Model):
    """One factor of an analysis's sentiment breakdown."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, null=True, blank=True, related_name="sentiment_factors"
    )
    factor = models.CharField(max_length=64, null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    weight = models.FloatField(null=True, blank=True)
    contribution = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "sentiment_scores"

    def __str__(self) -> str:
        return f"{self.factor}={self.score}"
