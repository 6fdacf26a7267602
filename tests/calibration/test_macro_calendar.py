"""The macro calendar (published FOMC dates, rule-based BLS estimates) and its seeding."""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from calibration.macro_calendar import (
    CPI,
    FOMC,
    NFP,
    SOURCE_FED_PUBLISHED,
    SOURCE_RULE,
    UnsupportedYear,
    cpi_release_estimate,
    events_for_year,
    first_friday,
    nfp_release_estimate,
    supported_years,
)
from calibration.models import MacroCatalystEvent
from tests.live_server import REPO_ROOT, subprocess_env

FOMC_2026 = [
    dt.date(2026, 1, 28),
    dt.date(2026, 3, 18),
    dt.date(2026, 4, 29),
    dt.date(2026, 6, 17),
    dt.date(2026, 7, 29),
    dt.date(2026, 9, 16),
    dt.date(2026, 10, 28),
    dt.date(2026, 12, 9),
]
UNSUPPORTED_YEAR = 2031


def of_type(year: int, event_type: str) -> list:
    return [e for e in events_for_year(year) if e.event_type == event_type]


def test_fomc_2026_is_the_feds_published_decision_days() -> None:
    fomc = of_type(2026, FOMC)

    assert [e.event_date for e in fomc] == FOMC_2026
    assert {e.event_date.weekday() for e in fomc} == {2}  # the Wednesday, second day of each meeting
    assert {e.source for e in fomc} == {SOURCE_FED_PUBLISHED}
    assert all("estimated" not in e.event_label for e in fomc)


def test_fomc_2027_is_labelled_as_the_feds_tentative_schedule() -> None:
    fomc = of_type(2027, FOMC)

    assert len(fomc) == 8
    assert fomc[0].event_date == dt.date(2027, 1, 27)
    assert all("tentative" in e.event_label for e in fomc)


def test_nfp_is_the_first_friday_of_each_month_labelled_as_an_estimate() -> None:
    nfp = of_type(2026, NFP)

    assert len(nfp) == 12
    for event in nfp:
        friday = first_friday(2026, event.event_date.month)
        assert friday.weekday() == 4 and friday.day <= 7
        if event.event_date.month != 7:
            assert event.event_date == friday
        assert event.source == SOURCE_RULE
        assert "estimated" in event.event_label
    assert nfp[1].event_date == dt.date(2026, 2, 6)
    assert "January 2026" in nfp[1].event_label  # February's release reports January


def test_nfp_moves_off_the_independence_day_and_new_year_holidays() -> None:
    # 4 July 2026 is a Saturday: Friday 3 July is the observed holiday.
    assert first_friday(2026, 7) == dt.date(2026, 7, 3)
    assert nfp_release_estimate(2026, 7) == dt.date(2026, 7, 2)
    # 1 January 2027 is a Friday.
    assert nfp_release_estimate(2027, 1) == dt.date(2027, 1, 8)


def test_cpi_is_a_rule_based_estimate_never_presented_as_official() -> None:
    cpi = of_type(2026, CPI)

    assert len(cpi) == 12
    for event in cpi:
        assert event.source == SOURCE_RULE
        assert "estimated" in event.event_label
        assert 10 <= event.event_date.day <= 17
        assert event.event_date.weekday() in (2, 3)
    assert cpi_release_estimate(2026, 1) == dt.date(2026, 1, 14)
    assert cpi_release_estimate(2026, 11) == dt.date(2026, 11, 12)  # Wednesday the 11th is Veterans Day


def test_every_estimate_is_labelled_rule_and_every_official_date_fed_published() -> None:
    for year in supported_years():
        for event in events_for_year(year):
            assert event.source == (SOURCE_FED_PUBLISHED if event.event_type == FOMC else SOURCE_RULE)
            assert len(event.event_label) <= 200
            assert event.event_date.year == year


def test_a_year_without_a_published_calendar_is_refused() -> None:
    with pytest.raises(UnsupportedYear, match=f"No macro calendar for {UNSUPPORTED_YEAR}"):
        events_for_year(UNSUPPORTED_YEAR)


@pytest.mark.django_db
def test_the_seed_command_is_idempotent_and_prints_its_counts() -> None:
    MacroCatalystEvent.objects.all().delete()
    expected = len(events_for_year(2026))

    first, second = StringIO(), StringIO()
    call_command("seed_macro_events", "--year", "2026", stdout=first)
    call_command("seed_macro_events", "--year", "2026", stdout=second)

    assert first.getvalue().strip() == f"Macro events for 2026: {expected} created, 0 kept."
    assert second.getvalue().strip() == f"Macro events for 2026: 0 created, {expected} kept."
    assert MacroCatalystEvent.objects.count() == expected == 32
    stored = MacroCatalystEvent.objects.get(event_type="fomc", event_date=dt.date(2026, 3, 18))
    assert (stored.source, stored.enabled) == (SOURCE_FED_PUBLISHED, True)


@pytest.mark.django_db
def test_the_seed_keeps_what_an_admin_changed() -> None:
    MacroCatalystEvent.objects.all().delete()
    # An admin disabled one estimate and entered the official date of another month's CPI.
    MacroCatalystEvent.objects.create(
        event_type="nfp", event_date=dt.date(2026, 2, 6), event_label="NFP", source="rule", enabled=False
    )
    MacroCatalystEvent.objects.create(
        event_type="cpi", event_date=dt.date(2026, 1, 13), event_label="CPI for December 2025", source="bls"
    )

    out = StringIO()
    call_command("seed_macro_events", "--year", "2026", stdout=out)

    assert out.getvalue().strip() == "Macro events for 2026: 30 created, 2 kept."
    assert not MacroCatalystEvent.objects.get(event_type="nfp", event_date=dt.date(2026, 2, 6)).enabled
    january_cpi = MacroCatalystEvent.objects.filter(
        event_type="cpi", event_date__month=1, event_date__year=2026
    )
    assert list(january_cpi.values_list("event_date", flat=True)) == [dt.date(2026, 1, 13)]


@pytest.mark.django_db
def test_the_seed_command_defaults_to_the_current_new_york_year() -> None:
    year = timezone.localdate(timezone=ZoneInfo("America/New_York")).year
    out = StringIO()
    if year not in supported_years():
        with pytest.raises(CommandError):
            call_command("seed_macro_events", stdout=out)
        return
    call_command("seed_macro_events", stdout=out)
    assert out.getvalue().startswith(f"Macro events for {year}:")


@pytest.mark.django_db
def test_an_unknown_year_is_a_command_error() -> None:
    with pytest.raises(
        CommandError, match=f"No macro calendar for {UNSUPPORTED_YEAR}; known years: 2026, 2027"
    ):
        call_command("seed_macro_events", "--year", str(UNSUPPORTED_YEAR))

    assert not MacroCatalystEvent.objects.filter(event_date__year=UNSUPPORTED_YEAR).exists()


def test_an_unknown_year_exits_non_zero_with_its_message(tmp_path: Path) -> None:
    env = subprocess_env(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.db'}", PMRESEARCH_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "manage.py", "seed_macro_events", "--year", str(UNSUPPORTED_YEAR)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert f"No macro calendar for {UNSUPPORTED_YEAR}" in done.stderr


@pytest.mark.django_db
def test_the_data_migration_seeds_an_empty_table_and_leaves_a_filled_one_alone() -> None:
    migration = importlib.import_module("calibration.migrations.0003_seed_macro_events")
    editor = SimpleNamespace(connection=connection)
    MacroCatalystEvent.objects.all().delete()
    year = dt.datetime.now(ZoneInfo("America/New_York")).year
    expected = sum(len(events_for_year(y)) for y in (year, year + 1) if y in supported_years())

    migration.seed_current_year(apps, editor)
    migration.seed_current_year(apps, editor)

    assert MacroCatalystEvent.objects.count() == expected
    MacroCatalystEvent.objects.all().delete()
    MacroCatalystEvent.objects.create(
        event_type="cpi", event_date=dt.date(2024, 4, 10), event_label="CPI (March)"
    )

    migration.seed_current_year(apps, editor)

    assert MacroCatalystEvent.objects.count() == 1  # an adopted table keeps exactly its rows
