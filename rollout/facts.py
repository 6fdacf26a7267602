"""The rollout status's counts over a window of analyses, read from small columns only.

Most of the status's figures are counts of plain columns (run kind, schema version, whether EV or
regime is set), which SQL counts from an index. Three are not: whether the signal contract is
present and valid (a JSON Schema validation) and whether a v2 payload carries a parseable
`portfolio_action_v2` sized by optimizer v2 (two JSON extractions from a ~10 KB payload). Read
from the rows on every call, those cost ~60 ms for the 550 analyses of a 72-hour window
(profiled): SQLite parsed each payload three times and followed each row's overflow pages.

They depend on the row's contract, payload and schema version only, so they are worked out once
per row and kept in `rollout_analysis_facts` (`rollout.models.AnalysisFacts`) with the row's
`generation`. Database triggers bump the generation on every update of those columns and on
delete, whoever writes (this project, a script, the earlier system's tools), so facts are never
taken for a row that changed: a row whose facts are missing or of another generation is read
again here, its facts stored with the generation read alongside, and only if that generation is
still current (a compare-and-set, so a write racing the status is never hidden). The database
stays the one authority, shared by every process.

Figures are the ones computed from the rows before (tests/rollout).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection
from django.db.models import TextField
from django.db.models.functions import Cast

from analysis.models import Analysis, RunKind, SchemaVersion
from core.db import write_transaction
from core.flags import Flag
from rollout.models import AnalysisFacts
from rollout.stored_checks import contract_validity, is_parseable_portfolio_action

logger = logging.getLogger(__name__)

#: Bump when what a fact means changes: every stored fact is then worked out again.
FACTS_VERSION = 1
CHUNK = 500
OPTIMIZER_FLAG_PATH = f"analysis_payload__feature_flags__{Flag.PORTFOLIO_OPTIMIZER_V2.value}"


@dataclass(frozen=True)
class Facts:
    contract_present: bool
    contract_valid: bool
    action_parseable: bool
    optimizer_off: bool


@dataclass(frozen=True)
class CountedGroup:
    """`n` analyses of the window that agree on everything the status counts."""

    n: int
    run_kind: str | None
    v2: bool
    ev_score: bool
    confidence_calibrated: bool
    data_quality: bool
    regime_label: bool
    facts: Facts


# Stored facts count only when worked out for the row's current generation, by this code.
_FRESH = "f.facts_generation = f.generation AND f.facts_version = %s"
# Written out rather than built by the ORM, whose compiling of these CASEs cost more than the
# query itself (profiled). The window: stored from `since` through `now`, replays excluded
# (rows with no run kind are kept).
_GROUPED = f"""
SELECT a.run_kind,
    CASE WHEN a.analysis_schema_version = %s THEN 1 ELSE 0 END,
    CASE WHEN a.ev_score_7d IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN a.confidence_calibrated IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN a.data_quality_score IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN a.regime_label IS NOT NULL THEN 1 ELSE 0 END,
    CASE WHEN {_FRESH} THEN NULL ELSE a.id END,
    CASE WHEN {_FRESH} THEN NULL ELSE f.generation END,
    CASE WHEN {_FRESH} THEN f.contract_present END,
    CASE WHEN {_FRESH} THEN f.contract_valid END,
    CASE WHEN {_FRESH} THEN f.action_parseable END,
    CASE WHEN {_FRESH} THEN f.optimizer_off END,
    COUNT(*)
FROM analyses a LEFT OUTER JOIN rollout_analysis_facts f ON f.analysis_id = a.id
WHERE a.timestamp >= %s AND a.timestamp <= %s AND (a.run_kind IS NULL OR a.run_kind <> %s)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
"""  # noqa: S608 - constant text; every value is a parameter


def counted_groups(*, since: dt.datetime, now: dt.datetime) -> list[CountedGroup]:
    """Every analysis stored in the window (replays excluded) once, grouped by what is counted.

    One grouped query over `analyses_window_counts_idx` and the facts: rows with current facts
    collapse into a few groups; a row without them is a group of its own (keyed by its id), read
    again and counted with facts worked out now.
    """
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        SchemaVersion.V2.value,
        *[FACTS_VERSION] * 6,
        adapt(since),
        adapt(now),
        RunKind.REPLAY.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_GROUPED, params)
        rows = cursor.fetchall()
    stale = {row[6]: row[7] for row in rows if row[6] is not None}
    worked_out = work_out_facts(stale) if stale else {}
    return [
        CountedGroup(
            n=row[12],
            run_kind=row[0],
            v2=bool(row[1]),
            ev_score=bool(row[2]),
            confidence_calibrated=bool(row[3]),
            data_quality=bool(row[4]),
            regime_label=bool(row[5]),
            facts=worked_out[row[6]]
            if row[6] is not None
            else Facts(
                contract_present=bool(row[8]),
                contract_valid=bool(row[9]),
                action_parseable=bool(row[10]),
                optimizer_off=bool(row[11]),
            ),
        )
        for row in rows
    ]


def work_out_facts(generations: dict[int, int | None]) -> dict[int, Facts]:
    """Facts of these analyses (id → generation read, None when no facts row), read from the rows.

    Stored for the generation read; a store that fails (a database that refuses the write) is
    logged and changes nothing but the next call's speed.
    """
    facts: dict[int, Facts] = {}
    ids = list(generations)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # The stored text, as before: the validity memo's key, decoded only when new.
        contracts = dict(
            Analysis.objects.filter(pk__in=chunk).values_list(
                "pk", Cast("signal_contract_v2", output_field=TextField())
            )
        )
        # The same JSON paths as before, and only on v2 rows (an earlier payload is never parsed).
        actions = {
            pk: (action, optimizer_on)
            for pk, action, optimizer_on in Analysis.objects.filter(
                pk__in=chunk, analysis_schema_version=SchemaVersion.V2
            ).values_list("pk", "analysis_payload__portfolio_action_v2", OPTIMIZER_FLAG_PATH)
        }
        for pk in chunk:
            if pk not in contracts:
                continue  # deleted since the grouped read
            text = contracts[pk]
            action, optimizer_on = actions.get(pk, (None, None))
            facts[pk] = Facts(
                contract_present=text is not None,
                contract_valid=text is not None and contract_validity.is_valid(text),
                action_parseable=pk in actions and is_parseable_portfolio_action(action),
                optimizer_off=pk in actions and optimizer_on is False,
            )
    _store(facts, generations)
    # A row deleted between the two reads is counted as it was read: without facts, none of them.
    absent = Facts(contract_present=False, contract_valid=False, action_parseable=False, optimizer_off=False)
    return {pk: facts.get(pk, absent) for pk in ids}


def _store(facts: dict[int, Facts], generations: dict[int, int | None]) -> None:
    fresh_rows = [pk for pk in facts if generations[pk] is None]
    known_rows = [pk for pk in facts if generations[pk] is not None]
    try:
        with write_transaction():
            # No facts row yet: insert one at generation 0; a trigger that created the row
            # meanwhile wins (the conflict is ignored) and these facts are worked out again.
            AnalysisFacts.objects.bulk_create(
                [_row(pk, 0, facts[pk]) for pk in fresh_rows], ignore_conflicts=True, batch_size=CHUNK
            )
            # Only if the generation is still the one read (compare-and-set).
            for pk in known_rows:
                generation = generations[pk]
                AnalysisFacts.objects.filter(pk=pk, generation=generation).update(
                    facts_generation=generation, facts_version=FACTS_VERSION, **_values(facts[pk])
                )
    except DatabaseError:
        logger.warning("Rollout status: could not store the facts of %d analyses", len(facts), exc_info=True)


def _values(facts: Facts) -> dict[str, Any]:
    return {
        "contract_present": facts.contract_present,
        "contract_valid": facts.contract_valid,
        "action_parseable": facts.action_parseable,
        "optimizer_off": facts.optimizer_off,
    }


def _row(pk: int, generation: int, facts: Facts) -> AnalysisFacts:
    return AnalysisFacts(
        analysis_id=pk,
        generation=generation,
        facts_generation=generation,
        facts_version=FACTS_VERSION,
        **_values(facts),
    )
