"""Seed a small demo watchlist on a fresh desk, so a new user has something to analyse at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from watchlists.services import DEMO_TICKERS, DEMO_WATCHLIST_NAME, seed_demo_watchlist


class Command(BaseCommand):
    help = (
        f"Create the '{DEMO_WATCHLIST_NAME}' watchlist ({', '.join(DEMO_TICKERS)}) on a fresh database; "
        "does nothing once any watchlist (or any analysis) exists. bin/start runs it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo_watchlist()
        if not result.created:
            self.stdout.write(f"Demo watchlist not seeded: {result.reason}; nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the demo watchlist '{DEMO_WATCHLIST_NAME}' with {', '.join(DEMO_TICKERS)}."
            )
        )
