"""Migration guards that adopt the earlier system's tables in place.

An existing `market_research.db` may hold any subset of the legacy tables, with
or without the columns the earlier system's upgrade added. Our initial
migrations therefore declare their models to Django's state only
(`SeparateDatabaseAndState`) and then run `adopt_tables`, which for each model
creates the table when it is absent and otherwise adds only the columns it
lacks. Nothing is dropped or rewritten, so no row is lost, and running the
guard on an up-to-date table does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.expressions import Value


def adopt_tables(app_label: str, model_names: Iterable[str]) -> migrations.RunPython:
    names = tuple(model_names)

    def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for name in names:
            ensure_table(apps.get_model(app_label, name), schema_editor)

    # Going backwards leaves adopted tables alone: they may predate this project.
    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)


def existing_columns(schema_editor: BaseDatabaseSchemaEditor, table: str) -> set[str] | None:
    """The table's column names, or None when the table does not exist."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return None
        if connection.vendor == "sqlite":
            # Not get_table_description: its collation parser splits the DDL on ", "
            # and raises IndexError on a CHECK such as `horizon_days IN (1, 7, 30)`.
            cursor.execute(f"PRAGMA table_info({schema_editor.quote_name(table)})")
            return {row[1] for row in cursor.fetchall()}
        return {col.name for col in connection.introspection.get_table_description(cursor, table)}


def ensure_table(model: type[models.Model], schema_editor: BaseDatabaseSchemaEditor) -> None:
    columns = existing_columns(schema_editor, model._meta.db_table)
    if columns is None:
        schema_editor.create_model(model)
        return
    for field in model._meta.local_concrete_fields:
        if field.column not in columns:
            add_column(model, field, schema_editor)


def add_column(
    model: type[models.Model], field: models.Field, schema_editor: BaseDatabaseSchemaEditor
) -> None:
    """Add one missing column, filling existing rows from the field's db_default.

    Django's own `add_field` rebuilds a whole SQLite table to add a NOT NULL
    column; a plain `ADD COLUMN ... DEFAULT` is enough and touches no row.
    """
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        schema_editor.add_field(model, field)
        return
    # Django 5.2 keeps db_default as given: a plain "v1" or 0.15, or a Value() when one was passed.
    default = field.db_default.value if isinstance(field.db_default, Value) else field.db_default
    literal_default = field.has_db_default() and not hasattr(default, "resolve_expression")
    if not field.null and not literal_default:
        raise ValueError(
            f"{model.__name__}.{field.name} is NOT NULL without a db_default; "
            "it cannot be added to a table that already holds rows."
        )
    sql = "ALTER TABLE {table} ADD COLUMN {column} {type}{null}".format(
        table=schema_editor.quote_name(model._meta.db_table),
        column=schema_editor.quote_name(field.column),
        type=field.db_type(connection),
        null="" if field.null else " NOT NULL",
    )
    if literal_default:
        sql += " DEFAULT " + schema_editor.quote_value(field.get_db_prep_value(default, connection))
    schema_editor.execute(sql)


def ensure_indexes(app_label: str, model_name: str, index_names: Iterable[str]) -> migrations.RunPython:
    """Create the model's named indexes where absent (an adopted table may lack or hold them).

    Pair with `SeparateDatabaseAndState(state_operations=[AddIndex(...)])`: the state learns
    the index, and this creates it only when the table does not have one of that name yet.
    """
    names = tuple(index_names)

    def present(schema_editor: BaseDatabaseSchemaEditor, table: str) -> set[str]:
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            return set(connection.introspection.get_constraints(cursor, table))

    def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        existing = present(schema_editor, model._meta.db_table)
        for index in model._meta.indexes:
            if index.name in names and index.name not in existing:
                schema_editor.add_index(model, index)

    def backwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        existing = present(schema_editor, model._meta.db_table)
        for index in model._meta.indexes:
            if index.name in names and index.name in existing:
                schema_editor.remove_index(model, index)

    return migrations.RunPython(forwards, backwards, elidable=False)
