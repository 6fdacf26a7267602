"""The status's stored facts: worked out once per row, and never taken for a row that changed.

Whoever changes an analysis (the ORM, a queryset update, raw SQL from another tool, a delete
and a new row under the same id), the next status counts the row as it is now.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from analysis.models import Analysis
from rollout.facts import FACTS_VERSION, work_out_facts
from rollout.metrics import rollout_status
from rollout.models import AnalysisFacts
from tests.rollout.gate_rows import NOW, PARSEABLE_ACTION, invalid_contract, make_analysis, valid_contract

pytestmark = pytest.mark.django_db


def _all() -> dict[str, Any]:
    return rollout_status(window_hours=24, now=NOW)["metrics"]["all_analyses"]


def _counts() -> tuple[int, int, int]:
    metrics = _all()
    return (
        metrics["signal_contract_present_count"],
        metrics["signal_contract_valid_count"],
        metrics["portfolio_action_v2_parseable_count"],
    )


def _current(pk: int) -> bool:
    facts = AnalysisFacts.objects.filter(pk=pk).first()
    return facts is not None and facts.facts_generation == facts.generation


def test_a_status_stores_each_rows_facts_and_reads_them_back_the_same() -> None:
    rows = [make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION) for _ in range(3)]
    rows.append(make_analysis(contract=invalid_contract()))
    first = rollout_status(window_hours=24, now=NOW)
    assert all(_current(row.pk) for row in rows)
    assert AnalysisFacts.objects.get(pk=rows[-1].pk).facts_version == FACTS_VERSION
    assert rollout_status(window_hours=24, now=NOW) == first
    assert _counts() == (4, 3, 3)


def test_a_queryset_update_of_the_contract_is_counted_at_once() -> None:
    row = make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION)
    assert _counts() == (1, 1, 1)
    Analysis.objects.filter(pk=row.pk).update(signal_contract_v2=invalid_contract())
    assert not _current(row.pk)
    assert _counts() == (1, 0, 1)


def test_a_raw_sql_update_of_the_payload_is_counted_at_once() -> None:
    row = make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION)
    assert _counts() == (1, 1, 1)
    with connection.cursor() as cursor:
        # Another tool writing the table directly.
        cursor.execute(
            "UPDATE analyses SET analysis_payload = %s WHERE id = %s",
            ['{"portfolio_action_v2": {"action": "hold", "error": "no price"}}', row.pk],
        )
    assert _counts() == (1, 1, 0)


def test_a_schema_version_change_is_counted_at_once() -> None:
    row = make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION)
    assert _all()["portfolio_action_v2_parseable_count"] == 1
    Analysis.objects.filter(pk=row.pk).update(analysis_schema_version="v1")
    metrics = _all()
    assert (metrics["schema_v2_count"], metrics["portfolio_action_v2_parseable_count"]) == (0, 0)


def test_a_new_row_under_a_deleted_rows_id_is_counted_as_itself() -> None:
    row = make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION)
    pk, moment = row.pk, row.timestamp
    assert _counts() == (1, 1, 1)
    row.delete()
    assert _counts() == (0, 0, 0)
    make_analysis(pk=pk, at=moment, contract=None)
    assert _counts() == (0, 0, 0)


def test_facts_worked_out_for_a_generation_since_replaced_are_not_kept() -> None:
    row = make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION)
    assert _counts() == (1, 1, 1)
    read_generation = AnalysisFacts.objects.get(pk=row.pk).generation
    # A writer changes the row after a status read its generation, before it stored facts.
    Analysis.objects.filter(pk=row.pk).update(signal_contract_v2=invalid_contract())
    work_out_facts({row.pk: read_generation})
    stored = AnalysisFacts.objects.get(pk=row.pk)
    assert stored.generation == read_generation + 1
    assert stored.facts_generation == read_generation  # the stale facts, still marked stale
    assert _counts() == (1, 0, 1)


def test_a_row_the_status_has_not_seen_is_stored_at_generation_zero() -> None:
    row = make_analysis(contract=valid_contract())
    assert not AnalysisFacts.objects.filter(pk=row.pk).exists()
    _counts()
    stored = AnalysisFacts.objects.get(pk=row.pk)
    assert (stored.generation, stored.facts_generation, stored.contract_valid) == (0, 0, True)
