"""`manage.py warm_market_data --tickers AAPL,MSFT [--days N] [--as-of YYYY-MM-DD]`: fill the cache."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from datasources.config import load_config, source_problems
from datasources.http import SourceUnavailable, get_client

PREFETCH = "analysis.providers.public.provider"


def _progress(done: int, total: int, label: str, width: int = 30) -> str:
    filled = int(width * done / total) if total else width
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label:<12}"


class Command(BaseCommand):
    help = "Prefetch the public sources' data for tickers into the cache, with a progress bar on stderr."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickers", nargs="+", required=True, help="AAPL MSFT or AAPL,MSFT")
        parser.add_argument("--days", type=int, default=3 * 365, help="days of history (default 3 years)")
        parser.add_argument("--as-of", dest="as_of", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        tickers = [t.strip().upper() for arg in options["tickers"] for t in arg.split(",") if t.strip()]
        if not tickers:
            raise CommandError("--tickers names no ticker")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        if not load_config().is_public:
            raise CommandError(
                f"MARKET_DATA_PROVIDER is {load_config().provider!r}: warming fetches from the public "
                "sources, so set MARKET_DATA_PROVIDER=public"
            )
        problems = source_problems()  # the provider is `public`, so its name is sound
        if problems:
            raise CommandError("the configuration cannot work: " + " ".join(problems))
        try:
            prefetch = importlib.import_module(PREFETCH).prefetch
        except (ImportError, AttributeError) as exc:
            raise CommandError(f"{PREFETCH}.prefetch is not available in this installation ({exc})") from exc
        as_of = options["as_of"] or dt.date.today()
        client = get_client()
        before = sum(client.requests_sent.values())
        failures: list[str] = []
        for done, ticker in enumerate(tickers, start=1):
            sys.stderr.write(_progress(done - 1, len(tickers), ticker))
            sys.stderr.flush()
            try:
                loaded = prefetch([ticker], as_of, options["days"])
                # A source that failed is held as a reason in what was loaded, not raised.
                failures.extend(f"{ticker}: {reason}" for reason in getattr(loaded, "failures", list)())
            except SourceUnavailable as exc:
                failures.append(f"{ticker}: {exc.reason}")
            sys.stderr.write(_progress(done, len(tickers), ticker))
            sys.stderr.flush()
        sys.stderr.write("\n")
        sent = sum(client.requests_sent.values()) - before
        self.stdout.write(
            f"warmed {len(tickers) - len(failures)} of {len(tickers)} tickers; {sent} requests sent"
        )
        if failures:
            raise CommandError("; ".join(failures))
