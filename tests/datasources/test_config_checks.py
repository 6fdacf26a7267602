"""A configuration that cannot work fails `manage.py check` (and so start-up) with a clear message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from analysis.providers.checks import configuration_problems
from tests.live_server import subprocess_env

REPO = Path(__file__).resolve().parents[2]
GOOD_AGENT = "Jane Doe jane@example.com"


def _check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_fails_the_check_without_the_sec_contact_string() -> None:
    result = _check(MARKET_DATA_PROVIDER="public", SEC_USER_AGENT="")
    assert result.returncode != 0
    assert "SEC_USER_AGENT must give a name and an e-mail" in result.stderr
    assert "FUNDAMENTALS_SOURCE=sec" in result.stderr


def test_it_fails_the_check_on_an_unknown_source_and_passes_a_sound_mix() -> None:
    bad = _check(MARKET_DATA_PROVIDER="public", SEC_USER_AGENT=GOOD_AGENT, PRICES_SOURCE="stooq")
    assert bad.returncode != 0 and "PRICES_SOURCE='stooq' is not a prices source" in bad.stderr
    # The mixed shape: prices from CSV files, fundamentals from SEC.
    good = _check(
        MARKET_DATA_PROVIDER="public", SEC_USER_AGENT=GOOD_AGENT, PRICES_SOURCE="csv", FRED_API_KEY="k" * 32
    )
    assert good.returncode == 0, good.stderr


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"MARKET_DATA_PROVIDER": "yahoo"}, "Unknown MARKET_DATA_PROVIDER 'yahoo'"),
        ({"SEC_USER_AGENT": "jane@example.com"}, "SEC_USER_AGENT must give a name and an e-mail"),
        ({"SEC_USER_AGENT": "Jane Doe"}, "SEC_USER_AGENT must give a name and an e-mail"),
        ({"MACRO_SOURCE": "alfred"}, "MACRO_SOURCE='alfred' is not a macro source; valid: fred, none."),
        ({"OPTIONS_SOURCE": "yahoo"}, "OPTIONS_SOURCE='yahoo' is not a options source"),
        ({"SEC_DATA_URL": "data.sec.gov"}, "SEC_DATA_URL must be an http(s) URL"),
        ({"SEC_RATE_LIMIT_PER_SECOND": 0}, "SEC_RATE_LIMIT_PER_SECOND must be above 0"),
        ({"FRED_RATE_LIMIT_WINDOW_SECONDS": 0}, "FRED_RATE_LIMIT_WINDOW_SECONDS must be above 0 (seconds)"),
        ({"MARKET_DATA_TRIES": 0}, "MARKET_DATA_TRIES must be at least 1"),
    ],
)
def test_it_names_the_setting_at_fault(overrides: dict, expected: str) -> None:
    settings = {"MARKET_DATA_PROVIDER": "public", "SEC_USER_AGENT": GOOD_AGENT, **overrides}
    with override_settings(**settings):
        problems = configuration_problems()
    assert any(expected in p for p in problems), problems


def test_it_needs_no_contact_string_when_no_sec_source_is_chosen() -> None:
    with override_settings(
        MARKET_DATA_PROVIDER="public",
        SEC_USER_AGENT="",
        FUNDAMENTALS_SOURCE="none",
        EARNINGS_SOURCE="none",
        NEWS_SOURCE="none",
    ):
        assert configuration_problems() == []


def test_it_ignores_the_source_settings_under_another_provider() -> None:
    with override_settings(MARKET_DATA_PROVIDER="demo", PRICES_SOURCE="stooq", SEC_USER_AGENT=""):
        assert configuration_problems() == []


@pytest.mark.django_db
def test_it_reports_the_configuration_on_health_without_calling_out() -> None:
    with override_settings(MARKET_DATA_PROVIDER="public", SEC_USER_AGENT="", FRED_API_KEY="secret-key-value"):
        body = Client().get("/health").json()
    assert body["config_valid"] is False and body["status"] == "degraded"
    assert body["market_data"]["sources"]["fundamentals"] == "sec"
    assert body["market_data"]["keys_present"] == {"FRED_API_KEY": True}
    assert "secret-key-value" not in str(body)
