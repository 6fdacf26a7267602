"""Catalyst run reasons back to the earlier system's names.

Rows written under the names this project used for a while (earnings_eve, earnings_after,
macro_eve, macro_day) are renamed to the earlier `catalyst_pre` / `catalyst_post` /
`catalyst_day`, in `schedule_runs` and in the claims; rows already named the earlier way (an
adopted database) are left as they are. Only values change, no column, so the guarded
adoption helpers are not needed.
"""

from django.db import migrations, models

RENAMED = {
    "earnings_eve": "catalyst_pre",
    "macro_eve": "catalyst_pre",
    "earnings_after": "catalyst_post",
    "macro_day": "catalyst_day",
}


def to_earlier_names(apps, schema_editor):
    ScheduleRun = apps.get_model("calibration", "ScheduleRun")
    CatalystRunClaim = apps.get_model("calibration", "CatalystRunClaim")
    for ours, earlier in RENAMED.items():
        ScheduleRun.objects.filter(run_reason=ours).update(run_reason=earlier)
        CatalystRunClaim.objects.filter(reason=ours).update(reason=earlier)


class Migration(migrations.Migration):
    dependencies = [
        ("calibration", "0003_seed_macro_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="catalystrunclaim",
            name="reason",
            field=models.CharField(
                choices=[
                    ("scheduled", "Scheduled"),
                    ("catalyst_pre", "Before a catalyst (earnings or macro)"),
                    ("catalyst_day", "Day of a macro event"),
                    ("catalyst_post", "After earnings"),
                ],
                max_length=16,
            ),
        ),
        # Not reversible to one name each: catalyst_pre was both earnings_eve and macro_eve.
        migrations.RunPython(to_earlier_names, migrations.RunPython.noop),
    ]
