"""Indexes for the hot reads: the current call of a ticker, and the rollout status's window.

`analyses` may be an adopted table, so the indexes are created only where absent.
"""

from django.db import migrations, models
from django.db.models.functions import Coalesce

from pmresearch.schema_adoption import ensure_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0003_analysis_backdated"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="analysis",
                    index=models.Index(
                        models.F("ticker"),
                        models.OrderBy(Coalesce("as_of", "timestamp"), descending=True),
                        models.OrderBy(models.F("timestamp"), descending=True),
                        models.OrderBy(models.F("id"), descending=True),
                        condition=models.Q(backdated=False),
                        name="analyses_current_moment_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="analysis",
                    index=models.Index(fields=["timestamp"], name="analyses_timestamp_idx"),
                ),
            ],
        ),
        ensure_indexes("analysis", "Analysis", ["analyses_current_moment_idx", "analyses_timestamp_idx"]),
    ]
