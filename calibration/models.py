"""Outcomes, calibration snapshots, reliability bins, schedules and catalysts.

Legacy table and column names (`spec/legacy-schema.md`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from analysis.models import Analysis

HORIZONS = (1, 7, 30)


def _horizon_check(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(horizon_days__in=HORIZONS), name=name)


class OutcomeStatus(models.TextChoices):
    PENDING = "pending"
    COMPLETE = "complete"
    SKIPPED = "skipped"


class AnalysisOutcome(models.Model):
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="outcomes")
    ticker = models.CharField(max_length=16)
    horizon_days = models.IntegerField()
    target_date = models.DateField()
    # The reference price as known at the analysis's as_of (its last close, as traded then).
    baseline_price = models.FloatField()
    # The realised close per share held at the analysis: splits and dividends in between are
    # folded in (calibration.price_basis), so realized / baseline − 1 is the total return.
    realized_price = models.FloatField(null=True, blank=True)
    realized_return_pct = models.FloatField(null=True, blank=True)
    direction_correct = models.BooleanField(null=True, blank=True)
    outcome_up = models.BooleanField(null=True, blank=True)
    predicted_up_probability = models.FloatField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    brier_component = models.FloatField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=OutcomeStatus.choices, default=OutcomeStatus.PENDING, db_default="pending"
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    transaction_cost_bps = models.FloatField(null=True, blank=True)
    slippage_bps = models.FloatField(null=True, blank=True)
    realized_return_net_pct = models.FloatField(null=True, blank=True)
    max_drawdown_pct = models.FloatField(null=True, blank=True)
    utility_score = models.FloatField(null=True, blank=True)
    # Added by this project: the session whose close was used as the realised price.
    realized_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "analysis_outcomes"
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "horizon_days"], name="analysis_outcomes_analysis_horizon_uniq"
            ),
            _horizon_check("analysis_outcomes_horizon_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "complete", "skipped"]),
                name="analysis_outcomes_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "target_date"], name="analysis_outcomes_due_idx")]

    def __str__(self) -> str:
        return f"{self.ticker} {self.horizon_days}d ({self.status})"


class CalibrationSnapshot(models.Model):
    as_of_date = models.DateField()
    horizon_days = models.IntegerField()
    sample_size = models.IntegerField()
    directional_accuracy = models.FloatField()
    avg_realized_return_pct = models.FloatField(null=True, blank=True)
    mean_confidence = models.FloatField(null=True, blank=True)
    brier_score = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)
    mean_net_return_pct = models.FloatField(null=True, blank=True)
    mean_drawdown_pct = models.FloatField(null=True, blank=True)
    utility_mean = models.FloatField(null=True, blank=True)
    # Added by this project.
    expected_calibration_error = models.FloatField(null=True, blank=True)
    window_days = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "calibration_snapshots"
        constraints = [
            models.UniqueConstraint(
                fields=["as_of_date", "horizon_days"], name="calibration_snapshots_date_horizon_uniq"
            ),
            _horizon_check("calibration_snapshots_horizon_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.horizon_days}d snapshot {self.as_of_date}"


class ReliabilityBin(models.Model):
    as_of_date = models.DateField()
    horizon_days = models.IntegerField()
    bin_index = models.IntegerField()
    bin_lower = models.FloatField()
    bin_upper = models.FloatField()
    sample_size = models.IntegerField()
    empirical_hit_rate = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)
    # Added by this project: Wilson 95 % interval of the hit rate, and the mean confidence in the bin.
    ci_lower = models.FloatField(null=True, blank=True)
    ci_upper = models.FloatField(null=True, blank=True)
    mean_confidence = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "confidence_reliability_bins"
        constraints = [
            models.UniqueConstraint(
                fields=["as_of_date", "horizon_days", "bin_index"],
                name="reliability_bins_date_horizon_bin_uniq",
            ),
            _horizon_check("reliability_bins_horizon_valid"),
        ]
        indexes = [
            models.Index(
                fields=["horizon_days", "-as_of_date", "bin_index"], name="reliability_bins_lookup_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.horizon_days}d bin {self.bin_index} {self.as_of_date}"


class Schedule(models.Model):
    ticker = models.CharField(max_length=16, unique=True)
    interval_minutes = models.IntegerField()
    # Comma-separated agent names; empty means all agents.
    agents = models.TextField(null=True, blank=True)
    enabled = models.BooleanField(default=True, db_default=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "schedules"
        ordering = ["ticker"]

    def __str__(self) -> str:
        return f"{self.ticker} every {self.interval_minutes} min"


class ScheduleRun(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    analysis = models.ForeignKey(
        Analysis, on_delete=models.SET_NULL, null=True, blank=True, related_name="schedule_runs"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    success = models.BooleanField(null=True, blank=True)
    error = models.TextField(null=True, blank=True)
    run_reason = models.CharField(
        max_length=32, null=True, blank=True, default="scheduled", db_default="scheduled"
    )
    catalyst_event_type = models.CharField(max_length=16, null=True, blank=True)
    catalyst_event_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "schedule_runs"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run of {self.schedule_id} at {self.started_at:%Y-%m-%d %H:%M}"


class MacroEventType(models.TextChoices):
    FOMC = "fomc", "FOMC decision"
    CPI = "cpi", "CPI release"
    NFP = "nfp", "Non-farm payrolls"


class MacroCatalystEvent(models.Model):
    event_type = models.CharField(max_length=8, choices=MacroEventType.choices)
    event_date = models.DateField()
    event_label = models.CharField(max_length=200)
    source = models.CharField(max_length=32, default="seeded", db_default="seeded")
    enabled = models.BooleanField(default=True, db_default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "macro_catalyst_events"
        ordering = ["event_date"]
        constraints = [
            models.UniqueConstraint(fields=["event_type", "event_date"], name="macro_events_type_date_uniq"),
            models.CheckConstraint(
                condition=Q(event_type__in=["fomc", "cpi", "nfp"]), name="macro_events_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_label} ({self.event_date})"


class CatalystReason(models.TextChoices):
    # The earlier system's names, kept in stored rows and in the API: its clients and adopted
    # databases read them. Which event a run is for is in catalyst_event_type.
    SCHEDULED = "scheduled"
    CATALYST_PRE = "catalyst_pre", "Before a catalyst (earnings or macro)"
    CATALYST_DAY = "catalyst_day", "Day of a macro event"
    CATALYST_POST = "catalyst_post", "After earnings"


class CatalystRunClaim(models.Model):
    """At most one catalyst run per (schedule, reason, event, date): the unique row is the claim."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="catalyst_claims")
    reason = models.CharField(max_length=16, choices=CatalystReason.choices)
    event_type = models.CharField(max_length=16)
    event_date = models.DateField()
    run_date = models.DateField()
    run = models.OneToOneField(
        ScheduleRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="claim"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "catalyst_run_claims"
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "reason", "event_type", "event_date"], name="catalyst_claims_once_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.event_type} {self.event_date} for schedule {self.schedule_id}"
