"""Replay the engine over past dates so calibration has evidence from day one."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from analysis.agents import resolve_agents
from analysis.tickers import InvalidTicker, normalise_ticker
from calibration.replay import ReplaySummary, new_york_today, replay_dates, replay_history


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Dates are YYYY-MM-DD, not '{value}'.") from exc


class Command(BaseCommand):
    help = (
        "Run analyses point-in-time on past trading days (walking forward, resolving outcomes and "
        "rebuilding reliability bins as of each date). Resumable and idempotent."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tickers", required=True, help="Comma-separated tickers, e.g. AAPL,MSFT,BRK.B")
        parser.add_argument("--start", required=True, help="First date, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="Last date, YYYY-MM-DD")
        parser.add_argument("--every", type=int, default=1, help="Replay every Nth trading day (default 1)")
        parser.add_argument("--agents", default=None, help="Comma-separated agent subset (default all)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tickers = list(
                dict.fromkeys(normalise_ticker(t) for t in options["tickers"].split(",") if t.strip())
            )
        except InvalidTicker as exc:
            raise CommandError(str(exc)) from exc
        if not tickers:
            raise CommandError("--tickers needs at least one ticker.")
        if options["agents"]:
            try:
                resolve_agents(options["agents"].split(","))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        start, end = _date(options["start"]), _date(options["end"])
        if start > end:
            raise CommandError("--start must not be after --end.")
        if end >= new_york_today():
            raise CommandError("--end must be a past date (replay never looks at today or later).")
        if options["every"] < 1:
            raise CommandError("--every must be 1 or more.")
        total = len(replay_dates(start, end, options["every"]))
        if total == 0:
            raise CommandError("No trading days in that range.")
        self.stdout.write(f"Replaying {len(tickers)} ticker(s) over {total} trading day(s).")
        started = time.perf_counter()
        if options["verbosity"] < 2:
            # One log line per analysis would bury the progress bar; -v 2 keeps them.
            logging.getLogger("orchestration.analysis").setLevel(logging.WARNING)
        summary = replay_history(
            tickers=tickers,
            start=start,
            end=end,
            every=options["every"],
            agents=options["agents"],
            on_date=self._progress,
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.perf_counter() - started:.1f} s: {summary.dates} dates, "
                f"{summary.analyses_run} analyses run, {summary.analyses_existing} already there, "
                f"{summary.outcomes_evaluated} outcomes evaluated, {summary.failures} failed."
            )
        )

    def _progress(self, position: int, total: int, day: dt.date, summary: ReplaySummary) -> None:
        width = 30
        filled = int(width * position / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(
            f"\r[{bar}] {position}/{total} {day.isoformat()} "
            f"run={summary.analyses_run} kept={summary.analyses_existing}",
            ending="",
        )
        self.stdout.flush()
