"""Reads over calibration data."""

from __future__ import annotations

import datetime as dt

from calibration.models import HORIZONS, ReliabilityBin


def latest_reliability_bins(*, as_of_date: dt.date) -> dict[int, list[ReliabilityBin]]:
    """Per horizon, the newest set of bins dated on or before `as_of_date` (point-in-time)."""
    result: dict[int, list[ReliabilityBin]] = {}
    for horizon in HORIZONS:
        latest = (
            ReliabilityBin.objects.filter(horizon_days=horizon, as_of_date__lte=as_of_date)
            .order_by("-as_of_date")
            .values_list("as_of_date", flat=True)
            .first()
        )
        if latest is not None:
            result[horizon] = list(
                ReliabilityBin.objects.filter(horizon_days=horizon, as_of_date=latest).order_by("bin_index")
            )
    return result
