"""When a brief starts: the last close, or the close of a date the PM picks."""

from __future__ import annotations

import datetime as dt

from analysis.market_data import NEW_YORK, session_close
from analysis.providers.calendar import trading_day_on_or_before
from core.domain_errors import DomainError


class BadSince(DomainError, ValueError):
    """A `since` that is not a date on or before today (a 400)."""


def default_since_day(now: dt.datetime) -> dt.date:
    """The last trading day before today (New York): its close is "the last close".

    In the morning that is yesterday's close; the evening e-mail, sent after today's close,
    covers today's whole session (since the close before it).
    """
    today = now.astimezone(NEW_YORK).date()
    return trading_day_on_or_before(today - dt.timedelta(days=1))


def parse_since(raw: str | None, *, now: dt.datetime) -> tuple[dt.date, bool]:
    """(the day whose 16:00 New York close the brief starts at, whether it is the default).

    `raw` is an ISO date (YYYY-MM-DD), or empty for the last close. A future date is refused.
    """
    if raw is None or not raw.strip():
        return default_since_day(now), True
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise BadSince(f"since must be a date as YYYY-MM-DD, got {raw.strip()[:40]!r}.") from None
    if day > now.astimezone(NEW_YORK).date():
        raise BadSince(f"since cannot be in the future ({day.isoformat()}).")
    return day, False


def since_moment(day: dt.date) -> dt.datetime:
    """The close of `day` (16:00 New York, aware): a brief shows what changed after it."""
    return session_close(day)
