"""Calibration health per horizon, from the evaluated outcomes (reads; the rule is `desk.health`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models.functions import Coalesce

from calibration.models import HORIZONS, AnalysisOutcome, OutcomeStatus
from desk.health import PRIOR_DAYS, RECENT_DAYS, assess_horizon, window_stats


def calibration_health(*, as_of_date: dt.date) -> list[dict[str, Any]]:
    """Per horizon: the last 30 days' outcomes (realised on or before `as_of_date`) against the
    90 days before them, and whether calibration degraded.

    An outcome is dated by the session of its realised price (its target date for rows the
    earlier system wrote without one); only outcomes realised by `as_of_date` are read.
    """
    recent_start = as_of_date - dt.timedelta(days=RECENT_DAYS)
    prior_start = recent_start - dt.timedelta(days=PRIOR_DAYS)
    outcomes = (
        AnalysisOutcome.objects.filter(status=OutcomeStatus.COMPLETE, direction_correct__isnull=False)
        .annotate(day=Coalesce("realized_date", "target_date"))
        .filter(day__gt=prior_start, day__lte=as_of_date)
        .values_list("horizon_days", "day", "direction_correct", "confidence")
    )
    windows: dict[tuple[int, str], tuple[list[bool], list[float | None]]] = {
        (h, w): ([], []) for h in HORIZONS for w in ("recent", "prior")
    }
    for horizon, day, correct, confidence in outcomes:
        if horizon not in HORIZONS:
            continue
        hits, confidences = windows[(horizon, "recent" if day > recent_start else "prior")]
        hits.append(bool(correct))
        confidences.append(confidence if confidence is not None and 0.0 <= confidence <= 1.0 else None)
    report = []
    for horizon in HORIZONS:
        health = assess_horizon(
            horizon,
            recent=window_stats(*windows[(horizon, "recent")]),
            prior=window_stats(*windows[(horizon, "prior")]),
        )
        report.append(
            {
                **dataclasses.asdict(health),
                "ece_change": health.ece_change,
                "hit_rate_change": health.hit_rate_change,
                "recent_window": {"start": recent_start + dt.timedelta(days=1), "end": as_of_date},
                "prior_window": {"start": prior_start + dt.timedelta(days=1), "end": recent_start},
            }
        )
    return report
