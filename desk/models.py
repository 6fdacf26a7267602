"""A user's desk preferences (a table of our own; the earlier system had no users)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DeskPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_preferences"
    )
    brief_email = models.BooleanField(
        default=False, help_text="E-mail me the brief after each market close (opt-in)."
    )
    # The session whose brief was last mailed, so a redelivered task mails nobody twice.
    brief_last_sent_for = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "desk preferences"

    def __str__(self) -> str:
        return f"{self.user} brief e-mail {'on' if self.brief_email else 'off'}"
