"""Seed this and next New York year's macro catalyst events on a new installation.

Only an empty `macro_catalyst_events` table is seeded: an adopted database keeps its rows
exactly as they were (adoption changes no legacy row), and `manage.py seed_macro_events`
adds a year on demand. A year with no built-in calendar seeds nothing. Idempotent
(get_or_create on event_type and event_date); reversing leaves the rows.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

from calibration.macro_calendar import UnsupportedYear, events_for_year


def seed_current_year(apps, schema_editor):
    event_model = apps.get_model("calibration", "MacroCatalystEvent")
    events = event_model.objects.using(schema_editor.connection.alias)
    if events.exists():
        return
    year = datetime.datetime.now(ZoneInfo("America/New_York")).year
    specs = []
    # The current year and the next, so the catalysts of the coming weeks are known in December too.
    for wanted in (year, year + 1):
        try:
            specs.extend(events_for_year(wanted))
        except UnsupportedYear:
            continue
    for spec in specs:
        events.get_or_create(
            event_type=spec.event_type,
            event_date=spec.event_date,
            defaults={"event_label": spec.event_label, "source": spec.source},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("calibration", "0002_outcome_date_ece_wilson_claims"),
    ]

    operations = [
        migrations.RunPython(seed_current_year, migrations.RunPython.noop),
    ]
