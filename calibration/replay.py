"""History replay: run the engine point-in-time on past dates, walking forward.

On each replayed date, outcomes due by then are resolved with the prices known
then, the snapshot and reliability bins are rebuilt as of that date, and only
then are that date's analyses run, so each one's calibrated confidence uses
only outcomes known on its date. Replay analyses are marked `run_kind="replay"`.
Resumable and idempotent: an analysis already stored for a (ticker, date) is
not run again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analysis.market_data import NEW_YORK, session_close
from analysis.models import Analysis, RunKind
from analysis.providers.calendar import trading_days
from calibration.outcomes import evaluate_due_outcomes, refresh_calibration
from core.domain_errors import DomainError
from orchestration.analysis import prepare_run, run_analysis

# A replayed date's analysis looks at the market just after that day's close.
AFTER_CLOSE = dt.timedelta(minutes=30)


@dataclass
class ReplaySummary:
    dates: int = 0
    analyses_run: int = 0
    analyses_existing: int = 0
    outcomes_evaluated: int = 0
    failures: int = 0


def replay_dates(start: dt.date, end: dt.date, every: int) -> list[dt.date]:
    days = trading_days(start, end).astype(dt.date)
    return list(days[::every])


def replay_history(
    *,
    tickers: Sequence[str],
    start: dt.date,
    end: dt.date,
    every: int = 1,
    agents: str | None = None,
    on_date: Callable[[int, int, dt.date, ReplaySummary], None] | None = None,
) -> ReplaySummary:
    summary = ReplaySummary()
    dates = replay_dates(start, end, every)
    for position, day in enumerate(dates, start=1):
        moment = session_close(day) + AFTER_CLOSE
        summary.outcomes_evaluated += evaluate_due_outcomes(as_of=moment).evaluated
        refresh_calibration(as_of_date=day)
        done = set(
            Analysis.objects.filter(run_kind=RunKind.REPLAY, as_of=moment, ticker__in=tickers).values_list(
                "ticker", flat=True
            )
        )
        pending = [ticker for ticker in tickers if ticker not in done]
        # One context per date: a provider that fetches online loads the date's tickers together.
        context = prepare_run(as_of=moment, tickers=pending) if pending else None
        for ticker in tickers:
            if ticker in done:
                summary.analyses_existing += 1
                continue
            try:
                run_analysis(
                    ticker=ticker, agents=agents, as_of=moment, run_kind=RunKind.REPLAY, context=context
                )
                summary.analyses_run += 1
            except DomainError:
                summary.failures += 1
        summary.dates += 1
        if on_date:
            on_date(position, len(dates), day, summary)
    # Close the books on the last date so its outcomes and bins reflect everything known then.
    if dates:
        final = session_close(dates[-1]) + AFTER_CLOSE
        summary.outcomes_evaluated += evaluate_due_outcomes(as_of=final).evaluated
        refresh_calibration(as_of_date=dates[-1])
    return summary


def new_york_today() -> dt.date:
    return dt.datetime.now(tz=NEW_YORK).date()
