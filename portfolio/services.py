"""Changing the desk's portfolio: the profile and its holdings.

The JSON API and the portfolio page both call these functions, so a profile or a holding
changed from either obeys the same rules (`portfolio.validation`), and every refusal is a
`DomainError` with a message naming the field (400 or 422, see there; 404 for an unknown
holding, 409 for a second holding of a ticker).

Values a PM leaves out are filled in and their origin recorded on the holding:
- `market_value`: entered (`given`); else shares × the provider's latest close
  (`provider_close`, with that close and its session date); else shares × avg_cost
  (`avg_cost`) when the provider has no price; else a 400.
- `sector`, `beta`: entered (`given`); else the provider's fundamentals (`provider`) when it
  has them; else left empty.

Sizing a ticker (`build_optimizer_inputs`, `optimize_ticker`) lives in `portfolio.sizing` and is
re-exported here for the callers that import it from this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.domain_errors import DomainError
from portfolio.market_lookup import latest_close, provider_fundamentals, provider_name
from portfolio.models import FieldSource, MarketValueSource, PortfolioHolding, PortfolioProfile
from portfolio.sizing import build_optimizer_inputs, optimize_ticker
from portfolio.validation import (
    FRACTION_FIELDS,
    HOLDING_FIELDS,
    PROFILE_FIELDS,
    clean_holding_fields,
    clean_profile_fields,
)

__all__ = [
    "FRACTION_FIELDS",
    "HOLDING_FIELDS",
    "PROFILE_FIELDS",
    "build_optimizer_inputs",
    "clean_holding_fields",
    "clean_profile_fields",
    "create_holding",
    "delete_holding",
    "get_holding",
    "latest_close",
    "optimize_ticker",
    "provider_fundamentals",
    "update_holding",
    "update_profile",
]


# --- the profile -----------------------------------------------------------------------------


def update_profile(**fields: Any) -> PortfolioProfile:
    """Change the given profile fields (a partial update); the others keep their value."""
    values = clean_profile_fields(fields)
    with transaction.atomic():
        profile, _ = PortfolioProfile.objects.select_for_update().get_or_create(id=1)
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save()
    return profile


# --- holdings --------------------------------------------------------------------------------


def _duplicate(ticker: str) -> DomainError:
    """A second holding of a ticker: 409, in the earlier API's words."""
    return DomainError(f"Holding for {ticker} already exists", status_code=409)


def _duplicate_on_update(ticker: str) -> DomainError:
    return DomainError(
        f"Ticker already exists in holdings: {ticker} is held; edit that holding.", status_code=409
    )


def _value_holding(holding: PortfolioHolding, *, given: float | None, now: dt.datetime) -> None:
    """Set market_value and its source: given, else shares × latest close, else × avg_cost."""
    holding.market_value_price = None
    holding.market_value_price_date = None
    holding.market_value_price_is_demo = None
    if given is not None:
        holding.market_value = given
        holding.market_value_source = MarketValueSource.GIVEN
        return
    close = latest_close(holding.ticker, now=now)
    if close is not None:
        holding.market_value = round(holding.shares * close.price, 2)
        holding.market_value_source = MarketValueSource.PROVIDER_CLOSE
        holding.market_value_price = close.price
        holding.market_value_price_date = close.session
        holding.market_value_price_is_demo = close.is_demo
        return
    if holding.avg_cost is not None:
        holding.market_value = round(holding.shares * holding.avg_cost, 2)
        holding.market_value_source = MarketValueSource.AVG_COST
        holding.market_value_price = holding.avg_cost
        return
    raise DomainError(
        f"No price for {holding.ticker} from the {provider_name()} market data provider and no "
        "avg_cost: give market_value, or avg_cost to value the holding at cost."
    )


def _fill_sector_and_beta(holding: PortfolioHolding, values: Mapping[str, Any], *, now: dt.datetime) -> None:
    """Entered sector / beta win; a field left out on create, or cleared, comes from the provider."""
    wants_sector = "sector" in values or holding.pk is None
    wants_beta = "beta" in values or holding.pk is None
    if wants_sector and values.get("sector") is not None:
        holding.sector, holding.sector_source = values["sector"], FieldSource.GIVEN
    if wants_beta and values.get("beta") is not None:
        holding.beta, holding.beta_source = values["beta"], FieldSource.GIVEN
    need_sector = wants_sector and values.get("sector") is None
    need_beta = wants_beta and values.get("beta") is None
    if not (need_sector or need_beta):
        return
    sector, beta = provider_fundamentals(holding.ticker, now=now)
    if need_sector:
        holding.sector = sector
        holding.sector_source = FieldSource.PROVIDER if sector is not None else None
    if need_beta:
        holding.beta = beta
        holding.beta_source = FieldSource.PROVIDER if beta is not None else None


def create_holding(**fields: Any) -> PortfolioHolding:
    """A new holding; omitted market value, sector and beta are filled in (see the module doc)."""
    values = clean_holding_fields(fields, partial=False)
    ticker = values["ticker"]
    if PortfolioHolding.objects.filter(ticker=ticker).exists():
        raise _duplicate(ticker)
    now = timezone.now()
    holding = PortfolioHolding(ticker=ticker, shares=values["shares"], avg_cost=values.get("avg_cost"))
    _value_holding(holding, given=values.get("market_value"), now=now)
    _fill_sector_and_beta(holding, values, now=now)
    try:
        with transaction.atomic():
            holding.save()
    except IntegrityError as exc:  # a concurrent create of the same ticker won
        raise _duplicate(ticker) from exc
    return holding


def get_holding(holding_id: int) -> PortfolioHolding:
    holding = PortfolioHolding.objects.filter(pk=holding_id).first()
    if holding is None:
        raise DomainError(f"Holding {holding_id} not found", status_code=404)
    return holding


def update_holding(holding_id: int, **fields: Any) -> PortfolioHolding:
    """Change the given fields. When shares, avg_cost or the ticker change and no market_value
    is sent, the market value is computed again; a cleared sector or beta comes from the provider.
    """
    holding = get_holding(holding_id)
    values = clean_holding_fields(fields, partial=True)
    ticker = values.get("ticker", holding.ticker)
    if ticker != holding.ticker and PortfolioHolding.objects.filter(ticker=ticker).exists():
        raise _duplicate_on_update(ticker)
    revalue = "market_value" in values or any(
        name in values and values[name] != getattr(holding, name) for name in ("ticker", "shares", "avg_cost")
    )
    holding.shares = values.get("shares", holding.shares)
    if "avg_cost" in values:
        holding.avg_cost = values["avg_cost"]
    if ticker != holding.ticker:
        # A new symbol: sector and beta that came from the provider belong to the old one.
        for name, source in (("sector", holding.sector_source), ("beta", holding.beta_source)):
            if name not in values and source != FieldSource.GIVEN:
                values[name] = None
    holding.ticker = ticker
    now = timezone.now()
    if revalue:
        _value_holding(holding, given=values.get("market_value"), now=now)
    _fill_sector_and_beta(holding, values, now=now)
    try:
        with transaction.atomic():
            holding.save()
    except IntegrityError as exc:
        raise _duplicate_on_update(ticker) from exc
    return holding


def delete_holding(holding_id: int) -> int:
    """Delete a holding; returns its id."""
    holding = get_holding(holding_id)
    holding.delete()
    return holding_id
