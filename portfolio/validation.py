"""Cleaning and validating the portfolio's input: profile fields and holding fields.

The JSON API and the portfolio page both reach these through `portfolio.services`, so a profile
or a holding changed from either obeys the same rules, and every refusal is a `DomainError` with
a message naming the field. Its status keeps the earlier API's split: a value outside a bound
the earlier request bodies declared (a body ticker of more than 5 characters that is not a share
class, `shares`/`avg_cost`/`market_value` below 0, profile fractions outside 0..1, target beta
outside 0..5, costs outside 0..500 bps, a missing required field, a value of the wrong type) is a
422; this project's own, stricter checks (ticker format, a limit of exactly 0, betas 0..5, the
size caps) and an empty update ("No fields to update") are a 400.

Keys this API does not take are ignored, as the earlier API ignored them, so a client that
sends more than it must keeps working; a body with nothing but such keys is still refused ("No
fields to update", naming them, or the required field it lacks), so a misspelt field never
passes silently. A `null` profile field means "leave it as it is".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from analysis.tickers import InvalidTicker, normalise_ticker
from core.domain_errors import DomainError

FRACTION_FIELDS = ("max_position_pct", "max_sector_pct", "risk_budget_pct", "max_turnover_pct")
PROFILE_FIELDS = (
    "name",
    "base_currency",
    *FRACTION_FIELDS,
    "target_portfolio_beta",
    "default_transaction_cost_bps",
)
HOLDING_FIELDS = ("ticker", "shares", "avg_cost", "market_value", "sector", "beta")
# Read-only keys of the responses: a body that echoes them back is not refused for them.
PROFILE_READ_ONLY_FIELDS = ("id", "created_at", "updated_at")
HOLDING_READ_ONLY_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "market_value_source",
    "market_value_price",
    "market_value_price_date",
    "market_value_note",
    "sector_source",
    "beta_source",
    "position_pct",
    "sector_exposure_pct",
)
NO_FIELDS_TO_UPDATE = "No fields to update"
INVALID_TICKER_FORMAT = "Invalid ticker symbol format"
MAX_BETA = 5.0
MAX_COST_BPS = 500.0
SECTOR_MAX_CHARS = 64
# The earlier request bodies' bounds (declared, so a 422 beyond them).
BODY_TICKER_MAX_CHARS = 5
BODY_SECTOR_MAX_CHARS = 100
NAME_MAX_CHARS = 100
# Far above any real book, low enough that sums and products of them stay finite.
MAX_SHARES = 1e12
MAX_AMOUNT_USD = 1e14
UNPROCESSABLE = 422


def _invalid(message: str) -> DomainError:
    """A declared bound or type broken: 422, as the earlier API answered."""
    return DomainError(message, status_code=UNPROCESSABLE)


# --- parsing ---------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _number(name: str, value: Any) -> float:
    """A finite float from a JSON number or a form's text, else a 422 naming the field."""
    if isinstance(value, bool) or value is None:
        raise _invalid(f"{name} must be a number; got {_shown(value)}.")
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _invalid(f"{name} must be a number; got {_shown(value)}.") from None
    elif isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise _invalid(f"{name} must be a finite number; got {_shown(value)}.") from None
    else:
        raise _invalid(f"{name} must be a number; got {_shown(value)}.")
    if not math.isfinite(number):
        raise _invalid(f"{name} must be a finite number; got {_shown(value)}.")
    return number


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _known(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> dict:
    """The fields this API takes; the others (echoed read-only keys among them) are ignored."""
    return {name: value for name, value in fields.items() if name in allowed}


def _no_fields(given: Mapping[str, Any], allowed: tuple[str, ...], read_only: tuple[str, ...]) -> DomainError:
    """An empty update: 400 with the earlier API's words, then the keys it ignored, if any."""
    ignored = sorted(str(name) for name in given if name not in allowed and name not in read_only)
    if not ignored:
        return DomainError(NO_FIELDS_TO_UPDATE)
    return DomainError(
        f"{NO_FIELDS_TO_UPDATE}: {', '.join(ignored)} {'is' if len(ignored) == 1 else 'are'} not a field "
        f"here (fields: {', '.join(allowed)})."
    )


# --- the profile -----------------------------------------------------------------------------


def clean_profile_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validated profile values (any subset of PROFILE_FIELDS; null ones left out), or DomainError."""
    given = fields
    fields = {name: value for name, value in _known(given, PROFILE_FIELDS).items() if value is not None}
    if not fields:
        raise _no_fields(given, PROFILE_FIELDS, PROFILE_READ_ONLY_FIELDS)
    values: dict[str, Any] = {}
    for name, raw in fields.items():
        if name == "name":
            if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > NAME_MAX_CHARS:
                raise _invalid(f"name must be text of 1 to {NAME_MAX_CHARS} characters.")
            values[name] = raw.strip()
        elif name == "base_currency":
            code = raw.strip().upper() if isinstance(raw, str) else ""
            message = f"base_currency must be a three-letter code such as USD; got {_shown(raw)}."
            if len(code) != 3:
                raise _invalid(message)
            if not code.isascii() or not code.isalpha():
                raise DomainError(message)
            values[name] = code
        elif name in FRACTION_FIELDS:
            number = _number(name, raw)
            if not 0.0 < number <= 1.0:
                message = (
                    f"{name} must be a fraction above 0 and at most 1 (0.10 means 10 %); got {_shown(raw)}."
                )
                # The earlier bound is 0..1; a limit of exactly 0 is this project's own refusal.
                raise DomainError(message) if number == 0 else _invalid(message)
            values[name] = number
        elif name == "target_portfolio_beta":
            number = _number(name, raw)
            if not 0.0 <= number <= MAX_BETA:
                raise _invalid(f"target_portfolio_beta must be from 0 to {MAX_BETA:g}; got {_shown(raw)}.")
            values[name] = number
        else:  # default_transaction_cost_bps
            number = _number(name, raw)
            if not 0.0 <= number <= MAX_COST_BPS:
                raise _invalid(
                    f"default_transaction_cost_bps must be from 0 to {MAX_COST_BPS:g} basis points; "
                    f"got {_shown(raw)}."
                )
            values[name] = number
    return values


# --- holdings --------------------------------------------------------------------------------


def clean_ticker(raw: Any) -> str:
    """The canonical symbol of a body ticker, share classes included (`brk-b` → `BRK.B`).

    The earlier bodies declared 1..5 characters (422 beyond) and then checked `^[A-Z]{1,5}$`
    (400). Share classes are accepted on purpose, so the length bound only applies to a symbol
    that is not a valid ticker: `BRK.B` and `GOOGL.A` pass, `TOOLONG` is a 422, `A1` a 400.
    """
    if _blank(raw):
        raise _invalid("A ticker is required, e.g. AAPL or BRK.B.")
    if not isinstance(raw, str):
        raise _invalid(f"ticker must be text, e.g. AAPL or BRK.B; got {_shown(raw)}.")
    try:
        return normalise_ticker(raw)
    except InvalidTicker:
        shown = _shown(raw.strip().upper())
        if len(raw) > BODY_TICKER_MAX_CHARS:
            raise _invalid(
                f"ticker must be at most {BODY_TICKER_MAX_CHARS} letters, or a symbol with a share "
                f"class such as BRK.B; got {shown}."
            ) from None
        raise DomainError(
            f"{INVALID_TICKER_FORMAT}: use 1-5 letters with an optional share class, e.g. AAPL or "
            f"BRK.B; got {shown}."
        ) from None


def clean_holding_fields(fields: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validated holding values; blank optional fields become None ("fill it in for me").

    On an update a null ticker or shares means "unchanged".
    """
    given = fields
    fields = _known(given, HOLDING_FIELDS)
    if partial:
        fields = {
            name: value
            for name, value in fields.items()
            if not (name in ("ticker", "shares") and value is None)
        }
        if not fields:
            raise _no_fields(given, HOLDING_FIELDS, HOLDING_READ_ONLY_FIELDS)
    values: dict[str, Any] = {}
    if "ticker" in fields or not partial:
        values["ticker"] = clean_ticker(fields.get("ticker"))
    if "shares" in fields or not partial:
        if _blank(fields.get("shares")):
            raise _invalid("shares is required: the number of shares held, 0 or more.")
        shares = _number("shares", fields["shares"])
        if shares < 0:
            raise _invalid(f"shares must be 0 or more; got {_shown(fields['shares'])}.")
        if shares > MAX_SHARES:
            raise DomainError(f"shares must be at most {MAX_SHARES:,.0f}; got {_shown(fields['shares'])}.")
        values["shares"] = shares
    for name in ("avg_cost", "market_value"):
        if name in fields:
            raw = fields[name]
            values[name] = None if _blank(raw) else _number(name, raw)
            if values[name] is not None and values[name] < 0:
                raise _invalid(f"{name} must be 0 or more when given; got {_shown(raw)}.")
            if values[name] is not None and values[name] > MAX_AMOUNT_USD:
                raise DomainError(f"{name} must be at most {MAX_AMOUNT_USD:,.0f}; got {_shown(raw)}.")
    if "sector" in fields:
        raw = fields["sector"]
        if not _blank(raw) and not isinstance(raw, str):
            raise _invalid(f"sector must be text; got {_shown(raw)}.")
        sector = None if _blank(raw) else raw.strip()
        if sector is not None and len(sector) > BODY_SECTOR_MAX_CHARS:
            raise _invalid(f"sector must be at most {SECTOR_MAX_CHARS} characters.")
        if sector is not None and len(sector) > SECTOR_MAX_CHARS:
            raise DomainError(f"sector must be at most {SECTOR_MAX_CHARS} characters.")
        values["sector"] = sector
    if "beta" in fields:
        raw = fields["beta"]
        values["beta"] = None if _blank(raw) else _number("beta", raw)
        if values["beta"] is not None and not 0.0 <= values["beta"] <= MAX_BETA:
            raise DomainError(f"beta must be from 0 to {MAX_BETA:g} when given; got {_shown(raw)}.")
    return values
