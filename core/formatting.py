"""How the pages write times, money, percentages and confidence: plain functions, no Django.

Every page shows times in New York (the market's clock) with the zone named, because a PM reads
them against the session; money with thousands separators and its symbol; percentages with
their unit. A missing value is an em dash, never "None" or an empty cell.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.numeric import finite_number

NEW_YORK = ZoneInfo("America/New_York")
MISSING = "—"


def _datetime(value: object) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            # A bare date stays a date: read as a datetime it would be midnight UTC, the evening
            # before in New York.
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def ny_time(value: object) -> str:
    """A moment as New York wall time to the minute with its zone: "2026-12-02 09:31 EST".

    Accepts an aware datetime or an ISO 8601 string; a naive one is read as UTC (what Django
    stores with USE_TZ). A plain date has no time of day to convert and is written as it is.
    """
    moment = _datetime(value)
    if moment is None:
        return MISSING if value in (None, "") else str(value)
    if not isinstance(moment, dt.datetime):
        return moment.isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M %Z")


def usd(value: object, places: int = 2) -> str:
    """Dollars with thousands separators: "$1,234.56"; a negative amount "-$1,234.56"."""
    number = finite_number(value, text=True)
    if number is None:
        return MISSING
    text = f"${abs(number):,.{int(places)}f}"
    return f"-{text}" if number < 0 and text.strip("$0.,") else text


def pct(value: object, places: int = 2) -> str:
    """A value already in percent, with its unit: "12.30 %"."""
    number = finite_number(value, text=True)
    if number is None:
        return MISSING
    return f"{number:,.{int(places)}f} %"


def signed_pct(value: object, places: int = 2) -> str:
    """A change or an expected value in percent with its sign: "+4.86 %", "-1.20 %", "0.00 %"."""
    number = finite_number(value, text=True)
    if number is None:
        return MISSING
    text = f"{abs(number):,.{int(places)}f}"
    if text.strip("0.,") == "":
        return f"{text} %"
    return f"{'+' if number > 0 else '-'}{text} %"


def grouped(value: object, places: int = 0) -> str:
    """A plain count or amount with thousands separators: "1,234"."""
    number = finite_number(value, text=True)
    if number is None:
        return MISSING
    return f"{number:,.{int(places)}f}"


def confidence_label(confidence: object) -> str:
    """The contract's confidence as a PM should read it.

    A calibrated figure is only called calibrated when outcomes stand behind it: with no sample
    the number is the raw confidence and the label says so ("raw 0.46; not yet calibrated").
    """
    if not isinstance(confidence, dict):
        return MISSING
    raw = finite_number(confidence.get("raw"), text=True)
    calibrated = finite_number(confidence.get("calibrated"), text=True)
    sample = finite_number(confidence.get("sample_size"), text=True)
    if calibrated is None or not sample:
        return MISSING if raw is None else f"raw {raw:.2f}; not yet calibrated"
    band = finite_number(confidence.get("uncertainty_band_pct"), text=True)
    text = f"{calibrated:.2f} calibrated"
    if band is not None:
        text += f" ± {band:.0f} pts"
    text += f" (n={int(sample):,}"
    if raw is not None:
        text += f"; raw {raw:.2f}"
    return text + ")"
