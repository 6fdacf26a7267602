"""Django's clock set to a market day, for tests that need analyses of a past date to be current.

An analysis as of a past date is backdated (`analysis.backdating`) and never the current call;
run under `market_day(day)` it is as if the desk ran it that evening, so it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterator
from unittest import mock

from analysis.market_data import session_close


@contextlib.contextmanager
def market_day(day: dt.date) -> Iterator[dt.datetime]:
    """`timezone.now()` is one hour after `day`'s New York close, a millisecond later each call.

    Each call moves on so two analyses stored under one clock keep distinct timestamps (the
    table holds one row per ticker and timestamp).
    """
    start = session_close(day) + dt.timedelta(hours=1)
    ticks = itertools.count()

    def now() -> dt.datetime:
        return (start + dt.timedelta(milliseconds=next(ticks))).astimezone(dt.UTC)

    with mock.patch("django.utils.timezone.now", side_effect=now):
        yield start
