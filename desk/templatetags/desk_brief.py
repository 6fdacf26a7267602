"""Template filters for the brief: signed changes, percentages and New York times."""

from __future__ import annotations

import datetime as dt

from django import template

from analysis.market_data import NEW_YORK

register = template.Library()


@register.filter
def signed(value: float | None, places: int = 2) -> str:
    """`+1.25` / `−0.50` (a real minus sign); an en dash when there is no value."""
    if value is None:
        return "–"
    text = f"{abs(value):,.{int(places)}f}"
    return ("−" if value < 0 else "+") + text


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    """A fraction as a percentage (0.553 → `55.3 %`); an en dash when there is no value."""
    if value is None:
        return "–"
    return f"{value * 100:.{int(places)}f} %"


@register.filter
def points(value: float | None) -> str:
    """A change of a fraction in percentage points (−0.06 → `−6.0 pts`)."""
    if value is None:
        return "–"
    return signed(value * 100, 1) + " pts"


@register.filter
def new_york(value: dt.datetime | None) -> str:
    """An aware moment in New York time with its zone (`2026-12-02 17:00 EST`)."""
    if value is None:
        return "–"
    return value.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M %Z")
