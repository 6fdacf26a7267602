"""Creating, changing and deleting schedules: the one place their input is checked.

The JSON API and the schedules page both call these functions, so a schedule made from either
obeys the same rules: a canonical ticker, 30..10080 minutes, known agents stored in canonical
order (null for all), one schedule per ticker (409).

Every refusal is a `DomainError` whose status follows the earlier API: 400 for a bad ticker or
agent list and for an empty update, 422 for a value outside a declared bound (interval,
enabled) or a missing field, 409 for a second schedule of a ticker.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status

from analysis.agents import AGENT_NAMES, resolve_agents
from analysis.tickers import InvalidTicker, normalise_ticker
from calibration.models import Schedule
from core.domain_errors import DomainError

MIN_INTERVAL_MINUTES = 30
MAX_INTERVAL_MINUTES = 10080
INTERVAL_MESSAGE = (
    f"interval_minutes must be a whole number of minutes from {MIN_INTERVAL_MINUTES} "
    f"to {MAX_INTERVAL_MINUTES} (one week)."
)
INTERVAL_REQUIRED_MESSAGE = "interval_minutes is required."
TICKER_REQUIRED_MESSAGE = "ticker is required, e.g. AAPL or BRK.B."
AGENTS_MESSAGE = "agents must be a comma-separated string of agent names, or null for all agents."
ENABLED_MESSAGE = "enabled must be true or false."
NO_FIELDS_MESSAGE = "No fields to update"
# The spellings of a boolean a JSON body may carry, as the earlier API took them; True is 1 and
# False is 0 in a set, so 1, 1.0 and 0, 0.0 count too.
TRUE_VALUES = frozenset({"t", "y", "yes", "true", "on", "1", True})
FALSE_VALUES = frozenset({"f", "n", "no", "false", "off", "0", False})
# "60.0" and "60." are the whole number 60, "60.5" is not.
_WHOLE_DECIMALS = re.compile(r"\.0*\s*$")


def duplicate_message(ticker: str) -> str:
    return f"A schedule for {ticker} already exists."


@dataclass(frozen=True)
class _Refusal(Exception):
    """One field's problem: its message, and whether it breaks a declared bound (a 422)."""

    message: str
    declared: bool


def _ticker(value: Any) -> str:
    if value is None:
        raise _Refusal(TICKER_REQUIRED_MESSAGE, declared=False)
    try:
        return normalise_ticker(value)
    except InvalidTicker as exc:
        raise _Refusal(str(exc), declared=False) from exc


def _interval(value: Any) -> int:
    """A whole number of minutes within the bounds: 60, 60.0 or "60"."""
    if isinstance(value, str):
        text = _WHOLE_DECIMALS.sub("", value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = value if isinstance(value, int) and not isinstance(value, bool) else ""
    try:
        minutes = int(text)
    except (TypeError, ValueError):
        raise _Refusal(INTERVAL_MESSAGE, declared=True) from None
    if not MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES:
        raise _Refusal(INTERVAL_MESSAGE, declared=True)
    return minutes


def _agents(value: Any) -> str | None:
    """Comma-separated agent names (a list is accepted too); null, empty or all of them → None."""
    if value is None:
        return None
    if isinstance(value, str):
        names = value.split(",")
    elif isinstance(value, list) and all(isinstance(name, str) for name in value):
        names = value
    else:
        raise _Refusal(AGENTS_MESSAGE, declared=False)
    if not any(name.strip() for name in names):
        return None
    try:
        agents = resolve_agents(names)
    except ValueError as exc:
        raise _Refusal(str(exc), declared=False) from exc
    return None if agents == AGENT_NAMES else ",".join(agents)


def _enabled(value: Any) -> bool:
    spelled = value.lower() if isinstance(value, str) else value
    try:
        if spelled in TRUE_VALUES:
            return True
        if spelled in FALSE_VALUES:
            return False
    except TypeError:  # a list or an object: not a boolean
        pass
    raise _Refusal(ENABLED_MESSAGE, declared=True)


# In the order their messages are reported; each with the message when it is missing (None when
# it may be left out).
_FIELDS: tuple[tuple[str, Callable[[Any], Any], str | None], ...] = (
    ("ticker", _ticker, TICKER_REQUIRED_MESSAGE),
    ("interval_minutes", _interval, INTERVAL_REQUIRED_MESSAGE),
    ("agents", _agents, None),
    ("enabled", _enabled, None),
)


def clean_schedule_input(
    data: Any, *, instance: Schedule | None = None, partial: bool = False
) -> dict[str, Any]:
    """Validated, canonical fields of a schedule (on an update, only those given), or DomainError.

    Every field's problem is reported, in one message; the status is a 422 when any of them
    breaks a declared bound or is missing, else a 400.
    """
    if not isinstance(data, Mapping):
        raise DomainError("The body must be a JSON object with ticker, interval_minutes, agents, enabled.")
    if partial and not data:
        raise DomainError(NO_FIELDS_MESSAGE)
    values: dict[str, Any] = {}
    refusals: list[_Refusal] = []
    for name, clean, required_message in _FIELDS:
        if name not in data:
            if required_message is not None and not partial:
                refusals.append(_Refusal(required_message, declared=True))
            continue
        try:
            values[name] = clean(data[name])
        except _Refusal as refusal:
            refusals.append(refusal)
    if refusals:
        declared = any(refusal.declared for refusal in refusals)
        raise DomainError(
            " ".join(refusal.message for refusal in refusals),
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY if declared else status.HTTP_400_BAD_REQUEST,
        )
    ticker = values.get("ticker")
    if ticker is not None:
        others = Schedule.objects.filter(ticker=ticker)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.exists():
            raise DomainError(duplicate_message(ticker), status_code=status.HTTP_409_CONFLICT)
    return values


def create_schedule(*, data: Any, now: dt.datetime | None = None) -> Schedule:
    """A new schedule, due at once (`next_run_at = now`)."""
    values = clean_schedule_input(data)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return Schedule.objects.create(
                ticker=values["ticker"],
                interval_minutes=values["interval_minutes"],
                agents=values.get("agents"),
                enabled=values.get("enabled", True),
                next_run_at=now,
            )
    except IntegrityError as exc:  # a concurrent create for the same ticker won
        raise DomainError(duplicate_message(values["ticker"]), status_code=status.HTTP_409_CONFLICT) from exc


def update_schedule(*, schedule: Schedule, data: Any, now: dt.datetime | None = None) -> Schedule:
    """Change the given fields; fields left out keep their value."""
    values = clean_schedule_input(data, instance=schedule, partial=True)
    now = now or timezone.now()
    new_interval = values.get("interval_minutes", schedule.interval_minutes)
    if new_interval != schedule.interval_minutes and schedule.last_run_at is not None:
        # The next run follows the new interval from the last one (due at once if that is past).
        schedule.next_run_at = schedule.last_run_at + dt.timedelta(minutes=new_interval)
    if values.get("enabled") and not schedule.enabled and schedule.next_run_at is None:
        schedule.next_run_at = now
    for name, value in values.items():
        setattr(schedule, name, value)
    try:
        with transaction.atomic():
            schedule.save()
    except IntegrityError as exc:
        raise DomainError(duplicate_message(schedule.ticker), status_code=status.HTTP_409_CONFLICT) from exc
    return schedule


def set_schedule_enabled(*, schedule: Schedule, enabled: bool) -> Schedule:
    return update_schedule(schedule=schedule, data={"enabled": enabled})


def delete_schedule(*, schedule: Schedule) -> int:
    """Delete a schedule with its runs; returns its id."""
    schedule_id = schedule.pk
    schedule.delete()
    return schedule_id
