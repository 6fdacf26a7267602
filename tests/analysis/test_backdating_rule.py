"""The backdated rule (`analysis.backdating`), on dates worked out by hand from the NYSE calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.backdating import is_backdated, market_session
from analysis.market_data import NEW_YORK


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("moment", "session"),
    [
        (ny(2025, 5, 23, 16, 0), dt.date(2025, 5, 23)),  # Friday, at the close
        (ny(2025, 5, 23, 15, 59), dt.date(2025, 5, 22)),  # Friday, before the close: Thursday's
        (ny(2025, 5, 25, 10, 0), dt.date(2025, 5, 23)),  # Sunday: Friday's
        (ny(2025, 5, 26, 17, 0), dt.date(2025, 5, 23)),  # Memorial Day 2025, closed: still Friday's
        (ny(2025, 5, 27, 16, 30), dt.date(2025, 5, 27)),  # Tuesday after the close
        (dt.datetime(2025, 5, 28, 3, 0, tzinfo=dt.UTC), dt.date(2025, 5, 27)),  # 23:00 in New York
    ],
)
def test_it_dates_a_moment_by_the_latest_closed_session(moment: dt.datetime, session: dt.date) -> None:
    assert market_session(moment) == session


def test_it_keeps_a_friday_run_requested_over_the_long_weekend_current() -> None:
    friday_evening = ny(2025, 5, 23, 23, 59)
    assert not is_backdated(as_of=friday_evening, created_at=ny(2025, 5, 26, 12, 0), run_kind="interactive")
    assert is_backdated(as_of=friday_evening, created_at=ny(2025, 5, 27, 16, 1), run_kind="interactive")


def test_it_backdates_a_run_that_did_not_see_todays_close() -> None:
    assert is_backdated(
        as_of=ny(2025, 5, 27, 15, 59), created_at=ny(2025, 5, 27, 16, 1), run_kind="watchlist"
    )


def test_it_backdates_every_replay_and_never_a_legacy_row() -> None:
    now = ny(2025, 5, 27, 17, 0)
    assert is_backdated(as_of=now, created_at=now, run_kind="replay")
    assert not is_backdated(as_of=None, created_at=now, run_kind=None)
    assert not is_backdated(as_of=now, created_at=now, run_kind="scheduled")
