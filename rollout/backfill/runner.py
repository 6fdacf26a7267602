"""A backfill run: options, batches with the checkpoint protocol, the result, stop signals."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from analysis import contract as signal_contract
from analysis.models import AgentResult, Analysis
from rollout.backfill.checkpoint import (
    CHECKPOINT_FORMAT,
    BackfillError,
    new_state,
    run_lock,
    write_json_atomic,
    write_text_atomic,
)
from rollout.backfill.columns import legacy_digest, v2_columns, write_v2_columns
from rollout.backfill.outcomes import (
    FAILED_VALIDATION,
    FAILED_WRITE,
    FAILURES,
    HARD_FAILURE_THRESHOLD,
    SKIP_REASONS,
    UPDATED,
)
from rollout.backfill.rebuild import ReliabilityCache, SkipRow, rebuild_contract
from rollout.backfill.report import SPOT_CHECK_ROWS, build_report, json_twin_path, render_markdown, spot_key
from rollout.backfill.selection import eligibility, in_window, window_since

DEFAULT_DAYS = 180
DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class BackfillOptions:
    #: None only for a dry run, which neither reads nor writes a checkpoint.
    checkpoint_path: Path | None
    report_path: Path
    days: int = DEFAULT_DAYS
    batch_size: int = DEFAULT_BATCH_SIZE
    dry_run: bool = False


@dataclass
class BackfillResult:
    """What a run did: the report's content, and where it was written."""

    report: dict[str, Any]
    markdown: str
    report_path: Path
    json_path: Path

    @property
    def counts(self) -> dict[str, int]:
        return self.report["summary"]

    @property
    def hard_failure_rate(self) -> float:
        return self.report["summary"]["hard_failure_rate"]

    @property
    def hard_failed(self) -> bool:
        return self.report["summary"]["hard_failure_rate"] >= HARD_FAILURE_THRESHOLD

    @property
    def interrupted(self) -> bool:
        return self.report["interrupted"]


@dataclass
class _Outcome:
    analysis_id: int
    ticker: str
    status: str
    detail: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    digest: str = ""
    columns: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "analysis_id": self.analysis_id,
            "ticker": self.ticker,
            "status": self.status,
            "detail": self.detail,
            "source": self.source,
            "notes": self.notes,
            "digest": self.digest,
            "columns": self.columns,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> _Outcome:
        return cls(**{key: value[key] for key in cls.__dataclass_fields__ if key in value})


class Backfill:
    """One backfill run. ``run()`` returns the result after writing the report.

    ``stop_requested`` may be set from a signal handler: the run stops before the next row,
    discards the batch it had not written yet and writes an interrupted report.
    """

    def __init__(
        self,
        options: BackfillOptions,
        *,
        now: Callable[[], dt.datetime] = timezone.now,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if options.days < 1:
            raise BackfillError("--days must be 1 or more.")
        if options.batch_size < 1:
            raise BackfillError("--batch-size must be 1 or more.")
        if options.checkpoint_path is None and not options.dry_run:
            raise BackfillError("--checkpoint-file is required (only --dry-run runs without one).")
        self.options = options
        self.now = now
        self.progress = progress or (lambda message: None)
        self.stop_requested: str | None = None
        self.reliability = ReliabilityCache()
        self.resumed = False

    @property
    def _checkpoint(self) -> Path:
        # Only a real run reaches the checkpoint, and __init__ refused a real run without one.
        if self.options.checkpoint_path is None:
            raise BackfillError("--checkpoint-file is required (only --dry-run runs without one).")
        return self.options.checkpoint_path

    # -- entry point ------------------------------------------------------------------------

    def run(self) -> BackfillResult:
        if self.options.dry_run:
            state = self._fresh_state()
            self._guarded(lambda: self._loop(state, write=False))
            return self._finish(state)
        with run_lock(self._checkpoint):
            state = self._load_or_start()

            def work() -> None:
                if state.get("pending"):
                    upto = state["pending"]["last_processed_id"]
                    self.progress(f"Re-applying the batch left pending (through id {upto}).")
                    self._commit_pending(state)
                self._loop(state, write=True)

            self._guarded(work)
            if not self.stop_requested:
                state["status"] = "complete"
                write_json_atomic(self._checkpoint, state)
            return self._finish(state)

    def _guarded(self, work: Callable[[], None]) -> None:
        """Run ``work``; a KeyboardInterrupt (no handler installed, or a second signal) stops the
        run like a requested stop. The checkpoint on disk is consistent at every instant, so the
        report is still written and a re-run resumes.
        """
        try:
            work()
        except KeyboardInterrupt:
            self.stop_requested = self.stop_requested or "SIGINT"

    # -- state ------------------------------------------------------------------------------

    def _fresh_state(self) -> dict[str, Any]:
        started = self.now()
        max_id = Analysis.objects.order_by("-id").values_list("id", flat=True).first() or 0
        return new_state(
            days=self.options.days,
            since=window_since(self.options.days, now=started),
            max_id=max_id,
            started_at=started,
        )

    def _load_or_start(self) -> dict[str, Any]:
        path = self._checkpoint
        if path.exists():
            try:
                state = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise BackfillError(
                    f"Checkpoint {path} is unreadable ({exc}); inspect it, or delete it to start over."
                ) from exc
            if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
                raise BackfillError(f"{path} is not a backfill checkpoint; use another --checkpoint-file.")
            if state.get("status") == "running":
                if state.get("days") != self.options.days:
                    raise BackfillError(
                        f"Checkpoint {path} belongs to an unfinished run with --days {state.get('days')}; "
                        "re-run with those days to finish it, or delete the checkpoint to start over."
                    )
                state["resumes"] = int(state.get("resumes", 0)) + 1
                self.resumed = True
                self.progress(
                    f"Resuming from {path} after id {state['last_processed_id']} "
                    f"(window since {state['since']})."
                )
                write_json_atomic(path, state)
                return state
        state = self._fresh_state()
        write_json_atomic(path, state)
        return state

    # -- batches ----------------------------------------------------------------------------

    def _loop(self, state: dict[str, Any], *, write: bool) -> None:
        since = dt.datetime.fromisoformat(state["since"])
        while not self.stop_requested:
            ids = list(
                Analysis.objects.filter(
                    in_window(since), id__gt=state["last_processed_id"], id__lte=state["max_id"]
                )
                .order_by("id")
                .values_list("id", flat=True)[: self.options.batch_size]
            )
            if not ids:
                return
            batch = self._classify(ids)
            if batch is None:  # stopped mid-batch: nothing of it was written or counted
                return
            state["pending"] = {"last_processed_id": ids[-1], "scanned": len(ids), "outcomes": batch}
            if write:
                write_json_atomic(self._checkpoint, state)
                self._commit_pending(state)
            else:
                self._fold(state)
            self.progress(
                f"Batch {state['batches']}: through id {state['last_processed_id']}, "
                f"{state['counts']['updated']} updated so far."
            )

    def _classify(self, ids: list[int]) -> list[dict[str, Any]] | None:
        """Outcomes of a batch's eligible rows (existing-valid rows are only counted)."""
        rows = (
            Analysis.objects.filter(id__in=ids)
            .order_by("id")
            .prefetch_related(Prefetch("agent_results", queryset=AgentResult.objects.order_by("id")))
        )
        outcomes: list[dict[str, Any]] = []
        for row in rows:
            if self.stop_requested:
                return None
            why = eligibility(row.analysis_schema_version, row.signal_contract_v2)
            if why is None:
                continue
            outcomes.append(self._rebuild(row, why).to_json())
        return outcomes

    def _rebuild(self, row: Analysis, why: str) -> _Outcome:
        outcome = _Outcome(analysis_id=row.pk, ticker=row.ticker, status=UPDATED, digest=legacy_digest(row))
        try:
            rebuilt = rebuild_contract(row, list(row.agent_results.all()), reliability=self.reliability)
        except SkipRow as skip:
            outcome.status, outcome.detail = skip.outcome, skip.detail
            return outcome
        except ValueError as exc:
            outcome.status, outcome.detail = FAILED_VALIDATION, f"builder rejected the inputs: {exc}"
            return outcome
        except Exception as exc:  # odd stored data must not stop the run; recorded as a failure
            outcome.status = FAILED_VALIDATION
            outcome.detail = f"rebuild error ({type(exc).__name__}: {str(exc)[:120]})"
            return outcome
        problems = signal_contract.validate_signal_contract_v2(rebuilt.contract)
        outcome.source, outcome.notes = rebuilt.source, [why, *rebuilt.notes]
        if problems:
            outcome.status = FAILED_VALIDATION
            outcome.detail = "; ".join(problems[:3])
            return outcome
        outcome.columns = v2_columns(rebuilt.contract)
        return outcome

    def _commit_pending(self, state: dict[str, Any]) -> None:
        """Write the pending batch's updates (idempotent: the same values every time), then fold."""
        pending = state["pending"]
        with transaction.atomic():
            for item in pending["outcomes"]:
                if item["status"] != UPDATED:
                    continue
                try:
                    with transaction.atomic():
                        written = write_v2_columns(item["analysis_id"], item["columns"])
                except DatabaseError as exc:
                    item["status"], item["detail"] = FAILED_WRITE, f"{type(exc).__name__}: {str(exc)[:160]}"
                    continue
                if not written:
                    item["status"], item["detail"] = FAILED_WRITE, "row no longer exists"
        self._fold(state)
        write_json_atomic(self._checkpoint, state)

    def _fold(self, state: dict[str, Any]) -> None:
        """Count the pending batch once, advance the cursor and clear ``pending``."""
        pending = state["pending"]
        counts = state["counts"]
        outcomes = [_Outcome.from_json(item) for item in pending["outcomes"]]
        counts["scanned"] += pending["scanned"]
        counts["eligible"] += len(outcomes)
        counts["skipped_existing_valid"] += pending["scanned"] - len(outcomes)
        candidates = state["spot_candidates"]
        for outcome in outcomes:
            counts[outcome.status] += 1
            if outcome.status in SKIP_REASONS:
                state["skipped"].append(
                    {
                        "analysis_id": outcome.analysis_id,
                        "ticker": outcome.ticker,
                        "reason": outcome.status,
                        "detail": outcome.detail,
                    }
                )
            elif outcome.status in FAILURES:
                state["failures"].append(
                    {
                        "analysis_id": outcome.analysis_id,
                        "ticker": outcome.ticker,
                        "kind": outcome.status,
                        "detail": outcome.detail,
                    }
                )
            else:
                candidates.append(
                    {
                        "key": spot_key(outcome.analysis_id),
                        "analysis_id": outcome.analysis_id,
                        "ticker": outcome.ticker,
                        "digest": outcome.digest,
                        "source": outcome.source,
                        "notes": outcome.notes,
                    }
                )
        candidates.sort(key=lambda c: c["key"])
        del candidates[SPOT_CHECK_ROWS:]
        state["last_processed_id"] = pending["last_processed_id"]
        state["batches"] += 1
        state["pending"] = None

    # -- report -----------------------------------------------------------------------------

    def _finish(self, state: dict[str, Any]) -> BackfillResult:
        report = build_report(
            state,
            ended_at=self.now(),
            batch_size=self.options.batch_size,
            dry_run=self.options.dry_run,
            interrupted=self.stop_requested,
            checkpoint_path=None if self.options.dry_run else self.options.checkpoint_path,
        )
        markdown = render_markdown(report)
        report_path = self.options.report_path
        json_path = json_twin_path(report_path)
        write_text_atomic(report_path, markdown)
        write_text_atomic(json_path, json.dumps(report, indent=2, sort_keys=True) + "\n")
        return BackfillResult(report=report, markdown=markdown, report_path=report_path, json_path=json_path)


@contextlib.contextmanager
def stop_on_signals(backfill: Backfill) -> Iterator[None]:
    """SIGINT / SIGTERM ask the run to stop at the next row (a second one stops it at once)."""

    def handler(signum: int, frame: Any) -> None:
        if backfill.stop_requested:
            raise KeyboardInterrupt
        backfill.stop_requested = signal.Signals(signum).name

    previous: dict[int, Any] = {}
    # Outside the main thread signal() raises ValueError: no handlers, the defaults apply.
    with contextlib.suppress(ValueError):
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
