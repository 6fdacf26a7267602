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
