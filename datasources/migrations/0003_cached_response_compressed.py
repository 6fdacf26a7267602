"""`compressed`: large bodies are kept zlib-compressed (`datasources.cache.Packed`).

Added before `content`, which stays the row's last column on SQLite (see 0002: reading the
columns before a large value must not walk its overflow pages): the field is added, `content`
moves after it in the migration state, and on SQLite the table is rebuilt in that order.
"""

from django.db import migrations, models


def rebuild_on_sqlite(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor._remake_table(apps.get_model("datasources", "CachedResponse"))


class Migration(migrations.Migration):
    dependencies = [("datasources", "0002_cached_response_content_last")]

    operations = [
        migrations.AddField(
            model_name="cachedresponse",
            name="compressed",
            field=models.BooleanField(default=False),
        ),
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
