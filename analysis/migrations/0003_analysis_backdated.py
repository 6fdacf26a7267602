from django.db import migrations, models

from pmresearch.schema_adoption import adopt_tables


def mark_backdated(apps, schema_editor):
    """Label the rows already stored: replays, and runs as of a session before their timestamp's."""
    from analysis.backdating import is_backdated

    Analysis = apps.get_model("analysis", "Analysis")
    rows = Analysis.objects.using(schema_editor.connection.alias).filter(
        models.Q(run_kind="replay") | models.Q(as_of__isnull=False)
    )
    ids = [
        pk
        for pk, as_of, timestamp, run_kind in rows.values_list(
            "pk", "as_of", "timestamp", "run_kind"
        ).iterator()
        if is_backdated(as_of=as_of, created_at=timestamp, run_kind=run_kind)
    ]
    for start in range(0, len(ids), 500):
        Analysis.objects.using(schema_editor.connection.alias).filter(pk__in=ids[start : start + 500]).update(
            backdated=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0002_analysis_as_of_run_kind_source"),
    ]

    operations = [
        # A column of our own on the adopted table: added only where absent.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="analysis",
                    name="backdated",
                    field=models.BooleanField(
                        db_default=False,
                        default=False,
                        help_text=(
                            "Replay, or as of a session earlier than the one current when it ran "
                            "(analysis.backdating)."
                        ),
                    ),
                ),
            ],
        ),
        adopt_tables("analysis", ["Analysis"]),
        # Existing rows default to current (false); only those that are backdated change.
        migrations.RunPython(mark_backdated, migrations.RunPython.noop, elidable=False),
    ]
