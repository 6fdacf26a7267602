"""Cleaning and validating the portfolio's input: profile fields and holding fields.

The JSON API and the portfolio page both reach these through `portfolio.services`, so a profile
or a holding changed from either obeys the same rules, and every refusal is a `DomainError` (a
400 with a message naming the field). Ranges follow the earlier system's request bodies: limits
are fractions (0.10 = 10 %), betas 0..5, costs 0..500 basis points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from analysis.tickers import InvalidTicker, normalise_ticker
from pmresearch.errors import DomainError

FRACTION_FIELDS = ("max_position_pct", "max_sector_pct", "risk_budget_pct", "max_turnover_pct")
PROFILE_FIELDS = (
    "name",
    "base_currency",
    *FRACTION_FIELDS,
    "target_portfolio_beta",
    "default_transaction_cost_bps",
)
HOLDING_FIELDS = ("ticker", "shares", "avg_cost", "market_value", "sector", "beta")
MAX_BETA = 5.0
MAX_COST_BPS = 500.0
SECTOR_MAX_CHARS = 64
NAME_MAX_CHARS = 100
# Far above any real book, low enough that sums and products of them stay finite.
MAX_SHARES = 1e12
MAX_AMOUNT_USD = 1e14


# --- parsing ---------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _number(name: str, value: Any) -> float:
    """A finite float from a JSON number or a form's text, else DomainError naming the field."""
    if isinstance(value, bool) or value is None:
        raise DomainError(f"{name} must be a number; got {_shown(value)}.")
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise DomainError(f"{name} must be a number; got {_shown(value)}.") from None
    elif isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise DomainError(f"{name} must be a finite number; got {_shown(value)}.") from None
    else:
        raise DomainError(f"{name} must be a number; got {_shown(value)}.")
    if not math.isfinite(number):
        raise DomainError(f"{name} must be a finite number; got {_shown(value)}.")
    return number


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_known(fields: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(str(name) for name in fields if name not in allowed)
    if unknown:
        raise DomainError(
            f"Unknown {what} field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Allowed: {', '.join(allowed)}."
        )


# --- the profile -----------------------------------------------------------------------------


def clean_profile_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validated profile values (any subset of PROFILE_FIELDS), or DomainError."""
    _check_known(fields, PROFILE_FIELDS, "profile")
    if not fields:
        raise DomainError(f"Nothing to update: send one or more of {', '.join(PROFILE_FIELDS)}.")
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        if name == "name":
            if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > NAME_MAX_CHARS:
                raise DomainError(f"name must be text of 1 to {NAME_MAX_CHARS} characters.")
            values[name] = raw.strip()
        elif name == "base_currency":
            code = raw.strip().upper() if isinstance(raw, str) else ""
            if len(code) != 3 or not code.isascii() or not code.isalpha():
                raise DomainError(
                    f"base_currency must be a three-letter code such as USD; got {_shown(raw)}."
                )
            values[name] = code
        elif name in FRACTION_FIELDS:
            number = _number(name, raw)
            if not 0.0 < number <= 1.0:
                raise DomainError(
                    f"{name} must be a fraction above 0 and at most 1 (0.10 means 10 %); got {_shown(raw)}."
                )
            values[name] = number
        elif name == "target_portfolio_beta":
            number = _number(name, raw)
            if not 0.0 <= number <= MAX_BETA:
                raise DomainError(f"target_portfolio_beta must be from 0 to {MAX_BETA:g}; got {_shown(raw)}.")
            values[name] = number
        else:  # default_transaction_cost_bps
            number = _number(name, raw)
            if not 0.0 <= number <= MAX_COST_BPS:
                raise DomainError(
                    f"default_transaction_cost_bps must be from 0 to {MAX_COST_BPS:g} basis points; "
                    f"got {_shown(raw)}."
                )
            values[name] = number
    return values


# --- holdings --------------------------------------------------------------------------------


def clean_holding_fields(fields: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validated holding values; blank optional fields become None ("fill it in for me")."""
    _check_known(fields, HOLDING_FIELDS, "holding")
    if partial and not fields:
        raise DomainError(f"Nothing to update: send one or more of {', '.join(HOLDING_FIELDS)}.")
    values: dict[str, Any] = {}
    if "ticker" in fields or not partial:
        try:
            values["ticker"] = normalise_ticker(fields.get("ticker"))
        except InvalidTicker as exc:
            raise DomainError(str(exc)) from exc
    if "shares" in fields or not partial:
        if _blank(fields.get("shares")):
            raise DomainError("shares is required: the number of shares held, above 0.")
        shares = _number("shares", fields["shares"])
        if shares <= 0:
            raise DomainError(f"shares must be above 0; got {_shown(fields['shares'])}.")
        if shares > MAX_SHARES:
            raise DomainError(f"shares must be at most {MAX_SHARES:,.0f}; got {_shown(fields['shares'])}.")
        values["shares"] = shares
    if "avg_cost" in fields:
        raw = fields["avg_cost"]
        values["avg_cost"] = None if _blank(raw) else _number("avg_cost", raw)
        if values["avg_cost"] is not None and values["avg_cost"] <= 0:
            raise DomainError(f"avg_cost must be above 0 when given; got {_shown(raw)}.")
    if "market_value" in fields:
        raw = fields["market_value"]
        values["market_value"] = None if _blank(raw) else _number("market_value", raw)
        if values["market_value"] is not None and values["market_value"] < 0:
            raise DomainError(f"market_value must be 0 or more when given; got {_shown(raw)}.")
    for name in ("avg_cost", "market_value"):
        if values.get(name) is not None and values[name] > MAX_AMOUNT_USD:
            raise DomainError(f"{name} must be at most {MAX_AMOUNT_USD:,.0f}; got {_shown(fields[name])}.")
    if "sector" in fields:
        raw = fields["sector"]
        if not _blank(raw) and not isinstance(raw, str):
            raise DomainError(f"sector must be text; got {_shown(raw)}.")
        sector = None if _blank(raw) else raw.strip()
        if sector is not None and len(sector) > SECTOR_MAX_CHARS:
            raise DomainError(f"sector must be at most {SECTOR_MAX_CHARS} characters.")
        values["sector"] = sector
    if "beta" in fields:
        raw = fields["beta"]
        values["beta"] = None if _blank(raw) else _number("beta", raw)
        if values["beta"] is not None and not 0.0 <= values["beta"] <= MAX_BETA:
            raise DomainError(f"beta must be from 0 to {MAX_BETA:g} when given; got {_shown(raw)}.")
    return values
