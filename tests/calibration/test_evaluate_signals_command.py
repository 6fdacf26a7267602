"""manage.py evaluate_signals: tables, JSON, and a non-zero exit with a reason on bad arguments."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.evaluation_rows import seed_evaluation_table

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("evaluate_signals", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_tables() -> None:
    seed_evaluation_table()
    text = run("--horizon", "7", "--start", "2025-03-01", "--end", "2025-03-31")
    assert "Rank IC (per_date, t by newey_west, lag 0, n=15)" in text
    assert "mean 0.300" in text
    assert "top − bottom: 1.000 %" in text
    assert "Brier 0.223" in text


def test_it_prints_json_for_the_chosen_tickers_and_run_kind() -> None:
    seed_evaluation_table()
    body = json.loads(run("--json", "--tickers", "AAA", "BBB,CCC", "--run-kind", "replay"))
    assert body["sample_size"] == 9
    assert body["filters"]["tickers"] == ["AAA", "BBB", "CCC"]


def test_it_says_so_when_nothing_matches() -> None:
    assert "No complete outcome matches these filters." in run()


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--horizon", "14"), "horizon_days must be one of 1, 7, 30"),
     (("--start", "yesterday"), "start_date must be a date"),
     (("--run-kind", "nightly"), "run_kind must be one of")],
)  # fmt: skip
def test_it_fails_with_a_reason_on_bad_arguments(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
