"""Catalyst offsets are configurable as the earlier scheduler's were, 0 included.

The earlier tests/test_scheduler.py configured CATALYST_PRE_DAYS=1, CATALYST_POST_DAYS=1,
MACRO_CATALYST_PRE_DAYS=1, MACRO_CATALYST_DAY_ENABLED=True, MACRO_CATALYST_EVENT_TYPES
fomc,cpi,nfp, and its scheduler named the runs catalyst_pre / catalyst_post / catalyst_day.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from analysis.market_data import NEW_YORK
from analysis.providers import get_provider
from calibration.models import CatalystRunClaim, MacroCatalystEvent, ScheduleRun
from calibration.schedules.scheduler import catalyst_runs_due
from tests.factories import MacroCatalystEventFactory, ScheduleFactory, ScheduleRunFactory

pytestmark = pytest.mark.django_db

EVENT = dt.date(2026, 3, 18)  # a Wednesday


@pytest.fixture(autouse=True)
def clean(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"
    MacroCatalystEvent.objects.all().delete()
    ScheduleFactory(ticker="AAPL", next_run_at=timezone.now() + dt.timedelta(days=30))
    monkeypatch.setattr(
        get_provider(),
        "earnings_dates",
        lambda ticker, *, start, end: [EVENT] if start <= EVENT <= end else [],
    )


def due_on(day: dt.date) -> list[tuple[str, str]]:
    now = dt.datetime.combine(day, dt.time(10), tzinfo=NEW_YORK)
    return sorted((d.reason, d.event_type) for d in catalyst_runs_due(now=now))


def test_it_runs_earnings_pre_and_post_days_away(settings: Any) -> None:
    settings.CATALYST_PRE_DAYS, settings.CATALYST_POST_DAYS = 2, 3
    assert due_on(EVENT - dt.timedelta(days=2)) == [("catalyst_pre", "earnings")]
    assert due_on(EVENT - dt.timedelta(days=1)) == []
    assert due_on(EVENT + dt.timedelta(days=3)) == [("catalyst_post", "earnings")]
    assert due_on(EVENT + dt.timedelta(days=1)) == []


def test_it_runs_both_earnings_runs_on_the_day_with_offsets_of_0(settings: Any) -> None:
    settings.CATALYST_PRE_DAYS, settings.CATALYST_POST_DAYS = 0, 0
    assert due_on(EVENT) == [("catalyst_post", "earnings"), ("catalyst_pre", "earnings")]
    assert due_on(EVENT - dt.timedelta(days=1)) == []


def test_it_runs_macro_pre_and_day(settings: Any) -> None:
    settings.MACRO_CATALYST_PRE_DAYS = 1
    MacroCatalystEventFactory(event_type="fomc", event_date=EVENT, event_label="FOMC")
    assert ("catalyst_pre", "fomc") in due_on(EVENT - dt.timedelta(days=1))
    assert ("catalyst_day", "fomc") in due_on(EVENT)


def test_it_runs_macro_pre_on_the_day_with_0_and_skips_the_day_when_off(settings: Any) -> None:
    settings.MACRO_CATALYST_PRE_DAYS = 0
    MacroCatalystEventFactory(event_type="cpi", event_date=EVENT, event_label="CPI")
    macro = [r for r in due_on(EVENT) if r[1] == "cpi"]
    assert macro == [("catalyst_day", "cpi"), ("catalyst_pre", "cpi")]
    settings.MACRO_CATALYST_DAY_ENABLED = False
    assert [r for r in due_on(EVENT) if r[1] == "cpi"] == [("catalyst_pre", "cpi")]


def test_it_keeps_to_the_configured_event_types(settings: Any) -> None:
    settings.MACRO_CATALYST_EVENT_TYPES = ["fomc"]
    MacroCatalystEventFactory(event_type="nfp", event_date=EVENT, event_label="NFP")
    assert [r for r in due_on(EVENT) if r[1] == "nfp"] == []


def test_it_refuses_a_negative_offset() -> None:
    from django.core.exceptions import ImproperlyConfigured

    import pmresearch.settings as project_settings

    with pytest.raises(ImproperlyConfigured, match="CATALYST_PRE_DAYS must be 0 or more"):
        project_settings._days_offset("CATALYST_PRE_DAYS", -1)
    assert project_settings._days_offset("CATALYST_PRE_DAYS", 0) == 0


def test_an_unknown_macro_event_type_stops_the_start() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "MACRO_CATALYST_EVENT_TYPES": "fomc,gdp",
        "DJANGO_SETTINGS_MODULE": "pmresearch.settings",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "MACRO_CATALYST_EVENT_TYPES names unknown event types gdp" in done.stderr


def test_it_renames_our_stored_reasons_to_the_earlier_ones() -> None:
    migration = importlib.import_module("calibration.migrations.0004_earlier_catalyst_reasons")
    runs = {name: ScheduleRunFactory(run_reason=name) for name in migration.RENAMED}
    adopted = ScheduleRunFactory(run_reason="catalyst_pre")
    schedule = runs["macro_day"].schedule
    CatalystRunClaim.objects.create(
        schedule=schedule, reason="earnings_after", event_type="earnings", event_date=EVENT, run_date=EVENT
    )
    migration.to_earlier_names(apps, None)
    stored = dict(ScheduleRun.objects.values_list("pk", "run_reason"))
    assert {name: stored[run.pk] for name, run in runs.items()} == migration.RENAMED
    assert stored[adopted.pk] == "catalyst_pre"
    assert list(CatalystRunClaim.objects.values_list("reason", flat=True)) == ["catalyst_post"]
