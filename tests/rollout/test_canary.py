"""`manage.py rollout_canary` against a live server (uvicorn over the test database)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from accounts.roles import Role
from alerts.models import AlertRule
from rollout.canary import TOKEN_ENV
from tests.live_server import free_port
from tests.rollout.canary_helpers import check_lines, issue_token, run_canary, set_flag, summary
from watchlists.models import Watchlist

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(make_user: Any) -> str:
    return issue_token(make_user(Role.PM, username="canary"))


def test_it_passes_preflight_and_writes_a_json_report(server_url: str, token: str, tmp_path: Path) -> None:
    report_path = tmp_path / "reports" / "preflight.json"
    code, output = run_canary(
        "--base-url", server_url, "--stage", "preflight", "--token", token, "--json-report", str(report_path)
    )  # fmt: skip
    assert code == 0, output
    passed, total = summary(output)
    assert passed == total == 4
    assert check_lines(output, "preflight") == {
        "health": "PASS",
        "rollout_status": "PASS",
        "flag_posture": "PASS",
        "contract_schema": "PASS",
    }
    assert "all 11 flags listed" in output
    report = json.loads(report_path.read_text())
    assert set(report) >= {"generated_at", "base_url", "stages", "checks", "passed", "total"}
    assert report["base_url"] == server_url
    assert report["stages"] == ["preflight"]
    assert (report["passed"], report["total"]) == (4, 4)
    assert [c["name"] for c in report["checks"]] == [
        "health",
        "rollout_status",
        "flag_posture",
        "contract_schema",
    ]
    for check in report["checks"]:
        assert check["stage"] == "preflight"
        assert check["passed"] is True
        assert check["detail"]
        assert check["duration_s"] >= 0


@pytest.mark.parametrize("alerts_v2", [False, True], ids=["alerts-v2-off", "alerts-v2-on"])
def test_it_checks_alert_crud_on_a_throwaway_ticker_and_leaves_nothing_behind(
    server_url: str, token: str, tmp_path: Path, alerts_v2: bool
) -> None:
    set_flag("ALERTS_V2_ENABLED", alerts_v2)
    kept = AlertRule.objects.create(ticker="AAPL", rule_type="score_above", threshold=40.0)
    report_path = tmp_path / "stage_b.json"
    code, output = run_canary(
        "--base-url", server_url, "--stage", "stage_b", "--token", token, "--json-report", str(report_path)
    )  # fmt: skip
    checks = {c["name"]: c for c in json.loads(report_path.read_text())["checks"]}
    # The gate reflects this empty database; the CRUD checks are what this test is about.
    assert set(checks) == {"stage_b_gate", "alert_legacy_rule_crud", "alert_v2_rule_crud", "alert_cleanup"}
    for name in ("alert_legacy_rule_crud", "alert_v2_rule_crud", "alert_cleanup"):
        assert checks[name]["passed"], output
    v2_detail = checks["alert_v2_rule_crud"]["detail"]
    if alerts_v2:
        assert "created and read back ev_above" in v2_detail
    else:
        assert "refused with 400 leaving it out of the valid rule types" in v2_detail
    assert code == (0 if checks["stage_b_gate"]["passed"] else 1)
    assert list(AlertRule.objects.values_list("pk", flat=True)) == [kept.pk]


def test_it_passes_stage_d(server_url: str, token: str) -> None:
    code, output = run_canary("--base-url", server_url, "--stage", "stage_d", "--token", token)
    assert code == 0, output
    passed, total = summary(output)
    assert passed == total == 10
    lines = check_lines(output, "stage_d")
    assert lines["api_analysis_latest"] == "PASS"
    assert "404 (no analysis yet; allowed)" in output
    assert lines["login_page"] == lines["dashboard_protected"] == "PASS"


def test_it_runs_stage_c_watchlist_sse_against_sequential_analyses(server_url: str, token: str) -> None:
    set_flag("WATCHLIST_RANKING_ENABLED", True)
    # Only analyses that carry a signal contract are ranked (as in the earlier API).
    set_flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    code, output = run_canary(
        "--base-url", server_url, "--stage", "stage_c", "--token", token,
        "--stage-c-tickers", "AAPL,MSFT", "--stage-c-agents", "market,technical",
        "--stage-c-required-speedup", "0.5",
    )  # fmt: skip
    # Two cores: the speed-up is measured and reported, not asserted beyond the 0.5 floor.
    assert check_lines(output, "stage_c") == {
        "watchlist_create": "PASS",
        "watchlist_sse": "PASS",
        "sequential_analyses": "PASS",
        "watchlist_speedup": check_lines(output, "stage_c")["watchlist_speedup"],
        "watchlist_cleanup": "PASS",
    }, output
    assert re.search(r"2 result\(s\), 0 error\(s\) in [\d.]+ s; [1-9]\d* opportunities", output)
    assert re.search(r"speed-up [\d.]+x \(sequential [\d.]+ s / watchlist [\d.]+ s\)", output)
    assert code == (0 if "PASS stage_c watchlist_speedup" in output else 1)
    assert not Watchlist.objects.exists()


def test_a_wrong_token_fails_with_a_clear_detail(server_url: str, token: str, settings: Any) -> None:
    settings.PMRESEARCH_CANARY_TOKEN = "not-a-real-token"  # what the environment variable sets
    code, output = run_canary("--base-url", server_url, "--stage", "preflight")
    assert code == 1
    passed, total = summary(output)
    assert (passed, total) == (1, 4)  # /health is public
    assert "PASS preflight health" in output
    assert "→ 401" in output
    assert f"the token was refused: check --token or {TOKEN_ENV}" in output
    assert "CommandError: 3 of 4 canary checks failed." in output


def test_an_unreachable_base_url_fails_every_check_without_a_traceback(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    report_path = tmp_path / "down.json"
    code, output = run_canary(
        "--base-url", url, "--stage", "all", "--token", "anything", "--json-report", str(report_path)
    )  # fmt: skip
    assert code == 1
    passed, total = summary(output)
    assert passed == 1  # only stage C's cleanup, with no watchlist made, has nothing to do
    assert "PASS stage_c watchlist_cleanup — no watchlist was created" in output
    assert f"FAIL preflight health — cannot connect to {url} (ConnectError" in output
    assert "Traceback" not in output
    report = json.loads(report_path.read_text())
    assert report["total"] == total
    assert {c["stage"] for c in report["checks"]} == {"preflight", "stage_a", "stage_b", "stage_c", "stage_d"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "http://127.0.0.1:9", "--stage", "stage_z", "--token", "t"], "invalid choice"),
        (["--stage", "preflight", "--token", "t"], "--base-url"),
        (["--base-url", "127.0.0.1:8000", "--stage", "preflight", "--token", "t"], "must be an http(s) URL"),
        (["--base-url", "http://127.0.0.1:9", "--stage", "preflight"], "No API token"),
        (
            [
                "--base-url",
                "http://127.0.0.1:9",
                "--stage",
                "stage_c",
                "--token",
                "t",
                "--stage-c-tickers",
                "A1",
            ],
            "not a US equity ticker",
        ),
        (
            [
                "--base-url",
                "http://127.0.0.1:9",
                "--stage",
                "stage_c",
                "--token",
                "t",
                "--stage-c-agents",
                "tarot",
            ],
            "Invalid agent names: tarot",
        ),
    ],
    ids=["bad-stage", "no-base-url", "bad-url", "no-token", "bad-ticker", "bad-agent"],
)
def test_bad_arguments_exit_non_zero_with_a_clear_message(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    code, output = run_canary(*args)
    assert code != 0
    assert message in output
    assert "checks passed" not in output
