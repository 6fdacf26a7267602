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
