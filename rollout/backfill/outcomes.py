"""What can become of a row the backfill scans, and the counters a run keeps."""

from __future__ import annotations

HARD_FAILURE_THRESHOLD = 0.01

# Outcomes of an eligible row.
UPDATED = "updated"
SKIPPED_MISSING_PAYLOAD = "skipped_missing_payload"
SKIPPED_MISSING_AGENT_RESULTS = "skipped_missing_agent_results"
SKIPPED_MISSING_RECOMMENDATION = "skipped_missing_recommendation"
FAILED_VALIDATION = "failed_validation"
FAILED_WRITE = "failed_write"
SKIP_REASONS = (SKIPPED_MISSING_PAYLOAD, SKIPPED_MISSING_AGENT_RESULTS, SKIPPED_MISSING_RECOMMENDATION)
FAILURES = (FAILED_VALIDATION, FAILED_WRITE)

COUNT_KEYS = (
    "scanned",
    "eligible",
    "updated",
    "skipped_existing_valid",
    "skipped_missing_payload",
    "skipped_missing_agent_results",
    "skipped_missing_recommendation",
    "failed_validation",
    "failed_write",
)
