"""|ny_time: a moment as New York wall time with its zone named."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from core.formatting import ny_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 12, 2, 14, 31, 7, 123456, tzinfo=dt.UTC), "2026-12-02 09:31 EST"),
        (dt.datetime(2025, 6, 13, 20, 0, tzinfo=dt.UTC), "2025-06-13 16:00 EDT"),
        # Past midnight UTC it is still the evening before in New York.
        (dt.datetime(2026, 12, 3, 3, 15, tzinfo=dt.UTC), "2026-12-02 22:15 EST"),
        # 2026-11-01: clocks go back at 06:00 UTC, so 01:30 happens twice, once in each zone.
        (dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC), "2026-11-01 01:30 EDT"),
        (dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC), "2026-11-01 01:30 EST"),
        # ISO strings as the serializers give them, with microseconds and either UTC spelling.
        ("2026-12-02T14:31:07.123456Z", "2026-12-02 09:31 EST"),
        ("2026-12-02T14:31:07.123456+00:00", "2026-12-02 09:31 EST"),
        # A naive moment is what Django stores: UTC.
        (dt.datetime(2026, 12, 2, 14, 31), "2026-12-02 09:31 EST"),
    ],
)
def test_it_writes_new_york_time_with_the_zone(value: object, expected: str) -> None:
    assert ny_time(value) == expected


def test_it_leaves_a_date_alone() -> None:
    # Read as midnight UTC a bare date would become 19:00 the day before.
    assert ny_time(dt.date(2026, 12, 2)) == "2026-12-02"
    assert ny_time("2026-12-02") == "2026-12-02"


def test_it_writes_a_dash_for_nothing_and_keeps_text_it_cannot_read() -> None:
    assert ny_time(None) == "—"
    assert ny_time("") == "—"
    assert ny_time("soon") == "soon"


def test_it_is_a_filter_on_every_template() -> None:
    # A builtin: no {% load %} needed.
    moment = dt.datetime(2026, 12, 2, 14, 31, tzinfo=dt.UTC)
    assert Template("{{ t|ny_time }}").render(Context({"t": moment})) == "2026-12-02 09:31 EST"
