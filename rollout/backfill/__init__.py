"""The 180-day `signal_contract_v2` backfill (upgrade plan, "Backfill Procedure (180-day)").

Selection
    Every analysis of the window (``timestamp >= since`` or ``as_of >= since``, and an id no
    higher than the highest id when the run started) is *scanned*. It is *eligible* when its
    ``analysis_schema_version`` is ``v1``, its ``signal_contract_v2`` is missing, or the stored
    contract fails ``validate_signal_contract_v2``; otherwise it is skipped as *existing valid*.

Rebuild
    An eligible row is rebuilt with the live path's builder (``build_signal_contract_v2``) from
    what it stored: the payload's scenarios, decision card, diagnostics, market regime and
    rationale when the row has an ``analysis_payload``; otherwise (a row from before the
    upgrade) from its ``agent_results`` and core columns (``recommendation``,
    ``confidence_score``, ``score``, ``decision_card``) with the live path's own functions
    (``synthesis.scenarios_for``, ``diagnostics.diagnostics``, the agents' direction helpers,
    ``regime.classify_regime`` on macro alone since no index prices are stored); the decision
    card and the contract's inputs come from ``analysis.contract_inputs``, as the engine's do.
    Reliability evidence is the calibration bins known at the row's as-of date, as the live
    path reads them (``calibration.selectors.reliability_bin_rows``). Every fallback is written
    down in the row's notes.

    Only what truly cannot be rebuilt is skipped, with its reason: no agent results at all
    (*missing agent results*), no recommendation in the column or the payload (*missing
    recommendation*), or no payload and nothing to anchor the execution plan on (neither a
    ``decision_card`` column nor a market agent price: *missing payload*). A rebuilt contract
    that fails validation, or inputs the builder rejects, count as *failed (validation)*; a
    database error while writing as *failed (write)*. Hard failures are the two failure
    kinds; the run fails (exit code 2) when they reach 1 % of eligible rows.

Writes
    Only the additive v2 columns (``analysis_schema_version='v2'``, ``signal_contract_v2``,
    ``ev_score_7d``, ``confidence_calibrated``, ``data_quality_score``, ``regime_label``,
    ``rationale_summary``), with one ``UPDATE`` per row. Legacy columns and the payload are
    never touched; the report's spot-check compares a digest of them before and after.

Checkpoint and crash safety
    Rows are processed in id order, ``batch_size`` at a time, after the checkpoint cursor
    ``last_processed_id``. For each batch:

    1. the batch is classified and rebuilt in memory (nothing written);
    2. the checkpoint is rewritten with the batch as ``pending`` (its outcomes and the exact
       column values to write) - atomically: temporary file, fsync, ``os.replace``;
    3. the batch's updates are committed in one transaction (a savepoint per row, so one
       failed write does not undo the others);
    4. the checkpoint is rewritten with the batch folded in: cursor advanced, counters and
       audit lists updated, ``pending`` cleared - atomically again.

    A process killed anywhere (``kill -9`` included) leaves a checkpoint either before step 2
    (the batch is simply scanned again: its rows are untouched) or with a ``pending`` batch
    (re-applied - the writes are idempotent, the same values - then folded once). Either way
    every row's outcome is decided once, from its state before the backfill touched it, and
    counted once, so a crash followed by a re-run ends with the same database state and the
    same report counts as one clean run. The window (``since``, highest id) is fixed in the
    checkpoint when the run starts and reused on resume. (This covers the process dying; a
    power loss is covered only as far as the database makes a commit durable - SQLite with
    ``synchronous=NORMAL`` may lose the last commits, whose rows a later run finds again.)
    A finished run marks the checkpoint
    ``complete``; the next run starts afresh (and, everything now being valid, finds nothing
    eligible). A lock file next to the checkpoint refuses a second concurrent run.

Dry run
    Nothing is written to the database and the checkpoint is neither read nor written: the
    whole window is scanned in memory and the report says what a real run would do
    ("Updated" counts the rows that would be updated).

Report
    Markdown in the upgrade plan's template (with a "Run details" section after it: missing
    recommendation skips, interruption, resumes, skip and failure reasons) and a JSON twin at
    the same path with a ``.json`` suffix; written at the end of every run, dry or not, and
    when a run is interrupted (SIGINT/SIGTERM: it stops at the next row, discards the
    unwritten batch, writes the report with "Interrupted: yes"). A killed process cannot
    write one; the re-run writes the final report.

Modules (each depends only on those listed before it)
    ``outcomes`` (row outcomes, counters, threshold), ``columns`` (what is written and what
    is left alone), ``selection``, ``stored`` (reading agent results and payload parts),
    ``rebuild``, ``checkpoint``, ``report``, ``runner`` (the run itself). This package
    re-exports the names its callers use.
"""

from __future__ import annotations

from rollout.backfill.checkpoint import CHECKPOINT_FORMAT, BackfillError
from rollout.backfill.columns import V2_COLUMNS
from rollout.backfill.outcomes import (
    HARD_FAILURE_THRESHOLD,
    SKIPPED_MISSING_AGENT_RESULTS,
    SKIPPED_MISSING_PAYLOAD,
    SKIPPED_MISSING_RECOMMENDATION,
)
from rollout.backfill.rebuild import Rebuilt, SkipRow, rebuild_contract
from rollout.backfill.runner import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DAYS,
    Backfill,
    BackfillOptions,
    stop_on_signals,
)
from rollout.backfill.selection import eligibility, select_eligible, window_since

__all__ = [
    "CHECKPOINT_FORMAT",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_DAYS",
    "HARD_FAILURE_THRESHOLD",
    "SKIPPED_MISSING_AGENT_RESULTS",
    "SKIPPED_MISSING_PAYLOAD",
    "SKIPPED_MISSING_RECOMMENDATION",
    "V2_COLUMNS",
    "Backfill",
    "BackfillError",
    "BackfillOptions",
    "Rebuilt",
    "SkipRow",
    "eligibility",
    "rebuild_contract",
    "select_eligible",
    "stop_on_signals",
    "window_since",
]
