"""Rebuild a legacy `alert_rules` table whose CHECK admits only the five legacy types.

SQLite cannot alter a CHECK constraint, so the table is rebuilt, every row
copied with its id. The rebuild runs only when the existing constraint lacks
a rule type; a table this project created already admits all ten.
"""

from typing import Any

from django.db import migrations

ALL_RULE_TYPES = (
    "recommendation_change",
    "score_above",
    "score_below",
    "confidence_above",
    "confidence_below",
    "ev_above",
    "ev_below",
    "regime_change",
    "data_quality_below",
    "calibration_drop",
)
STAGING_TABLE = "alert_rules__before_v2"


def _table_sql(cursor: Any, table: str) -> str | None:
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
    row = cursor.fetchone()
    return row[0] if row else None


def needs_rebuild(table_sql: str) -> bool:
    """True when the table carries a CHECK that leaves out some rule type."""
    lowered = table_sql.lower()
    if "check" not in lowered:
        return False
    return any(f"'{rule_type}'" not in lowered for rule_type in ALL_RULE_TYPES)


def rebuild_alert_rules(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return  # only the earlier system's SQLite files carry the narrow CHECK
    with connection.cursor() as cursor:
        table_sql = _table_sql(cursor, "alert_rules")
        if table_sql is None or not needs_rebuild(table_sql):
            return
        # PRAGMA, not Django's introspection, which trips over some legacy CHECKs.
        cursor.execute('PRAGMA table_info("alert_rules")')
        old_columns = [row[1] for row in cursor.fetchall()]
        # legacy_alter_table keeps alert_notifications' reference pointing at
        # the name "alert_rules" while the old table is renamed out of the way.
        cursor.execute("PRAGMA legacy_alter_table = ON")
        try:
            cursor.execute(f'ALTER TABLE "alert_rules" RENAME TO "{STAGING_TABLE}"')
            alert_rule = apps.get_model("alerts", "AlertRule")
            schema_editor.create_model(alert_rule)
            new_columns = {f.column for f in alert_rule._meta.local_concrete_fields}
            shared = [c for c in old_columns if c in new_columns]
            # The legacy column was nullable with DEFAULT 1; ours is NOT NULL, so a
            # stray NULL takes the default the earlier DDL declared.
            selected = ", ".join('COALESCE("enabled", 1)' if c == "enabled" else f'"{c}"' for c in shared)
            target = ", ".join(f'"{c}"' for c in shared)
            cursor.execute(f'INSERT INTO "alert_rules" ({target}) SELECT {selected} FROM "{STAGING_TABLE}"')  # noqa: S608 - column names come from the schema, not input
            # Carry the AUTOINCREMENT high-water mark over, so a deleted rule's id is not handed out again.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [STAGING_TABLE])
            row = cursor.fetchone()
            if row is not None:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = 'alert_rules'")
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('alert_rules', %s)", [row[0]])
            cursor.execute(f'DROP TABLE "{STAGING_TABLE}"')
        finally:
            cursor.execute("PRAGMA legacy_alter_table = OFF")


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(rebuild_alert_rules, migrations.RunPython.noop, elidable=False)]
