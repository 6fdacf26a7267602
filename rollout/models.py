"""Admin overrides of the feature flags; defaults come from the environment."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FeatureFlag(models.Model):
    """One row per flag. `override` NULL means "use the environment default"."""

    name = models.CharField(max_length=64, unique=True)
    override = models.BooleanField(
        null=True,
        blank=True,
        help_text="Empty: follow the environment default. Yes/No: force the flag on/off.",
    )
    note = models.CharField(max_length=200, blank=True, default="", help_text="Why it was changed.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientKind(models.TextChoices):
    V2_DECLARED = "v2_declared", "Declared signal contract v2"
    LEGACY_ONLY = "legacy_only", "Relies on legacy keys only"


class ApiReadCounter(models.Model):
    """Reads of analysis-shaped API responses, per UTC day, route name and client kind.

    Written by `rollout.telemetry`; one row per (day, route, client_kind), incremented in SQL
    so concurrent requests never lose a count.
    """

    day = models.DateField()
    route = models.CharField(max_length=64, help_text="The URL name of the route read.")
    client_kind = models.CharField(max_length=16, choices=ClientKind.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-day", "route", "client_kind"]
        constraints = [
            models.UniqueConstraint(fields=["day", "route", "client_kind"], name="api_read_counter_key_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.route} {self.client_kind}: {self.count}"


class AnalysisFacts(models.Model):
    """What the rollout status reads from one analysis's JSON columns, kept beside the row.

    Worked out by `rollout.facts` for the `generation` it read. Database triggers (migration
    rollout.0004) add one to `generation` whenever the analysis's payload, contract, schema
    version or id is updated, or the row deleted, by any writer; facts whose
    `facts_generation` is not the current `generation` (or of another `facts_version`) are
    stale and worked out again. No foreign key: a raw delete of an analysis must not fail on it.
    """

    analysis = models.OneToOneField(
        "analysis.Analysis",
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_constraint=False,
        related_name="rollout_facts",
    )
    generation = models.PositiveIntegerField(default=0)
    facts_generation = models.PositiveIntegerField(null=True, blank=True)
    facts_version = models.PositiveSmallIntegerField(null=True, blank=True)
    contract_present = models.BooleanField(null=True, help_text="signal_contract_v2 is not NULL.")
    contract_valid = models.BooleanField(null=True, help_text="signal_contract_v2 passes its JSON Schema.")
    action_parseable = models.BooleanField(
        null=True, help_text="A v2 analysis's payload carries a parseable portfolio_action_v2."
    )
    optimizer_off = models.BooleanField(
        null=True, help_text="A v2 analysis recorded PORTFOLIO_OPTIMIZER_V2_ENABLED as false."
    )

    class Meta:
        db_table = "rollout_analysis_facts"
        verbose_name_plural = "analysis facts"

    def __str__(self) -> str:
        return f"facts of analysis {self.analysis_id} (generation {self.generation})"
