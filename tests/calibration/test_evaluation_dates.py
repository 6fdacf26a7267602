"""New York dates of UTC instants, across both daylight-saving switches, as zoneinfo gives them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from calibration.evaluation.dates import local_dates, parse_utc_seconds

NEW_YORK = ZoneInfo("America/New_York")


def test_it_dates_instants_around_midnight_and_the_switches_as_zoneinfo_does() -> None:
    texts = [
        "2025-03-09 06:59:59",  # 01:59:59 EST, the night clocks go forward
        "2025-03-09 07:00:00",  # 03:00 EDT
        "2025-03-10 03:59:00.123456",  # 23:59 EDT on the 9th
        "2025-03-10 04:00:00+00",  # midnight EDT: the 10th
        "2025-11-02 04:30:00",  # 00:30 EDT
        "2025-11-03 04:30:00",  # 23:30 EST on the 2nd
        "2025-06-30 23:00:00",
    ]
    expected = [
        dt.datetime.fromisoformat(text[:19]).replace(tzinfo=dt.UTC).astimezone(NEW_YORK).date()
        for text in texts
    ]
    got = local_dates(parse_utc_seconds(texts), NEW_YORK)
    assert got.astype(dt.date).tolist() == expected
    assert local_dates(np.empty(0, dtype="datetime64[s]"), NEW_YORK).size == 0
