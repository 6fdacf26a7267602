"""FOMC, CPI and payrolls dates that trigger catalyst runs. Pure Python, no Django.

Two kinds of date, never mixed up:

- `fed_published`: FOMC rate decisions as the Federal Reserve published them. The decision
  (policy statement, 2 p.m. New York) comes on the second day of each two-day meeting, so
  that is the date kept. 2026: the schedule the Fed announced with its 2025 calendar. 2027:
  the Fed's *tentative* schedule announced on 5 September 2025 (its label says tentative).
  A year the Fed has not published is not supported: nothing is invented for it.
- `rule`: BLS release dates estimated by a rule, because the official BLS calendar is not
  built in. Every such label says "estimated" and names the rule; an admin can correct one in
  Django admin (disable the estimate and add the official date).
  * NFP (Employment Situation): the first Friday of the month. When that Friday is
    Independence Day or its observed holiday, the Thursday before; when it is New Year's Day,
    the next Friday.
  * CPI: the first Wednesday on or after the 10th of the month, the Thursday when that
    Wednesday is Veterans Day (11 November). BLS usually publishes between the 10th and the
    15th, most often Tuesday to Thursday; the estimate can be a few days off.

A release in month M reports on month M - 1; labels name the reported month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

SOURCE_FED_PUBLISHED = "fed_published"
SOURCE_RULE = "rule"

FOMC = "fomc"
CPI = "cpi"
NFP = "nfp"

# Second day of each meeting: the day of the policy statement.
FOMC_DECISION_DATES: dict[int, tuple[dt.date, ...]] = {
    2026: (
        dt.date(2026, 1, 28),
        dt.date(2026, 3, 18),
        dt.date(2026, 4, 29),
        dt.date(2026, 6, 17),
        dt.date(2026, 7, 29),
        dt.date(2026, 9, 16),
        dt.date(2026, 10, 28),
        dt.date(2026, 12, 9),
    ),
    2027: (
        dt.date(2027, 1, 27),
        dt.date(2027, 3, 17),
        dt.date(2027, 4, 28),
        dt.date(2027, 6, 9),
        dt.date(2027, 7, 28),
        dt.date(2027, 9, 15),
        dt.date(2027, 10, 27),
        dt.date(2027, 12, 8),
    ),
}
FOMC_LABELS: dict[int, str] = {
    2026: "FOMC rate decision (Federal Reserve schedule)",
    2027: "FOMC rate decision (Federal Reserve tentative schedule, announced 2025-09-05)",
}

_FRIDAY = 4
_WEDNESDAY = 2


@dataclass(frozen=True)
class EventSpec:
    event_type: str
    event_date: dt.date
    event_label: str
    source: str


class UnsupportedYear(ValueError):
    """No published FOMC calendar is built in for this year."""


def supported_years() -> tuple[int, ...]:
    return tuple(sorted(FOMC_DECISION_DATES))


def _first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def first_friday(year: int, month: int) -> dt.date:
    return _first_weekday_on_or_after(dt.date(year, month, 1), _FRIDAY)


def _independence_day_observed(year: int) -> dt.date:
    day = dt.date(year, 7, 4)
    if day.weekday() == 5:  # Saturday → Friday
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:  # Sunday → Monday
        return day + dt.timedelta(days=1)
    return day


def nfp_release_estimate(year: int, month: int) -> dt.date:
    """The first Friday of the month, moved off New Year's Day and Independence Day."""
    day = first_friday(year, month)
    if day in (dt.date(year, 7, 4), _independence_day_observed(year)):
        return day - dt.timedelta(days=1)
    if day == dt.date(year, 1, 1):
        return day + dt.timedelta(days=7)
    return day


def cpi_release_estimate(year: int, month: int) -> dt.date:
    """The first Wednesday on or after the 10th of the month; Veterans Day moves it to the Thursday."""
    day = _first_weekday_on_or_after(dt.date(year, month, 10), _WEDNESDAY)
    return day + dt.timedelta(days=1) if day == dt.date(year, 11, 11) else day


def _reported_month(year: int, month: int) -> str:
    previous_year, previous_month = (year - 1, 12) if month == 1 else (year, month - 1)
    return f"{calendar.month_name[previous_month]} {previous_year}"


def events_for_year(year: int) -> list[EventSpec]:
    """Every FOMC decision, CPI and NFP release of `year`, by date.

    Raises UnsupportedYear when the Fed's calendar for `year` is not built in.
    """
    if year not in FOMC_DECISION_DATES:
        known = ", ".join(str(y) for y in supported_years())
        raise UnsupportedYear(f"No macro calendar for {year}; known years: {known}.")
    events = [
        EventSpec(FOMC, day, FOMC_LABELS[year], SOURCE_FED_PUBLISHED) for day in FOMC_DECISION_DATES[year]
    ]
    for month in range(1, 13):
        reported = _reported_month(year, month)
        events.append(
            EventSpec(
                CPI,
                cpi_release_estimate(year, month),
                f"CPI for {reported} (estimated: first Wednesday on or after the 10th; "
                "check the BLS schedule)",
                SOURCE_RULE,
            )
        )
        events.append(
            EventSpec(
                NFP,
                nfp_release_estimate(year, month),
                f"Non-farm payrolls for {reported} (estimated: first Friday of the month; "
                "check the BLS schedule)",
                SOURCE_RULE,
            )
        )
    return sorted(events, key=lambda e: (e.event_date, e.event_type))
