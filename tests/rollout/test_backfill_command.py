"""`manage.py backfill_signal_contract`: idempotency, dry run, report, failures, resume."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import DatabaseError

from analysis.models import Analysis
from rollout import backfill
from rollout.backfill import runner  # the run looks its collaborators up here: patch them here
from tests.rollout.test_backfill_support import (
    bulk_rows,
    legacy_analysis,
    legacy_state,
    read_report,
    restore_v2_state,
    run_backfill,
    v2_state,
)

pytestmark = pytest.mark.django_db

# The upgrade plan's "Backfill Audit Report Template", verbatim.
TEMPLATE = """# Signal Contract V2 Backfill Audit Report

- Started:
- Ended:
- Scope (days):
- Since timestamp:
- Batch size:
- Dry run:

## Summary
| Metric | Value |
| --- | ---: |
| Scanned | |
| Eligible | |
| Updated | |
| Skipped (existing valid) | |
| Skipped (missing payload) | |
| Skipped (missing agent results) | |
| Failed (validation) | |
| Failed (write) | |
| Hard failure rate | |

## Spot-check (20 rows)
| analysis_id | ticker | schema_version=v2 | signal_contract_v2 valid | legacy keys unchanged | notes |
| --- | --- | --- | --- | --- | --- |"""


def assert_follows_template(markdown: str) -> dict[str, str]:
    """The report's opening lines are the template's, each blank filled with a value."""
    lines = markdown.splitlines()
    values: dict[str, str] = {}
    template = TEMPLATE.splitlines()
    for expected, actual in zip(template, lines, strict=False):
        if expected.endswith(":"):
            assert actual.startswith(expected + " ") and actual[len(expected) + 1 :].strip(), actual
            values[expected[2:-1]] = actual[len(expected) + 1 :]
        elif expected.endswith("| |"):
            match = re.fullmatch(re.escape(expected[:-2]) + r" (\S[^|]*) \|", actual)
            assert match, actual
            values[expected[2:-4]] = match.group(1)
        else:
            assert actual == expected
    rows = lines[len(template) :]
    spot_rows = rows[: next((i for i, line in enumerate(rows) if not line.startswith("|")), len(rows))]
    assert len(spot_rows) <= 20
    for row in spot_rows:
        assert row.count(" | ") >= 5, row
    return values


def test_a_rerun_changes_nothing_and_finds_nothing_eligible(tmp_path: Path) -> None:
    legacy_analysis("AAPL")
    legacy_analysis("NVDA")
    legacy_analysis("KO", with_agents=False)

    first = run_backfill(tmp_path)
    after_first = v2_state()
    second = run_backfill(tmp_path)
    dry = run_backfill(tmp_path, "--dry-run", name="dry")

    assert first["summary"]["eligible"] == 3
    assert first["summary"]["updated"] == 2
    for report in (second, dry):
        assert report["summary"]["scanned"] == 3
        assert report["summary"]["updated"] == 0
        # The row that could not be rebuilt stays eligible (and skipped) on every run.
        assert report["summary"]["eligible"] == 1
        assert report["summary"]["skipped_missing_agent_results"] == 1
        assert report["summary"]["skipped_existing_valid"] == 2
    assert v2_state() == after_first


def test_a_dry_run_writes_nothing_but_the_report(tmp_path: Path) -> None:
    ids = [legacy_analysis(ticker).pk for ticker in ("AAPL", "NVDA", "TSLA")]
    legacy_analysis("KO", recommendation=None)
    before, legacy_before = v2_state(), legacy_state()

    report = run_backfill(tmp_path, "--dry-run", "--days", "30", "--batch-size", "2")

    assert v2_state() == before
    assert legacy_state() == legacy_before
    assert not (tmp_path / "run.checkpoint.json").exists()
    markdown = (tmp_path / "run.md").read_text(encoding="utf-8")
    values = assert_follows_template(markdown)
    assert values["Dry run"] == "yes"
    assert values["Scope (days)"] == "30"
    assert values["Batch size"] == "2"
    assert values["Scanned"] == "4"
    assert values["Eligible"] == "4"
    assert values["Updated"] == "3"
    assert values["Hard failure rate"] == "0.00%"
    assert "- Skipped (missing recommendation): 1" in markdown
    assert "- Interrupted: no" in markdown
    assert report["dry_run"] is True
    assert report["summary"]["skipped_missing_recommendation"] == 1
    assert sorted(row["analysis_id"] for row in report["spot_check"]) == sorted(ids)
    assert all(not row["schema_version_v2"] for row in report["spot_check"])
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8")) == report


def test_a_real_run_reports_in_the_template_with_a_spot_check(tmp_path: Path) -> None:
    expected = bulk_rows(60)

    report = run_backfill(tmp_path, "--batch-size", "7")

    values = assert_follows_template((tmp_path / "run.md").read_text(encoding="utf-8"))
    assert values["Dry run"] == "no"
    for key, value in expected.items():
        assert report["summary"][key] == value, key
    assert values["Updated"] == str(expected["updated"])
    assert len(report["spot_check"]) == 20
    assert all(
        row["schema_version_v2"] and row["signal_contract_v2_valid"] and row["legacy_keys_unchanged"]
        for row in report["spot_check"]
    )


def _break_contract_of(ticker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuilt contracts of `ticker` come out invalid (a string where a number belongs)."""
    original = runner.rebuild_contract

    def rebuild(analysis: Analysis, *args: Any, **kwargs: Any) -> backfill.Rebuilt:
        rebuilt = original(analysis, *args, **kwargs)
        if analysis.ticker == ticker:
            rebuilt.contract["ev_score_7d"] = "high"
        return rebuilt

    monkeypatch.setattr(runner, "rebuild_contract", rebuild)


def test_it_exits_non_zero_when_hard_failures_reach_one_percent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(9):
        legacy_analysis(("AAPL", "NVDA", "TSLA")[i % 3], score=float(10 * i))
    broken = legacy_analysis("KO")
    _break_contract_of("KO", monkeypatch)

    with pytest.raises(CommandError, match=r"10\.00%") as failed:
        run_backfill(tmp_path)

    assert failed.value.returncode == 2
    report = read_report(tmp_path / "run.md")
    # The failure is recorded and the run carried on with the other rows.
    assert report["summary"]["failed_validation"] == 1
    assert report["summary"]["updated"] == 9
    assert report["summary"]["hard_failure_rate"] == pytest.approx(0.1)
    assert report["failures"][0]["analysis_id"] == broken.pk
    assert report["failures"][0]["detail"].startswith("ev_score_7d:")
    assert "| Failed (validation) | 1 |" in (tmp_path / "run.md").read_text(encoding="utf-8")
    assert Analysis.objects.get(pk=broken.pk).signal_contract_v2 is None


def test_a_write_failure_is_recorded_and_the_run_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = bulk_rows(130)
    victim = Analysis.objects.filter(signal_contract_v2__isnull=True, recommendation__isnull=False).first()
    original = runner.write_v2_columns

    def write(analysis_id: int, columns: Any) -> bool:
        if analysis_id == victim.pk:
            raise DatabaseError("disk I/O error")
        return original(analysis_id, columns)

    monkeypatch.setattr(runner, "write_v2_columns", write)

    report = run_backfill(tmp_path, "--batch-size", "25")  # 1 of ~125 eligible: under 1 %, exit 0

    assert report["summary"]["failed_write"] == 1
    assert report["summary"]["updated"] == expected["updated"] - 1
    assert report["failures"] == [
        {
            "analysis_id": victim.pk,
            "ticker": victim.ticker,
            "kind": "failed_write",
            "detail": "DatabaseError: disk I/O error",
        }
    ]
    assert Analysis.objects.get(pk=victim.pk).signal_contract_v2 is None


class SimulatedCrash(BaseException):
    """Stands for the process dying: nothing in the command catches it."""


def _crash_on_call(monkeypatch: pytest.MonkeyPatch, name: str, call: int) -> None:
    original = getattr(runner, name)
    calls = {"n": 0}

    def crashing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise SimulatedCrash(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, name, crashing)


@pytest.mark.parametrize(
    ("function", "call", "left_pending"),
    [
        ("rebuild_contract", 17, False),  # while batch 3 is rebuilt: nothing of it written yet
        ("write_v2_columns", 13, True),  # inside batch 2's transaction (rolled back)
        ("write_json_atomic", 5, True),  # batch 2 committed, the checkpoint not yet folded
    ],
    ids=["during-rebuild", "mid-transaction", "after-commit-before-checkpoint"],
)
def test_a_crash_and_a_rerun_end_like_one_clean_run(
    function: str, call: int, left_pending: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bulk_rows(45)
    original = v2_state()
    with monkeypatch.context() as patch:
        _crash_on_call(patch, function, call)
        with pytest.raises(SimulatedCrash):
            run_backfill(tmp_path, "--batch-size", "8", name="crashed")
    checkpoint = json.loads((tmp_path / "crashed.checkpoint.json").read_text(encoding="utf-8"))
    assert checkpoint["status"] == "running"
    assert (checkpoint["pending"] is not None) is left_pending

    resumed = run_backfill(tmp_path, "--batch-size", "8", name="crashed")
    resumed_state = v2_state()
    restore_v2_state(original)
    clean = run_backfill(tmp_path, "--batch-size", "8", name="clean")

    assert v2_state() == resumed_state
    assert resumed["summary"] == clean["summary"]
    assert resumed["spot_check"] == clean["spot_check"]
    assert resumed["skipped"] == clean["skipped"]
    assert resumed["resumes"] == 1


def test_an_interrupted_run_writes_its_report_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = bulk_rows(30)
    with monkeypatch.context() as patch:
        # Ctrl-C with no handler installed (or a second signal): a KeyboardInterrupt anywhere.
        original = runner.rebuild_contract
        calls = {"n": 0}

        def rebuild(*args: Any, **kwargs: Any) -> backfill.Rebuilt:
            calls["n"] += 1
            if calls["n"] == 12:
                raise KeyboardInterrupt
            return original(*args, **kwargs)

        patch.setattr(runner, "rebuild_contract", rebuild)
        with pytest.raises(CommandError, match="Interrupted") as stopped:
            run_backfill(tmp_path, "--batch-size", "5")

    assert stopped.value.returncode == 130
    markdown = (tmp_path / "run.md").read_text(encoding="utf-8")
    assert_follows_template(markdown)
    assert "- Interrupted: yes (SIGINT); re-run the same command to resume" in markdown
    interrupted = read_report(tmp_path / "run.md")
    assert 0 < interrupted["summary"]["scanned"] < 30

    finished = run_backfill(tmp_path, "--batch-size", "5")

    assert finished["interrupted"] is False
    for key, value in expected.items():
        assert finished["summary"][key] == value, key


def test_it_refuses_to_resume_a_checkpoint_of_another_window(tmp_path: Path) -> None:
    legacy_analysis("AAPL")
    checkpoint = tmp_path / "run.checkpoint.json"
    checkpoint.write_text(
        json.dumps({"format": backfill.CHECKPOINT_FORMAT, "status": "running", "days": 90}), encoding="utf-8"
    )

    with pytest.raises(CommandError, match="--days 90"):
        run_backfill(tmp_path)

    assert Analysis.objects.get().signal_contract_v2 is None
