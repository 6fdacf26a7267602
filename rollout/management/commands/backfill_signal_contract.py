"""Backfill `signal_contract_v2` over the last 180 days (see `rollout.backfill` for the guarantees)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rollout.backfill import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_DAYS,
    HARD_FAILURE_THRESHOLD,
    Backfill,
    BackfillError,
    BackfillOptions,
    stop_on_signals,
)

#: Exit codes: hard failures at or above 1 % of eligible rows, and interrupted runs.
EXIT_HARD_FAILURES = 2
EXIT_INTERRUPTED = {"SIGINT": 130, "SIGTERM": 143}


class Command(BaseCommand):
    help = (
        "Rebuild signal_contract_v2 for analyses of the window whose contract is missing, invalid or "
        "v1, from their stored payload or agent results; writes only the additive v2 columns. "
        "Batched with a checkpoint (a re-run resumes), idempotent, and always writes a Markdown audit "
        "report plus a JSON twin. Exits 2 when hard failures reach 1 % of eligible rows."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Window in days (default 180)")
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows per batch (default 200)"
        )
        parser.add_argument(
            "--checkpoint-file",
            help="JSON checkpoint, required for a run; an unfinished run's checkpoint is resumed "
            "(a --dry-run neither needs nor reads one)",
        )
        parser.add_argument(
            "--report-path", required=True, help="Markdown report; the JSON twin goes next to it (.json)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing to the database or the checkpoint; report what a run would do",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backfill = Backfill(
                BackfillOptions(
                    checkpoint_path=(
                        Path(options["checkpoint_file"]).expanduser().resolve()
                        if options["checkpoint_file"]
                        else None
                    ),
                    report_path=Path(options["report_path"]).expanduser().resolve(),
                    days=options["days"],
                    batch_size=options["batch_size"],
                    dry_run=options["dry_run"],
                ),
                progress=self._progress if options["verbosity"] >= 1 else None,
            )
            with stop_on_signals(backfill):
                result = backfill.run()
        except BackfillError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        self.stdout.write(
            f"scanned={counts['scanned']} eligible={counts['eligible']} updated={counts['updated']} "
            f"skipped_existing_valid={counts['skipped_existing_valid']} "
            f"skipped_missing_payload={counts['skipped_missing_payload']} "
            f"skipped_missing_agent_results={counts['skipped_missing_agent_results']} "
            f"skipped_missing_recommendation={counts['skipped_missing_recommendation']} "
            f"failed_validation={counts['failed_validation']} failed_write={counts['failed_write']} "
            f"hard_failures={counts['hard_failures']} hard_failure_rate={result.hard_failure_rate:.2%}"
            + (" (dry run)" if options["dry_run"] else "")
        )
        self.stdout.write(f"Report: {result.report_path} (JSON: {result.json_path})")
        if result.interrupted:
            by = result.report["interrupted_by"]
            raise CommandError(
                f"Interrupted by {by}; the checkpoint is consistent: re-run the same command to resume.",
                returncode=EXIT_INTERRUPTED.get(by, 130),
            )
        if result.hard_failed:
            raise CommandError(
                f"Hard failures {counts['hard_failures']} of {counts['eligible']} eligible "
                f"({result.hard_failure_rate:.2%}) reach the {HARD_FAILURE_THRESHOLD:.0%} threshold.",
                returncode=EXIT_HARD_FAILURES,
            )
        self.stdout.write(self.style.SUCCESS("Backfill complete."))

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
