"""NYSE trading days, from the exchange's holiday rules.

Weekdays minus the full-day holidays the NYSE observes, computed by rule for any year:
New Year's Day, Martin Luther King Jr. Day (from 1998), Washington's Birthday, Good Friday,
Memorial Day, Juneteenth (from 2022), Independence Day, Labor Day, Thanksgiving and
Christmas. A holiday on a Sunday is observed on the Monday after; on a Saturday, on the
Friday before, except New Year's Day: NYSE rule 7.2 does not close the exchange on the last
trading day of a year, so a Saturday New Year's Day is not observed at all.

Unscheduled closures (national days of mourning, 9/11, Hurricane Sandy) are not rules and
are not here; early closes are full trading days. Dates are numpy datetime64[D].
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

_DAY = np.timedelta64(1, "D")


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm: Meeus, Jones, Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (Monday = 0) of a month; n = -1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


@functools.cache
def nyse_holidays(year: int) -> np.ndarray:
    """The NYSE full-day holidays observed in `year`, sorted, as a read-only datetime64[D] array."""
    days: list[dt.date] = []
    new_year = dt.date(year, 1, 1)
    if new_year.weekday() != 5:
        days.append(_observed(new_year))
    if year >= 1998:
        days.append(_nth_weekday(year, 1, 0, 3))  # Martin Luther King Jr. Day
    days.append(_nth_weekday(year, 2, 0, 3))  # Washington's Birthday
    days.append(easter_sunday(year) - dt.timedelta(days=2))  # Good Friday
    days.append(_nth_weekday(year, 5, 0, -1))  # Memorial Day
    if year >= 2022:
        days.append(_observed(dt.date(year, 6, 19)))  # Juneteenth
    days.append(_observed(dt.date(year, 7, 4)))
    days.append(_nth_weekday(year, 9, 0, 1))  # Labor Day
    days.append(_nth_weekday(year, 11, 3, 4))  # Thanksgiving
    days.append(_observed(dt.date(year, 12, 25)))
    holidays = np.array(sorted(days), dtype="datetime64[D]")
    holidays.flags.writeable = False
    return holidays


@functools.lru_cache(maxsize=64)
def _business_calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    holidays = np.concatenate([nyse_holidays(year) for year in range(first_year, last_year + 1)])
    return np.busdaycalendar(weekmask="1111100", holidays=holidays)


def _calendar_for(first: dt.date, last: dt.date) -> np.busdaycalendar:
    # One year of margin on each side, so rolling across New Year still sees the holidays.
    return _business_calendar(first.year - 1, last.year + 1)


def trading_days(start: dt.date, end: dt.date) -> np.ndarray:
    """NYSE trading days in [start, end], oldest first (empty when end < start)."""
    if end < start:
        return np.empty(0, dtype="datetime64[D]")
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + _DAY)
    return days[np.is_busday(days, busdaycal=_calendar_for(start, end))]


def is_trading_day(day: dt.date) -> bool:
    return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=_calendar_for(day, day)))


def trading_day_on_or_before(day: dt.date) -> dt.date:
    """`day` when the exchange is open that day, else the trading day before it."""
    rolled = np.busday_offset(np.datetime64(day, "D"), 0, roll="backward", busdaycal=_calendar_for(day, day))
    return rolled.astype(dt.date)


def trading_day_on_or_after(day: dt.date) -> dt.date:
    """`day` when the exchange is open that day, else the trading day after it."""
    rolled = np.busday_offset(np.datetime64(day, "D"), 0, roll="forward", busdaycal=_calendar_for(day, day))
    return rolled.astype(dt.date)


def count_trading_days(start: dt.date, end: dt.date) -> int:
    """How many trading days fall in [start, end]."""
    if end < start:
        return 0
    cal = _calendar_for(start, end)
    return int(np.busday_count(np.datetime64(start, "D"), np.datetime64(end, "D") + _DAY, busdaycal=cal))
