from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis.providers.calendar import (
    count_trading_days,
    easter_sunday,
    is_trading_day,
    nyse_holidays,
    trading_day_on_or_after,
    trading_day_on_or_before,
    trading_days,
)


@pytest.mark.parametrize(
    "holiday",
    [
        dt.date(2024, 3, 29),  # Good Friday
        dt.date(2024, 7, 4),
        dt.date(2022, 6, 20),  # Juneteenth, observed on Monday
        dt.date(2021, 12, 24),  # Christmas, observed on Friday
        dt.date(2023, 1, 2),  # New Year's Day on a Sunday, observed on Monday
        dt.date(2024, 1, 15),  # Martin Luther King Jr. Day
        dt.date(2024, 2, 19),  # Washington's Birthday
        dt.date(2024, 5, 27),  # Memorial Day
        dt.date(2024, 9, 2),  # Labor Day
        dt.date(2024, 11, 28),  # Thanksgiving
        dt.date(2020, 7, 3),  # Independence Day on a Saturday, observed on Friday
    ],
)
def test_it_excludes_holidays(holiday: dt.date) -> None:
    assert not is_trading_day(holiday)
    assert np.datetime64(holiday) in nyse_holidays(holiday.year)
    assert np.datetime64(holiday) not in trading_days(
        holiday - dt.timedelta(days=7), holiday + dt.timedelta(days=7)
    )


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2021, 12, 31),  # New Year's Day 2022 fell on a Saturday: NYSE stays open the Friday before
        dt.date(2024, 3, 28),
        dt.date(2024, 7, 5),
        dt.date(2021, 6, 18),  # before Juneteenth became an NYSE holiday
        dt.date(2024, 11, 29),  # day after Thanksgiving: an early close, still a session
        dt.date(2024, 12, 24),
    ],
)
def test_it_keeps_trading_days(day: dt.date) -> None:
    assert is_trading_day(day)


def test_it_skips_weekends() -> None:
    days = trading_days(dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    weekdays = days.astype(dt.date)
    assert all(day.weekday() < 5 for day in weekdays)
    assert len(days) == 19  # 20 weekdays minus Juneteenth


@pytest.mark.parametrize(("year", "sessions"), [(2019, 252), (2022, 251), (2023, 250), (2024, 252)])
def test_it_counts_a_year_of_sessions(year: int, sessions: int) -> None:
    # Published NYSE session counts for those years.
    days = trading_days(dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert len(days) == sessions
    assert count_trading_days(dt.date(year, 1, 1), dt.date(year, 12, 31)) == sessions


def test_it_returns_sorted_datetime64_days() -> None:
    days = trading_days(dt.date(2023, 12, 20), dt.date(2024, 1, 10))
    assert days.dtype == np.dtype("datetime64[D]")
    assert np.all(np.diff(days) > np.timedelta64(0, "D"))
    assert days[0] == np.datetime64("2023-12-20") and days[-1] == np.datetime64("2024-01-10")


def test_it_handles_an_empty_range() -> None:
    assert len(trading_days(dt.date(2024, 1, 2), dt.date(2024, 1, 1))) == 0
    assert count_trading_days(dt.date(2024, 1, 2), dt.date(2024, 1, 1)) == 0


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2019, dt.date(2019, 4, 21)),
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2038, dt.date(2038, 4, 25)),
    ],
)
def test_it_computes_easter(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


def test_it_rolls_to_the_nearest_session() -> None:
    assert trading_day_on_or_before(dt.date(2024, 3, 31)) == dt.date(2024, 3, 28)  # Sunday after Good Friday
    assert trading_day_on_or_after(dt.date(2024, 3, 29)) == dt.date(2024, 4, 1)
    assert trading_day_on_or_before(dt.date(2024, 1, 1)) == dt.date(2023, 12, 29)  # across the year end
    assert trading_day_on_or_before(dt.date(2024, 4, 1)) == dt.date(2024, 4, 1)
