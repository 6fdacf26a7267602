"""`backfill_signal_contract --dry-run` needs no checkpoint file; a real run still does."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.rollout.test_backfill_support import legacy_analysis, read_report, v2_state

pytestmark = pytest.mark.django_db


def test_it_runs_a_dry_run_without_a_checkpoint_file(tmp_path: Path) -> None:
    legacy_analysis("AAPL")
    before = v2_state()
    call_command(
        "backfill_signal_contract", "--dry-run", "--report-path", str(tmp_path / "dry.md"), verbosity=0
    )
    report = read_report(tmp_path / "dry.md")
    assert report["dry_run"] is True
    assert report["summary"]["updated"] == 1
    assert report["checkpoint_file"] is None
    assert v2_state() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dry.json", "dry.md"]


def test_it_refuses_a_real_run_without_a_checkpoint_file(tmp_path: Path) -> None:
    legacy_analysis("AAPL")
    before = v2_state()
    with pytest.raises(CommandError, match="--checkpoint-file is required"):
        call_command("backfill_signal_contract", "--report-path", str(tmp_path / "run.md"), verbosity=0)
    # Refused before any work: nothing written, not even a report.
    assert v2_state() == before
    assert list(tmp_path.iterdir()) == []
