"""`manage.py clear_market_cache [--ticker T]`: empty the public sources' cache."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from datasources.cache import clear


class Command(BaseCommand):
    help = "Empty the public sources' cache, or only one ticker's entries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ticker", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        ticker = (options["ticker"] or "").strip().upper() or None
        bodies, rows = clear(ticker)
        scope = f"for {ticker}" if ticker else "in all"
        self.stdout.write(f"removed {bodies} cached responses and {rows} items {scope}")
