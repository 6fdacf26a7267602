"""Writes over watchlists, the validation of every watchlist input, and the demo seed.

Every problem a caller can fix is a `DomainError` with a message meant to be shown as it is:
400 for a bad value, 409 for a duplicate name, 404 for a ticker not on the list, and 422 for
an opportunity filter outside its declared bounds (the earlier API's statuses).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis.models import Analysis
from analysis.tickers import InvalidTicker, normalise_ticker
from core.domain_errors import DomainError
from watchlists import selectors
from watchlists.models import Watchlist, WatchlistTicker
from watchlists.ranking import DEFAULT_SORT, SORT_KEYS

NAME_MAX_LENGTH = 50
DEMO_WATCHLIST_NAME = "Large caps"
DEMO_TICKERS = ("AAPL", "MSFT", "NVDA", "JPM", "XOM", "JNJ")

OPPORTUNITY_LIMIT_DEFAULT = 20
OPPORTUNITY_LIMIT_MAX = 100


# ---------------------------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------------------------


def _body(data: object, example: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise DomainError(f"Send a JSON object like {example}.")
    return data


def clean_name(raw: object) -> str:
    """A watchlist name: stripped, 1..50 characters, no control characters."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise DomainError("A watchlist name is required.")
    if not isinstance(raw, str):
        raise DomainError("A watchlist name must be text.")
    name = raw.strip()
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"A watchlist name has at most {NAME_MAX_LENGTH} characters ({len(name)} given).")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in name):
        raise DomainError("A watchlist name cannot contain control characters or line breaks.")
    return name


def _name_taken(name: str) -> DomainError:
    return DomainError(f"Watchlist '{name}' already exists", status_code=409)


def _refuse_taken_name(name: str, *, exclude_id: int | None = None) -> None:
    """Names are unique ignoring case: a 409 naming the existing watchlist."""
    taken = Watchlist.objects.filter(name__iexact=name)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    existing = taken.first()
    if existing is not None:
        raise _name_taken(existing.name)


# ---------------------------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------------------------


def create_watchlist(*, data: object) -> Watchlist:
    name = clean_name(_body(data, '{"name": "Large caps"}').get("name"))
    try:
        with transaction.atomic():
            _refuse_taken_name(name)
            return Watchlist.objects.create(name=name)
    except IntegrityError as exc:  # a concurrent create with the same name won the race
        raise _name_taken(name) from exc


def rename_watchlist(*, watchlist: Watchlist, data: object) -> Watchlist:
    name = clean_name(_body(data, '{"name": "Large caps"}').get("name"))
    try:
        with transaction.atomic():
            _refuse_taken_name(name, exclude_id=watchlist.pk)
            watchlist.name = name
            watchlist.save(update_fields=["name", "updated_at"])
    except IntegrityError as exc:
        raise _name_taken(name) from exc
    return watchlist


def delete_watchlist(*, watchlist: Watchlist) -> int:
    watchlist_id = watchlist.pk
    watchlist.delete()
    return watchlist_id


def _touch(watchlist: Watchlist) -> None:
    watchlist.updated_at = timezone.now()
    watchlist.save(update_fields=["updated_at"])


def _refuse_unknown_to_price_source(ticker: str) -> None:
    """A 400 naming the source for a ticker the online price source does not know (`public` only;
    the demo and csv providers keep accepting any well-formed symbol)."""
    from analysis.providers import get_provider

    check = getattr(get_provider(), "unknown_ticker_reason", None)
    reason = check(ticker) if callable(check) else None
    if reason:
        raise DomainError(reason)


def add_ticker(*, watchlist: Watchlist, data: object) -> tuple[str, bool]:
    """Add a ticker (normalised: `brk-b` → `BRK.B`): (the ticker, whether it was added).

    A ticker already on the list is left as it is (False), as the earlier API answered.
    """
    ticker = normalise_ticker(_body(data, '{"ticker": "AAPL"}').get("ticker"))
    if WatchlistTicker.objects.filter(watchlist=watchlist, ticker=ticker).exists():
        return ticker, False
    _refuse_unknown_to_price_source(ticker)
    try:
        with transaction.atomic():
            WatchlistTicker.objects.create(watchlist=watchlist, ticker=ticker)
            _touch(watchlist)
    except IntegrityError:  # a concurrent add of the same ticker won the race
        return ticker, False
    return ticker, True


def remove_ticker(*, watchlist: Watchlist, raw_ticker: str) -> str:
    """Remove a ticker; returns it. A ticker not on the watchlist is a `DomainError` with 404.

    A symbol stored by the earlier system that today's rules refuse can still be removed by
    its exact (upper-cased) spelling.
    """
    try:
        ticker = normalise_ticker(raw_ticker)
    except InvalidTicker:
        ticker = str(raw_ticker).strip().upper()
        if not WatchlistTicker.objects.filter(watchlist=watchlist, ticker=ticker).exists():
            raise
    with transaction.atomic():
        deleted, _ = WatchlistTicker.objects.filter(watchlist=watchlist, ticker=ticker).delete()
        if not deleted:
            raise DomainError(f"Ticker {ticker} not in watchlist {watchlist.pk}", status_code=404)
        _touch(watchlist)
    return ticker


# ---------------------------------------------------------------------------------------------
# Ranking
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpportunityFilters:
    limit: int = OPPORTUNITY_LIMIT_DEFAULT
    min_quality: float | None = None
    min_ev: float | None = None
    sort: str = DEFAULT_SORT


def _out_of_bounds(message: str) -> DomainError:
    """A filter outside its declared bounds: 422, as the earlier API answered."""
    return DomainError(message, status_code=422)


def _float_param(
    name: str, raw: str | None, *, low: float | None = None, high: float | None = None
) -> float | None:
    if raw is None or not raw.strip():
        return None
    bounds = f" from {low:g} to {high:g}" if low is not None and high is not None else ""
    message = f"{name} must be a number{bounds}, not '{raw.strip()[:20]}'."
    try:
        value = float(raw)
    except ValueError as exc:
        raise _out_of_bounds(message) from exc
    if not math.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
        raise _out_of_bounds(message)
    return value


def parse_opportunity_filters(params: Mapping[str, str]) -> OpportunityFilters:
    """`limit` (1..100, default 20), `min_quality` (0..100 points), `min_ev` (any number),
    `sort` (`ev`, the default, or `expected_net_return`; anything else is a 400)."""
    raw_limit = params.get("limit")
    limit = OPPORTUNITY_LIMIT_DEFAULT
    if raw_limit is not None and raw_limit.strip():
        text = raw_limit.strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= OPPORTUNITY_LIMIT_MAX:
            raise _out_of_bounds(
                f"limit must be a whole number from 1 to {OPPORTUNITY_LIMIT_MAX}, not '{text[:20]}'."
            )
        limit = int(text)
    sort = (params.get("sort") or "").strip() or DEFAULT_SORT
    if sort not in SORT_KEYS:
        raise DomainError(f"sort must be one of {', '.join(SORT_KEYS)}, not '{sort[:30]}'.")
    return OpportunityFilters(
        sort=sort,
        limit=limit,
        min_quality=_float_param("min_quality", params.get("min_quality"), low=0.0, high=100.0),
        min_ev=_float_param("min_ev", params.get("min_ev")),
    )


def opportunities_report(*, watchlist: Watchlist, params: Mapping[str, str]) -> dict[str, Any]:
    """The body of `GET /api/watchlists/{id}/opportunities` for these query parameters.

    Ranks each ticker's latest stored analysis that carries a signal contract (nothing is
    re-run); a filter outside its bounds is a DomainError (422).
    """
    filters = parse_opportunity_filters(params)
    ranked, missing, unranked = selectors.ranked_opportunities(
        watchlist,
        limit=filters.limit,
        min_quality=filters.min_quality,
        min_ev=filters.min_ev,
        sort=filters.sort,
    )
    return {
        "watchlist_id": watchlist.pk,
        "opportunities": ranked,
        "total_count": len(ranked),
        "count": len(ranked),
        "generated_at": timezone.now().isoformat(),
        "missing": missing,
        "unranked": unranked,
    }


# ---------------------------------------------------------------------------------------------
# Demo seed
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    created: bool
    reason: str
    watchlist: Watchlist | None = None


@transaction.atomic
def seed_demo_watchlist() -> SeedResult:
    """Create "Large caps" (AAPL, MSFT, NVDA, JPM, XOM, JNJ) on a fresh desk only.

    Nothing is created once any watchlist exists, nor on a database that already holds
    analyses (an adopted or used desk whose watchlists were deliberately removed).
    """
    if Watchlist.objects.exists():
        return SeedResult(created=False, reason="watchlists already exist")
    if Analysis.objects.exists():
        return SeedResult(created=False, reason="the database already holds analyses")
    watchlist = Watchlist.objects.create(name=DEMO_WATCHLIST_NAME)
    WatchlistTicker.objects.bulk_create(
        WatchlistTicker(watchlist=watchlist, ticker=ticker) for ticker in DEMO_TICKERS
    )
    return SeedResult(created=True, reason="fresh database", watchlist=watchlist)
