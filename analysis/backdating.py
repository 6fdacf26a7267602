"""Which runs are the current call and which are backdated (pure: no database, no settings).

A **backdated** run is one whose `as_of` session is earlier than the session current when it
was created (requested). Every replay run is backdated; an interactive or watchlist run with a
past `?as_of=` is too. A **current** run is an interactive, watchlist or scheduled run that is
not backdated. Adopted legacy rows (run_kind and as_of NULL) count as current, dated by their
timestamp. Only current runs are "the current call" (latest, rankings, exports, alerts, the
change summary's previous analysis, the pages); backdated runs are evidence, kept in history.

The session current at a moment is the latest NYSE trading day whose 16:00 New York close is
at or before it: an analysis as of Friday evening, requested on Sunday, saw every bar the
market had published by then, so it is current; one as of last Thursday is not.
"""

from __future__ import annotations

import datetime as dt

from analysis.market_data import last_closed_session_day
from analysis.providers.calendar import trading_day_on_or_before

REPLAY = "replay"


def market_session(moment: dt.datetime) -> dt.date:
    """The NYSE session current at `moment` (aware): the latest trading day closed by then."""
    return trading_day_on_or_before(last_closed_session_day(moment))


def is_backdated(*, as_of: dt.datetime | None, created_at: dt.datetime, run_kind: str | None) -> bool:
    """Whether a run as of `as_of`, requested at `created_at`, is backdated (see the module doc)."""
    if run_kind == REPLAY:
        return True
    if as_of is None:
        # A legacy row: it looked at the market when it was made.
        return False
    return market_session(as_of) < market_session(created_at)
