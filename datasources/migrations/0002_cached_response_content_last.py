"""Move `content` to the end of the cached-response row, on SQLite.

SQLite stores a row's columns in order and spills a large value onto overflow pages: with
`content` before `size_bytes`, `fetched_at` and `expires_at`, reading those three for a 4 MB
companyfacts body walked its ~1,000 overflow pages (about 1.5 ms), and every analysis reads them
for the bodies behind it (`memo`, `fetch_ahead.holdings`). With `content` last they are read
from the row's first page. PostgreSQL keeps large values out of line already: nothing to do.

The field order in the migration state moves too (state only), so a later table rebuild on
SQLite keeps `content` last.
"""

from django.db import migrations, models


def rebuild_on_sqlite(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    # The same rebuild Django's SQLite backend runs for an altered field: a new table with the
    # model's columns in the state's order (content last), the rows copied, indexes remade.
    schema_editor._remake_table(apps.get_model("datasources", "CachedResponse"))


class Migration(migrations.Migration):
    dependencies = [("datasources", "0001_cache")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="cachedresponse", name="content"),
                migrations.AddField(
                    model_name="cachedresponse",
                    name="content",
                    field=models.BinaryField(default=b""),
                    preserve_default=False,
                ),
            ],
        ),
        migrations.RunPython(rebuild_on_sqlite, migrations.RunPython.noop),
    ]
