"""Creating, changing and deleting schedules: the one place their input is validated.

The JSON API and the schedules page both call these functions, so a schedule
made from either obeys the same rules: a canonical ticker, 30..10080 minutes,
known agents stored in canonical order (null for all), one schedule per ticker (409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status

from analysis.agents import AGENT_NAMES, resolve_agents
from analysis.tickers import InvalidTicker, normalise_ticker
from calibration.models import Schedule
from pmresearch.errors import DomainError

MIN_INTERVAL_MINUTES = 30
MAX_INTERVAL_MINUTES = 10080
INTERVAL_MESSAGE = (
    f"interval_minutes must be a whole number of minutes from {MIN_INTERVAL_MINUTES} "
    f"to {MAX_INTERVAL_MINUTES} (one week)."
)
ENABLED_MESSAGE = "enabled must be true or false."


@extend_schema_field(OpenApiTypes.STR)
class TickerField(serializers.Field):
    """A US equity symbol, canonicalised (`brk-b` → `BRK.B`)."""

    default_error_messages = {
        "required": "ticker is required, e.g. AAPL or BRK.B.",
        "null": "ticker is required, e.g. AAPL or BRK.B.",
    }

    def to_internal_value(self, data: Any) -> str:
        try:
            return normalise_ticker(data)
        except InvalidTicker as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value: str) -> str:
        return value


@extend_schema_field({"type": "string", "nullable": True})
class AgentsField(serializers.Field):
    """Comma-separated agent names (a list is accepted too); null or empty means all agents."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str | None:
        if isinstance(data, str):
            names = data.split(",")
        elif isinstance(data, list) and all(isinstance(name, str) for name in data):
            names = data
        else:
            raise serializers.ValidationError(
                "agents must be a comma-separated string of agent names, or null for all agents."
            )
        if not any(name.strip() for name in names):
            return None
        try:
            agents = resolve_agents(names)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return None if agents == AGENT_NAMES else ",".join(agents)

    def to_representation(self, value: str | None) -> str | None:
        return value


class ScheduleInputSerializer(serializers.Serializer):
    """Body of POST, PUT and PATCH /api/schedules; on an update every field is optional."""

    ticker = TickerField(help_text="US equity symbol, e.g. AAPL or BRK.B.")
    interval_minutes = serializers.IntegerField(
        min_value=MIN_INTERVAL_MINUTES,
        max_value=MAX_INTERVAL_MINUTES,
        help_text=f"Minutes between runs, {MIN_INTERVAL_MINUTES}..{MAX_INTERVAL_MINUTES}.",
        error_messages={
            "invalid": INTERVAL_MESSAGE,
            "min_value": INTERVAL_MESSAGE,
            "max_value": INTERVAL_MESSAGE,
            "max_string_length": INTERVAL_MESSAGE,
            "required": "interval_minutes is required.",
            "null": INTERVAL_MESSAGE,
        },
    )
    agents = AgentsField(
        required=False,
        help_text="Comma-separated subset of " + ", ".join(AGENT_NAMES) + "; null or omitted for all.",
    )
    enabled = serializers.BooleanField(
        required=False,
        error_messages={"invalid": ENABLED_MESSAGE, "null": ENABLED_MESSAGE},
    )


def _detail(errors: Any) -> str:
    """The field errors as one readable sentence list (messages already name their field)."""
    if isinstance(errors, Mapping):
        return " ".join(_detail(value) for value in errors.values())
    if isinstance(errors, list):
        return " ".join(_detail(item) for item in errors)
    return str(errors)


#: Fields whose content the handler checks (400); every other field error is a declared
#: bound or type (422), as the earlier API split them. A missing required field is a 422 too.
HANDLER_CHECKED_FIELDS = frozenset({"ticker", "agents"})
NO_FIELDS_MESSAGE = "No fields to update"


def _error_status(errors: Mapping[str, Any]) -> int:
    for name, messages in errors.items():
        if name not in HANDLER_CHECKED_FIELDS:
            return status.HTTP_422_UNPROCESSABLE_ENTITY
        if any(getattr(message, "code", None) == "required" for message in messages):
            return status.HTTP_422_UNPROCESSABLE_ENTITY
    return status.HTTP_400_BAD_REQUEST


def duplicate_message(ticker: str) -> str:
    return f"A schedule for {ticker} already exists."


def clean_schedule_input(
    data: Any, *, instance: Schedule | None = None, partial: bool = False
) -> dict[str, Any]:
    """Validated, canonical fields of a schedule, or DomainError with a message safe to show.

    The status follows the earlier API: 400 for a bad ticker or agent list and for an empty
    update, 422 for a value outside a declared bound (interval, enabled) or a missing field,
    409 for a second schedule of a ticker.
    """
    if not isinstance(data, Mapping):
        raise DomainError("The body must be a JSON object with ticker, interval_minutes, agents, enabled.")
    if partial and not data:
        raise DomainError(NO_FIELDS_MESSAGE)
    serializer = ScheduleInputSerializer(data=data, partial=partial)
    if not serializer.is_valid():
        raise DomainError(_detail(serializer.errors), status_code=_error_status(serializer.errors))
    values = dict(serializer.validated_data)
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
