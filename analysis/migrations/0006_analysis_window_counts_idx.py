"""An index the rollout status counts its window from, without reading the rows.

`analyses` may be an adopted table, so the index is created only where absent.
"""

from django.db import migrations, models

from pmresearch.schema_adoption import ensure_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0005_json_columns_fast_decoder"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="analysis",
                    index=models.Index(
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
                ),
            ],
        ),
        ensure_indexes("analysis", "Analysis", ["analyses_window_counts_idx"]),
    ]
