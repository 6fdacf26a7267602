"""Storing the macro calendar (`calibration.macro_calendar`) as the catalyst events schedules read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from calibration.macro_calendar import SOURCE_RULE, events_for_year
from calibration.models import MacroCatalystEvent


@dataclass(frozen=True)
class SeedResult:
    year: int
    created: int
    kept: int


def seed_macro_events(*, year: int) -> SeedResult:
    """Store the year's macro events; rows already there are kept as they are.

    A rule-based estimate is also skipped when its month already holds an event of that type
    on another date (an official date an admin entered), so a re-seed never doubles a release.
    Raises `calibration.macro_calendar.UnsupportedYear` for a year with no calendar.
    """
    specs = events_for_year(year)
    created = kept = 0
    with transaction.atomic():
        for spec in specs:
            if (
                spec.source == SOURCE_RULE
                and MacroCatalystEvent.objects.filter(
                    event_type=spec.event_type,
                    event_date__year=spec.event_date.year,
                    event_date__month=spec.event_date.month,
                )
                .exclude(event_date=spec.event_date)
                .exists()
            ):
                kept += 1
                continue
            _, was_created = MacroCatalystEvent.objects.get_or_create(
                event_type=spec.event_type,
                event_date=spec.event_date,
                defaults={"event_label": spec.event_label, "source": spec.source},
            )
            created += was_created
            kept += not was_created
    return SeedResult(year=year, created=created, kept=kept)
