"""Catalyst runs: macro events the day before and the day of, earnings the day before and after,
each (schedule, reason, event, date) at most once however many ticks see it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from analysis.market_data import MarketDataError
from analysis.models import RunKind
from analysis.providers import get_provider
from calibration.models import CatalystRunClaim, MacroCatalystEvent, ScheduleRun
from calibration.schedules.scheduler import catalyst_runs_due, claim_catalyst_run
from calibration.tasks import run_schedule_task, scheduler_tick_task, tick
from tests.factories import MacroCatalystEventFactory, ScheduleFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def scheduler_on(settings: Any) -> None:
    settings.SCHEDULER_ENABLED = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MARKET_DATA_PROVIDER = "demo"
    MacroCatalystEvent.objects.all().delete()  # only the events each test creates


@pytest.fixture
def earnings_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[Iterable[dt.date]], None]:
    """Make the provider report these earnings dates (for every ticker)."""

    def set_dates(days: Iterable[dt.date]) -> None:
        known = sorted(days)
        monkeypatch.setattr(
            get_provider(),
            "earnings_dates",
            lambda ticker, *, start, end: [d for d in known if start <= d <= end],
        )

    return set_dates


@pytest.fixture
def ticked(django_capture_on_commit_callbacks: Any) -> Callable[[dt.datetime], Any]:
    def run(now: dt.datetime) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return tick(now=now)

    return run


def ny_today() -> dt.date:
    return timezone.localdate(timezone=NEW_YORK)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK)


def not_due_schedule(ticker: str, **fields: Any) -> Any:
    """A schedule whose regular run is far off, so only catalysts start runs."""
    return ScheduleFactory(ticker=ticker, next_run_at=timezone.now() + dt.timedelta(days=30), **fields)


def claim_keys() -> list[tuple[int, str, str, dt.date]]:
    return sorted(CatalystRunClaim.objects.values_list("schedule_id", "reason", "event_type", "event_date"))


def run_keys() -> list[tuple[int, str, str, dt.date]]:
    return sorted(
        ScheduleRun.objects.values_list(
            "schedule_id", "run_reason", "catalyst_event_type", "catalyst_event_date"
        )
    )


def test_the_catalyst_dedupe_holds_across_two_beat_ticks(
    earnings_on: Callable[..., None], django_capture_on_commit_callbacks: Any
) -> None:
    today = ny_today()
    tomorrow, yesterday = today + dt.timedelta(days=1), today - dt.timedelta(days=1)
    MacroCatalystEventFactory(event_type="fomc", event_date=tomorrow, event_label="FOMC rate decision")
    earnings_on([yesterday])
    aapl = not_due_schedule("AAPL")
    msft = not_due_schedule("MSFT")

    results = []
    for _beat in range(2):  # two beat ticks, through the task beat calls
        with django_capture_on_commit_callbacks(execute=True):
            results.append(scheduler_tick_task.delay().get())

    assert [(r["catalyst_runs"], r["catalyst_already_claimed"]) for r in results] == [(4, 0), (0, 4)]
    expected = sorted(
        [
            (aapl.pk, "catalyst_pre", "fomc", tomorrow),
            (aapl.pk, "catalyst_post", "earnings", yesterday),
            (msft.pk, "catalyst_pre", "fomc", tomorrow),
            (msft.pk, "catalyst_post", "earnings", yesterday),
        ]
    )
    assert claim_keys() == expected
    assert run_keys() == expected  # exactly one run per (schedule, reason, event, date)
    assert set(CatalystRunClaim.objects.values_list("run_date", flat=True)) == {today}
    for claim in CatalystRunClaim.objects.select_related("run__analysis"):
        assert claim.run.success is True, claim.run.error
        assert claim.run.analysis.run_kind == RunKind.SCHEDULED
    for schedule in (aapl, msft):
        before = schedule.next_run_at
        schedule.refresh_from_db()
        assert schedule.next_run_at == before  # catalyst runs leave the regular cadence alone
        # ...but each is the schedule's last run, as the earlier system recorded it.
        latest = schedule.runs.order_by("-completed_at").first()
        assert schedule.last_run_at == latest.completed_at


def test_the_next_day_claims_the_macro_day_run_once(
    ticked: Callable[[dt.datetime], Any], earnings_on: Callable[..., None]
) -> None:
    fomc_day = dt.date(2026, 3, 18)
    eve = fomc_day - dt.timedelta(days=1)
    MacroCatalystEventFactory(event_type="fomc", event_date=fomc_day, event_label="FOMC rate decision")
    earnings_on([])
    schedule = not_due_schedule("AAPL")

    summaries = [ticked(at(eve, 9)), ticked(at(eve, 15)), ticked(at(fomc_day, 9)), ticked(at(fomc_day, 14))]

    assert [s.catalyst_runs for s in summaries] == [1, 0, 1, 0]
    assert claim_keys() == [
        (schedule.pk, "catalyst_day", "fomc", fomc_day),
        (schedule.pk, "catalyst_pre", "fomc", fomc_day),
    ]
    assert ScheduleRun.objects.count() == 2
    run_dates = dict(CatalystRunClaim.objects.values_list("reason", "run_date"))
    assert run_dates == {"catalyst_pre": eve, "catalyst_day": fomc_day}


def test_the_day_is_the_new_york_day(earnings_on: Callable[..., None]) -> None:
    fomc_day = dt.date(2026, 3, 18)
    MacroCatalystEventFactory(event_type="fomc", event_date=fomc_day, event_label="FOMC rate decision")
    earnings_on([])
    not_due_schedule("AAPL")
    # 02:00 UTC on the 18th is still the 17th in New York: the eve, not the day.
    late_evening = dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC)

    assert [d.reason for d in catalyst_runs_due(now=late_evening)] == ["catalyst_pre"]


def test_earnings_from_the_demo_provider_trigger_the_eve_and_the_day_after() -> None:
    provider = get_provider()
    earnings_day = provider.earnings_dates("AAPL", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))[0]
    schedule = not_due_schedule("AAPL")

    eve = catalyst_runs_due(now=at(earnings_day - dt.timedelta(days=1), 10))
    after = catalyst_runs_due(now=at(earnings_day + dt.timedelta(days=1), 10))
    on_the_day = catalyst_runs_due(now=at(earnings_day, 10))

    assert [(d.schedule.pk, d.reason, d.event_type, d.event_date) for d in eve] == [
        (schedule.pk, "catalyst_pre", "earnings", earnings_day)
    ]
    assert [(d.reason, d.event_date) for d in after] == [("catalyst_post", earnings_day)]
    assert on_the_day == []


def test_a_provider_failure_is_logged_and_the_tick_goes_on(
    ticked: Callable[[dt.datetime], Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def unavailable(ticker: str, *, start: dt.date, end: dt.date) -> list[dt.date]:
        raise MarketDataError("calendar service unavailable")

    monkeypatch.setattr(get_provider(), "earnings_dates", unavailable)
    day = dt.date(2026, 6, 16)
    MacroCatalystEventFactory(event_type="fomc", event_date=day, event_label="FOMC rate decision")
    ScheduleFactory(ticker="AAPL", next_run_at=None)

    with caplog.at_level(logging.WARNING, logger="calibration.schedules.scheduler"):
        summary = ticked(at(day, 10))

    assert (summary.scheduled_runs, summary.catalyst_runs) == (1, 1)
    assert "Earnings dates unavailable for AAPL (MarketDataError)" in caplog.text
    assert ScheduleRun.objects.filter(success=True).count() == 2


def test_disabled_events_and_disabled_schedules_start_no_catalyst_run(
    ticked: Callable[[dt.datetime], Any], earnings_on: Callable[..., None]
) -> None:
    day = dt.date(2026, 6, 16)
    MacroCatalystEventFactory(event_type="cpi", event_date=day, enabled=False, event_label="CPI")
    earnings_on([day + dt.timedelta(days=1)])
    not_due_schedule("AAPL", enabled=False)

    summary = ticked(at(day, 10))

    assert (summary.catalyst_runs, summary.catalyst_already_claimed) == (0, 0)
    assert ScheduleRun.objects.count() == 0


def test_a_claim_is_taken_once() -> None:
    schedule = not_due_schedule("AAPL")
    key = {"reason": "catalyst_day", "event_type": "cpi", "event_date": dt.date(2026, 6, 10)}

    first = claim_catalyst_run(schedule=schedule, run_date=dt.date(2026, 6, 10), **key)
    again = claim_catalyst_run(schedule=schedule, run_date=dt.date(2026, 6, 11), **key)

    assert first is not None
    assert again is None
    assert CatalystRunClaim.objects.count() == 1


def test_a_catalyst_run_that_cannot_be_enqueued_releases_its_claim(
    ticked: Callable[[dt.datetime], Any], earnings_on: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    day = dt.date(2026, 6, 16)
    MacroCatalystEventFactory(event_type="fomc", event_date=day, event_label="FOMC rate decision")
    earnings_on([])
    not_due_schedule("AAPL")

    with monkeypatch.context() as patched:
        patched.setattr(run_schedule_task, "delay", _broker_down)
        assert ticked(at(day, 10)).catalyst_runs == 1
    failed = ScheduleRun.objects.get()
    assert (failed.success, failed.error) == (False, "The run could not be started (OperationalError).")
    assert CatalystRunClaim.objects.count() == 0

    retried = ticked(at(day, 10) + dt.timedelta(minutes=1))

    assert retried.catalyst_runs == 1
    claim = CatalystRunClaim.objects.get()
    assert claim.run.success is True


def _broker_down(*args: Any, **kwargs: Any) -> None:
    raise OperationalError("Connection refused.")
