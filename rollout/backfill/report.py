"""The audit report: its data (the JSON twin), its Markdown, and the spot-check sample."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import contract as signal_contract
from analysis.models import Analysis
from rollout.backfill.columns import legacy_digest
from rollout.backfill.outcomes import HARD_FAILURE_THRESHOLD

SPOT_CHECK_ROWS = 20
REPORT_TITLE = "Signal Contract V2 Backfill Audit Report"
SPOT_CHECK_HEADER = (
    "| analysis_id | ticker | schema_version=v2 | signal_contract_v2 valid | legacy keys unchanged | notes |"
)


def spot_key(analysis_id: int) -> str:
    """Spot-check order: a hash of the id, so the sample is the same whatever the batching."""
    return hashlib.sha256(f"spot-check:{analysis_id}".encode()).hexdigest()


def json_twin_path(report_path: Path) -> Path:
    if report_path.suffix.lower() == ".json":
        return report_path.with_name(report_path.name + ".json")
    return report_path.with_suffix(".json")


def build_report(
    state: Mapping[str, Any],
    *,
    ended_at: dt.datetime,
    batch_size: int,
    dry_run: bool,
    interrupted: str | None,
    checkpoint_path: Path | None,
) -> dict[str, Any]:
    """The report as plain data (the JSON twin); ``render_markdown`` turns it into the template."""
    counts = dict(state["counts"])
    hard = counts["failed_validation"] + counts["failed_write"]
    rate = hard / counts["eligible"] if counts["eligible"] else 0.0
    spot = []
    current = {
        row.pk: row
        for row in Analysis.objects.filter(pk__in=[c["analysis_id"] for c in state["spot_candidates"]])
    }
    for candidate in state["spot_candidates"]:
        row = current.get(candidate["analysis_id"])
        notes = ", ".join([f"rebuilt from {candidate['source']}", *candidate["notes"]])
        if row is None:
            spot.append(_spot_row(candidate, False, False, False, f"row deleted; {notes}"))
        elif dry_run:
            unchanged = legacy_digest(row) == candidate["digest"]
            spot.append(_spot_row(candidate, False, True, unchanged, f"dry run, not written; {notes}"))
        else:
            spot.append(
                _spot_row(
                    candidate,
                    row.analysis_schema_version == "v2",
                    signal_contract.is_valid_signal_contract_v2(row.signal_contract_v2),
                    legacy_digest(row) == candidate["digest"],
                    notes,
                )
            )
    return {
        "title": REPORT_TITLE,
        "started": state["started_at"],
        "ended": ended_at.isoformat(),
        "scope_days": state["days"],
        "since": state["since"],
        "batch_size": batch_size,
        "dry_run": dry_run,
        "interrupted": bool(interrupted),
        "interrupted_by": interrupted,
        "resumes": int(state.get("resumes", 0)),
        "complete": not interrupted,
        "checkpoint_file": str(checkpoint_path) if checkpoint_path else None,
        "last_processed_id": state["last_processed_id"],
        "max_id": state["max_id"],
        "summary": {
            **counts,
            "hard_failures": hard,
            "hard_failure_rate": round(rate, 6),
            "hard_failure_threshold": HARD_FAILURE_THRESHOLD,
        },
        "spot_check": spot,
        "skipped": list(state["skipped"]),
        "failures": list(state["failures"]),
    }


def _spot_row(
    candidate: Mapping[str, Any], is_v2: bool, valid: bool, unchanged: bool, notes: str
) -> dict[str, Any]:
    return {
        "analysis_id": candidate["analysis_id"],
        "ticker": candidate["ticker"],
        "schema_version_v2": is_v2,
        "signal_contract_v2_valid": valid,
        "legacy_keys_unchanged": unchanged,
        "notes": notes,
    }


def _cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def render_markdown(report: Mapping[str, Any]) -> str:
    """The upgrade plan's "Backfill Audit Report Template", filled, then the run details."""
    s = report["summary"]
    lines = [
        f"# {REPORT_TITLE}",
        "",
        f"- Started: {report['started']}",
        f"- Ended: {report['ended']}",
        f"- Scope (days): {report['scope_days']}",
        f"- Since timestamp: {report['since']}",
        f"- Batch size: {report['batch_size']}",
        f"- Dry run: {_yes(report['dry_run'])}",
        "",
        "## Summary",
        "| Metric | Value |",
        "| --- | ---: |",
        f"| Scanned | {s['scanned']} |",
        f"| Eligible | {s['eligible']} |",
        f"| Updated | {s['updated']} |",
        f"| Skipped (existing valid) | {s['skipped_existing_valid']} |",
        f"| Skipped (missing payload) | {s['skipped_missing_payload']} |",
        f"| Skipped (missing agent results) | {s['skipped_missing_agent_results']} |",
        f"| Failed (validation) | {s['failed_validation']} |",
        f"| Failed (write) | {s['failed_write']} |",
        f"| Hard failure rate | {s['hard_failure_rate'] * 100:.2f}% |",
        "",
        f"## Spot-check ({SPOT_CHECK_ROWS} rows)",
        SPOT_CHECK_HEADER,
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["spot_check"]:
        is_v2 = "no (dry run)" if report["dry_run"] else _yes(row["schema_version_v2"])
        valid = (
            "yes (rebuilt)"
            if report["dry_run"] and row["signal_contract_v2_valid"]
            else _yes(row["signal_contract_v2_valid"])
        )
        lines.append(
            f"| {row['analysis_id']} | {_cell(row['ticker'])} | {is_v2} | {valid} | "
            f"{_yes(row['legacy_keys_unchanged'])} | {_cell(row['notes'])} |"
        )
    interrupted = (
        f"yes ({report['interrupted_by']}); re-run the same command to resume"
        if report["interrupted"]
        else "no"
    )
    resumed = f"yes ({report['resumes']} time(s))" if report["resumes"] else "no"
    exceeded = s["eligible"] and s["hard_failure_rate"] >= HARD_FAILURE_THRESHOLD
    lines += [
        "",
        "## Run details",
        "",
        f"- Interrupted: {interrupted}",
        f"- Resumed from checkpoint: {resumed}",
        f"- Checkpoint file: {report['checkpoint_file'] or 'none (dry run: not read or written)'}",
        f"- Processed through id: {report['last_processed_id']} (window ends at id {report['max_id']})",
        f"- Skipped (missing recommendation): {s['skipped_missing_recommendation']}",
        f"- Hard failures: {s['hard_failures']} of {s['eligible']} eligible "
        f"(threshold {HARD_FAILURE_THRESHOLD:.0%}: {'exceeded' if exceeded else 'met'})",
    ]
    if report["dry_run"]:
        lines.append("- Dry run: no row was written; Updated counts the rows a real run would update.")
    lines += _listing("Skipped rows", report["skipped"], "reason")
    lines += _listing("Failed rows", report["failures"], "kind")
    return "\n".join(lines) + "\n"


def _listing(title: str, rows: Sequence[Mapping[str, Any]], kind: str, limit: int = 50) -> list[str]:
    if not rows:
        return []
    lines = [
        "",
        f"### {title}",
        "",
        "| analysis_id | ticker | reason | detail |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows[:limit]:
        lines.append(f"| {r['analysis_id']} | {_cell(r['ticker'])} | {r[kind]} | {_cell(r['detail'])} |")
    if len(rows) > limit:
        lines.append(f"\n… and {len(rows) - limit} more (see the JSON report).")
    return lines
