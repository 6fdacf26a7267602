"""Which analyses the backfill scans, rebuilds and leaves alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from analysis.models import Analysis
from rollout.backfill import eligibility, select_eligible, window_since
from tests.rollout.test_backfill_support import legacy_analysis, persisted_analysis, run_backfill

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows() -> dict[str, Analysis]:
    now = timezone.now()
    old = now - dt.timedelta(days=200)
    return {
        "v1_legacy": legacy_analysis("AAPL", timestamp=now - dt.timedelta(hours=1)),
        "v1_payload": persisted_analysis("NVDA", timestamp=now - dt.timedelta(hours=2)),
        "valid_v2": persisted_analysis("TSLA", timestamp=now - dt.timedelta(hours=3), contract=True),
        "v2_null_contract": legacy_analysis(
            "XOM", timestamp=now - dt.timedelta(hours=4), analysis_schema_version="v2"
        ),
        "v2_invalid_contract": legacy_analysis(
            "KO",
            timestamp=now - dt.timedelta(hours=5),
            analysis_schema_version="v2",
            signal_contract_v2={"schema_version": "2.0", "recommendation": "BUY"},
        ),
        "v1_with_valid_contract": legacy_analysis(
            "AAPL",
            timestamp=now - dt.timedelta(hours=6),
            signal_contract_v2=persisted_analysis(
                "KO", timestamp=now - dt.timedelta(hours=7), contract=True
            ).signal_contract_v2,
        ),
        "outside_window": legacy_analysis("AAPL", timestamp=old),
        "old_timestamp_recent_as_of": legacy_analysis(
            "NVDA", timestamp=old, as_of=now - dt.timedelta(days=3)
        ),
    }


def test_it_selects_v1_missing_and_invalid_contracts_of_the_window(rows: dict[str, Analysis]) -> None:
    eligible = select_eligible(window_since(180))
    assert set(eligible) == {
        rows[key].pk
        for key in (
            "v1_legacy",
            "v1_payload",
            "v2_null_contract",
            "v2_invalid_contract",
            "v1_with_valid_contract",
            "old_timestamp_recent_as_of",
        )
    }
    assert eligible == sorted(eligible)


def test_it_says_why_a_row_is_eligible() -> None:
    assert eligibility("v1", None) == "contract missing"
    assert eligibility("v2", None) == "contract missing"
    assert eligibility("v1", {"anything": 1}) == "schema v1"
    assert eligibility("v2", {"schema_version": "2.0"}).startswith("contract invalid: ")


def test_it_counts_valid_v2_rows_as_existing_valid_and_ignores_rows_outside_the_window(
    rows: dict[str, Analysis], tmp_path: Path
) -> None:
    before = {key: Analysis.objects.get(pk=row.pk) for key, row in rows.items()}

    report = run_backfill(tmp_path)

    summary = report["summary"]
    # Every row of the window but the one outside it (the KO v2 row made for its contract is
    # a valid v2 row too).
    assert summary["scanned"] == Analysis.objects.count() - 1
    assert summary["eligible"] == 6
    assert summary["skipped_existing_valid"] == 2
    assert summary["updated"] == 6
    outside = Analysis.objects.get(pk=rows["outside_window"].pk)
    assert outside.analysis_schema_version == "v1"
    assert outside.signal_contract_v2 is None
    valid = Analysis.objects.get(pk=rows["valid_v2"].pk)
    assert valid.signal_contract_v2 == before["valid_v2"].signal_contract_v2
    assert valid.ev_score_7d == before["valid_v2"].ev_score_7d
