"""What started an analysis: the one list the model stores and the flag resolver reads."""

from __future__ import annotations

from django.db.models import TextChoices


class RunKind(TextChoices):
    """`Analysis.run_kind`. A scheduled run may have features switched on ahead of everyone
    (`core.flags`); every other kind is decided as an interactive run."""

    INTERACTIVE = "interactive"
    WATCHLIST = "watchlist"
    SCHEDULED = "scheduled"
    REPLAY = "replay"
