"""`rollout_analysis_facts` and the triggers that keep its generations current.

Our own table, never a legacy one; like 0003 it is created through the guard so that re-running
the migration over an existing table changes nothing. The triggers are created the same way
(only where absent), on `analyses` whether it is ours or adopted: they add one to an analysis's
generation whenever its payload, contract, schema version or id is updated, or the row deleted,
so stored facts are never read for a row that changed (rollout/facts.py).
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

from pmresearch.schema_adoption import ensure_table

# Each trigger adds one to the generation of the analysis changed (creating its row at 1), on
# an update of id, analysis_payload, signal_contract_v2 or analysis_schema_version, or a delete.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS rollout_facts_on_analysis_update
    AFTER UPDATE OF id, analysis_payload, signal_contract_v2, analysis_schema_version ON analyses
    BEGIN
        INSERT INTO rollout_analysis_facts (analysis_id, generation) VALUES (OLD.id, 1)
        ON CONFLICT (analysis_id) DO UPDATE SET generation = generation + 1;
        INSERT INTO rollout_analysis_facts (analysis_id, generation) SELECT NEW.id, 1 WHERE NEW.id <> OLD.id
        ON CONFLICT (analysis_id) DO UPDATE SET generation = generation + 1;
    END""",
    """CREATE TRIGGER IF NOT EXISTS rollout_facts_on_analysis_delete
    AFTER DELETE ON analyses
    BEGIN
        INSERT INTO rollout_analysis_facts (analysis_id, generation) VALUES (OLD.id, 1)
        ON CONFLICT (analysis_id) DO UPDATE SET generation = generation + 1;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS rollout_facts_on_analysis_update",
    "DROP TRIGGER IF EXISTS rollout_facts_on_analysis_delete",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION rollout_facts_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO rollout_analysis_facts (analysis_id, generation) VALUES (OLD.id, 1)
        ON CONFLICT (analysis_id) DO UPDATE SET generation = rollout_analysis_facts.generation + 1;
        IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
            INSERT INTO rollout_analysis_facts (analysis_id, generation) VALUES (NEW.id, 1)
            ON CONFLICT (analysis_id) DO UPDATE SET generation = rollout_analysis_facts.generation + 1;
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS rollout_facts_on_analysis_change ON analyses",
    """CREATE TRIGGER rollout_facts_on_analysis_change
    AFTER UPDATE OF id, analysis_payload, signal_contract_v2, analysis_schema_version OR DELETE ON analyses
    FOR EACH ROW EXECUTE FUNCTION rollout_facts_bump()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS rollout_facts_on_analysis_change ON analyses",
    "DROP FUNCTION IF EXISTS rollout_facts_bump()",
]


def _run(schema_editor: Any, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_facts_table(apps: Any, schema_editor: Any) -> None:
    ensure_table(apps.get_model("rollout", "AnalysisFacts"), schema_editor)
    postgres = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS)


def drop_facts_table(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    _run(schema_editor, POSTGRES_DROP if postgres else SQLITE_DROP)
    schema_editor.delete_model(apps.get_model("rollout", "AnalysisFacts"))


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0006_analysis_window_counts_idx"),
        ("rollout", "0003_api_read_counter"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AnalysisFacts",
                    fields=[
                        (
                            "analysis",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="rollout_facts",
                                serialize=False,
                                to="analysis.analysis",
                            ),
                        ),
                        ("generation", models.PositiveIntegerField(default=0)),
                        ("facts_generation", models.PositiveIntegerField(blank=True, null=True)),
                        ("facts_version", models.PositiveSmallIntegerField(blank=True, null=True)),
                        (
                            "contract_present",
                            models.BooleanField(help_text="signal_contract_v2 is not NULL.", null=True),
                        ),
                        (
                            "contract_valid",
                            models.BooleanField(
                                help_text="signal_contract_v2 passes its JSON Schema.", null=True
                            ),
                        ),
                        (
                            "action_parseable",
                            models.BooleanField(
                                help_text="A v2 analysis's payload carries a parseable portfolio_action_v2.",
                                null=True,
                            ),
                        ),
                        (
                            "optimizer_off",
                            models.BooleanField(
                                help_text="A v2 analysis recorded PORTFOLIO_OPTIMIZER_V2_ENABLED as false.",
                                null=True,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "analysis facts",
                        "db_table": "rollout_analysis_facts",
                    },
                ),
            ],
        ),
        migrations.RunPython(create_facts_table, drop_facts_table, elidable=False),
    ]
