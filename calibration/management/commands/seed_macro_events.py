"""Store a year's FOMC, CPI and NFP dates as macro catalyst events (idempotent)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calibration.macro_calendar import UnsupportedYear
from calibration.macro_events import seed_macro_events


class Command(BaseCommand):
    help = (
        "Seed macro catalyst events (FOMC decisions as published by the Fed; CPI and NFP release "
        "dates estimated by rule) for YEAR, default the current New York year. Existing rows are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, default=None, help="Calendar year, e.g. 2026.")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate(timezone=ZoneInfo(settings.MARKET_TIME_ZONE)).year
        try:
            result = seed_macro_events(year=year)
        except UnsupportedYear as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Macro events for {result.year}: {result.created} created, {result.kept} kept.")
