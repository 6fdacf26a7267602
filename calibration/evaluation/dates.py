"""Local calendar dates of many UTC instants at once (pure: numpy and the standard library)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np


def parse_utc_seconds(texts: Sequence[str]) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS…`` texts (UTC; any fraction or offset suffix ignored) as ``datetime64[s]``."""
    return np.array([text[:19].replace(" ", "T") for text in texts], dtype="datetime64[s]")


def _offset(instant: np.datetime64, zone: ZoneInfo) -> np.timedelta64:
    moment = dt.datetime.fromtimestamp(int(instant.astype("datetime64[s]").astype(np.int64)), tz=dt.UTC)
    offset = moment.astimezone(zone).utcoffset() or dt.timedelta(0)
    return np.timedelta64(int(offset.total_seconds()), "s")


def local_dates(utc: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """The calendar date in ``zone`` of each UTC instant (``datetime64[s]`` in, ``datetime64[D]`` out).

    The zone's offset is looked up once per distinct UTC day (at its first and last second); only
    instants on a day whose offset changes (a daylight-saving switch) are converted one by one.
    """
    instants = np.asarray(utc, dtype="datetime64[s]")
    if instants.size == 0:
        return np.empty(0, dtype="datetime64[D]")
    days, index = np.unique(instants.astype("datetime64[D]"), return_inverse=True)
    first = np.array([_offset(day.astype("datetime64[s]"), zone) for day in days], dtype="timedelta64[s]")
    last = np.array(
        [_offset(day.astype("datetime64[s]") + np.timedelta64(86399, "s"), zone) for day in days],
        dtype="timedelta64[s]",
    )
    offsets = first[index]
    switching = (first != last)[index]
    for position in np.flatnonzero(switching):
        offsets[position] = _offset(instants[position], zone)
    local: np.ndarray = (instants + offsets).astype("datetime64[D]")
    return local
