"""Writes over analyses, and what a caller asks an analysis for (ticker, agents, as_of).

Running one end to end, across the apps, is `orchestration.analysis.run_analysis`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analysis.agents import SWITCHABLE, resolve_agents
from analysis.market_data import session_close
from analysis.models import Analysis
from analysis.tickers import normalise_ticker
from core.domain_errors import DomainError


@transaction.atomic
def delete_analysis(*, analysis_id: int) -> int:
    """Delete one analysis with its agent results, factors, outcomes and notifications.

    Raises Analysis.DoesNotExist when there is no such analysis.
    """
    analysis = Analysis.objects.select_for_update().get(pk=analysis_id)
    analysis.delete()
    return analysis_id


@dataclass(frozen=True)
class AnalysisRequest:
    ticker: str
    agents: tuple[str, ...]
    as_of: dt.datetime


def parse_analysis_request(
    *, ticker: object, agents: str | list[str] | None = None, as_of: str | dt.date | dt.datetime | None = None
) -> AnalysisRequest:
    """Validate what a caller asked for; every problem is a DomainError (400) with a clear message:
    InvalidTicker, InvalidAgents (in the earlier system's words), or a bad `as_of`."""
    symbol = normalise_ticker(ticker)
    names = agents.split(",") if isinstance(agents, str) else agents
    cleaned = [name for name in names or [] if isinstance(name, str)]
    resolved = resolve_agents(cleaned, disabled=disabled_agents())
    return AnalysisRequest(ticker=symbol, agents=resolved, as_of=parse_as_of(as_of))


def disabled_agents() -> frozenset[str]:
    """The agents an operator switched off (MACRO_AGENT_ENABLED / OPTIONS_AGENT_ENABLED false)."""
    return frozenset(name for name, setting in SWITCHABLE.items() if not getattr(settings, setting, True))


def parse_as_of(value: str | dt.date | dt.datetime | None) -> dt.datetime:
    """`None` → now; a date → the end of that day in New York (after its close); never the future."""
    now = timezone.now()
    if value is None or value == "":
        return now
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError as exc:
            raise DomainError(f"as_of must be a date as YYYY-MM-DD, not '{value[:20]}'.") from exc
    if isinstance(value, dt.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    else:
        moment = session_close(value) + dt.timedelta(hours=7, minutes=59)
        if value == timezone.localdate(now, timezone=session_close(value).tzinfo):
            moment = min(moment, now)
    if moment > now:
        raise DomainError("as_of cannot be in the future.")
    return moment
