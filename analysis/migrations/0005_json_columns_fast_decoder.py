"""The analyses' JSON columns are read with `core.json_columns.FastJSONDecoder`.

A decoder is Python only: the columns are unchanged. Declared to Django's state alone, since
an AlterField on SQLite rebuilds the whole table, and `analyses` / `agent_results` may be the
earlier system's tables, adopted in place.
"""

from django.db import migrations, models

import core.json_columns


def _json_field() -> models.JSONField:
    return models.JSONField(blank=True, decoder=core.json_columns.FastJSONDecoder, null=True)


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0004_analysis_read_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="agentresult", name="data", field=_json_field()),
                *(
                    migrations.AlterField(model_name="analysis", name=name, field=_json_field())
                    for name in ("analysis_payload", "change_summary", "decision_card", "signal_contract_v2")
                ),
            ],
        ),
    ]
