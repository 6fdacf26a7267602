"""Which analyses of the window the backfill scans, and which of them it rebuilds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from analysis import contract as signal_contract
from analysis.models import Analysis


def window_since(days: int, *, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=days)


def in_window(since: dt.datetime) -> Q:
    """Analyses made, or looking at the market, on or after ``since``."""
    return Q(timestamp__gte=since) | Q(as_of__gte=since)


def eligibility(schema_version: str | None, contract: Any) -> str | None:
    """Why a row needs the backfill (``"contract missing"``, ``"schema v1"``, ``"contract
    invalid: …"``), or None when it already carries a valid v2 contract.
    """
    if contract is None:
        return "contract missing"
    if schema_version != "v2":
        return "schema v1"
    problems = signal_contract.validate_signal_contract_v2(contract)
    if problems:
        return f"contract invalid: {problems[0]}"
    return None


def select_eligible(since: dt.datetime, *, until_id: int | None = None) -> list[int]:
    """Ids (ascending) of the window's analyses that the backfill would rebuild."""
    rows = Analysis.objects.filter(in_window(since))
    if until_id is not None:
        rows = rows.filter(id__lte=until_id)
    values = rows.order_by("id").values_list("id", "analysis_schema_version", "signal_contract_v2")
    return [pk for pk, version, contract in values.iterator() if eligibility(version, contract) is not None]
