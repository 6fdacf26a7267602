"""Changing the desk's portfolio, and the optimizer's inputs: the one place input is validated.

The JSON API and the portfolio page both call these functions, so a profile or a holding
changed from either obeys the same rules, and every refusal is a `DomainError` (a 400 with a
message naming the field). Ranges follow the earlier system's request bodies: limits are
fractions (0.10 = 10 %), betas 0..5, costs 0..500 basis points.

Values a PM leaves out are filled in and their origin recorded on the holding:
- `market_value`: entered (`given`); else shares × the provider's latest close
  (`provider_close`, with that close and its session date); else shares × avg_cost
  (`avg_cost`) when the provider has no price; else a 400.
- `sector`, `beta`: entered (`given`); else the provider's fundamentals (`provider`) when it
  has them; else left empty.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis import contract
from analysis.market_data import MarketDataError
from analysis.providers import get_provider
from analysis.selectors import latest_for
from analysis.serializers import AnalysisResponseSerializer
from analysis.tickers import InvalidTicker, normalise_ticker
from pmresearch.errors import DomainError
from portfolio.models import FieldSource, MarketValueSource, PortfolioHolding, PortfolioProfile
from portfolio.optimizer import HoldingSnapshot, OptimizerInputs, optimize, portfolio_context
from portfolio.selectors import portfolio_snapshot

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
# How far back the latest close may be; its session date is always reported with it.
PRICE_LOOKBACK_DAYS = 370
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


def update_profile(**fields: Any) -> PortfolioProfile:
    """Change the given profile fields (a partial update); the others keep their value."""
    values = clean_profile_fields(fields)
    with transaction.atomic():
        profile, _ = PortfolioProfile.objects.select_for_update().get_or_create(id=1)
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save()
    return profile


# --- market data for a holding ---------------------------------------------------------------


@dataclass(frozen=True)
class LatestClose:
    price: float
    session: dt.date
    provider: str


@dataclass(frozen=True)
class Lookup:
    """What the provider said about a ticker: a close and fundamentals, or why not."""

    close: LatestClose | None
    sector: str | None
    beta: float | None
    provider: str
    problem: str | None = None


def latest_close(ticker: str, *, now: dt.datetime | None = None) -> LatestClose | None:
    """The provider's latest daily close at `now` (point-in-time), or None when it has none."""
    now = now or timezone.now()
    try:
        provider = get_provider()
        series = provider.prices(ticker, start=now.date() - timedelta(days=PRICE_LOOKBACK_DAYS), as_of=now)
    except (MarketDataError, ImproperlyConfigured):
        return None
    if len(series) == 0:
        return None
    price = float(series.close[-1])
    if not math.isfinite(price) or price <= 0 or series.last_date is None:
        return None
    return LatestClose(price=price, session=series.last_date, provider=provider.name)


def provider_fundamentals(ticker: str, *, now: dt.datetime | None = None) -> tuple[str | None, float | None]:
    """(sector, beta) from the provider's fundamentals; a beta outside 0..5 is not used."""
    now = now or timezone.now()
    try:
        fundamentals = get_provider().fundamentals(ticker, as_of=now)
    except (MarketDataError, ImproperlyConfigured):
        return None, None
    if fundamentals is None:
        return None, None
    sector = (fundamentals.sector or "").strip()[:SECTOR_MAX_CHARS] or None
    beta = fundamentals.beta
    if beta is None or not math.isfinite(beta) or not 0.0 <= beta <= MAX_BETA:
        beta = None
    return sector, (round(float(beta), 4) if beta is not None else None)


def _provider_name() -> str:
    try:
        return get_provider().name
    except ImproperlyConfigured:
        return "configured"


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


def _duplicate(ticker: str) -> DomainError:
    return DomainError(f"{ticker} is already held; edit that holding.")


def _value_holding(holding: PortfolioHolding, *, given: float | None, now: dt.datetime) -> None:
    """Set market_value and its source: given, else shares × latest close, else × avg_cost."""
    holding.market_value_price = None
    holding.market_value_price_date = None
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
        return
    if holding.avg_cost is not None:
        holding.market_value = round(holding.shares * holding.avg_cost, 2)
        holding.market_value_source = MarketValueSource.AVG_COST
        holding.market_value_price = holding.avg_cost
        return
    raise DomainError(
        f"No price for {holding.ticker} from the {_provider_name()} market data provider and no "
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
        raise DomainError(f"No holding with id {holding_id}.", status_code=404)
    return holding


def update_holding(holding_id: int, **fields: Any) -> PortfolioHolding:
    """Change the given fields. When shares, avg_cost or the ticker change and no market_value
    is sent, the market value is computed again; a cleared sector or beta comes from the provider.
    """
    holding = get_holding(holding_id)
    values = clean_holding_fields(fields, partial=True)
    ticker = values.get("ticker", holding.ticker)
    if ticker != holding.ticker and PortfolioHolding.objects.filter(ticker=ticker).exists():
        raise _duplicate(ticker)
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
        raise _duplicate(ticker) from exc
    return holding


def delete_holding(holding_id: int) -> int:
    """Delete a holding; returns its id."""
    holding = get_holding(holding_id)
    holding.delete()
    return holding_id


# --- the optimizer's inputs ------------------------------------------------------------------

REGIME_FALLBACK = "transition"


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _agent(agent_data: Mapping[str, Any] | None, name: str) -> Mapping[str, Any]:
    """One agent's data; accepts {name: data} or the response shape {name: {success, data, ...}}."""
    entry = _dict(_dict(agent_data).get(name))
    if "agent_type" in entry and "data" in entry:
        return _dict(entry["data"]) if entry.get("success", True) else {}
    return entry


def _first(*candidates: tuple[str, Any]) -> tuple[float | None, str]:
    """The first finite value among (source, value) pairs, with its source; (None, "none")."""
    for source, value in candidates:
        number = _finite(value)
        if number is not None:
            return number, source
    return None, "none"


def _ev_from_scenarios(payload: Mapping[str, Any], recommendation: str) -> float | None:
    """EV = E7·h − D7·(1 − h) from the payload's scenarios (the contract's formulas, raw confidence)."""
    scenarios = [
        contract.Scenario(
            name=str(s.get("name", "")), probability=s.get("probability"), return_pct=s.get("return_pct")
        )
        for s in payload.get("scenarios") or []
        if isinstance(s, Mapping)
    ]
    if not any(_finite(s.return_pct) is not None for s in scenarios):
        return None
    card = _dict(payload.get("decision_card"))
    e7 = contract.scenario_expected_return(scenarios)
    d7 = contract.downside_risk_7d(
        scenarios,
        entry_price=_finite(card.get("reference_price")),
        stop_loss=_finite(card.get("stop_loss")),
        recommendation=recommendation,
    )
    h7 = contract.fallback_hit_rate(recommendation, _finite(payload.get("confidence")) or 0.0)
    return contract.ev_score_7d(e7, d7, h7)


def _optimizer_inputs_with_sources(
    ticker: str,
    analysis_payload: Mapping[str, Any],
    agent_data: Mapping[str, Any] | None,
    portfolio: Mapping[str, Any] | None,
) -> tuple[OptimizerInputs, dict[str, str]]:
    payload = _dict(analysis_payload)
    signal = _dict(payload.get("signal_contract_v2"))
    card = _dict(payload.get("decision_card"))
    market, fundamentals = _agent(agent_data, "market"), _agent(agent_data, "fundamentals")
    book = _dict(portfolio) if portfolio is not None else portfolio_snapshot()
    profile = _dict(book.get("profile"))
    holdings = [_dict(h) for h in book.get("holdings") or []]
    symbol = ticker.strip().upper()
    own = next((h for h in holdings if str(h.get("ticker", "")).strip().upper() == symbol), None)

    recommendation = str(payload.get("recommendation") or "").strip().upper()
    if recommendation not in contract.RECOMMENDATIONS:
        raise ValueError(f"the analysis of {symbol} has no BUY / HOLD / SELL recommendation")
    price, price_source = _first(
        ("decision_card.reference_price", card.get("reference_price")),
        ("market.current_price", market.get("current_price")),
        ("price_targets.entry", _dict(payload.get("price_targets")).get("entry")),
    )
    if price is None or price <= 0:
        raise ValueError(f"the analysis of {symbol} has no reference price")
    ev, ev_source = _first(
        ("signal_contract_v2", signal.get("ev_score_7d")),
        ("analysis.ev_score_7d", payload.get("ev_score_7d")),
        ("scenarios", _ev_from_scenarios(payload, recommendation)),
    )
    confidence, confidence_source = _first(
        ("signal_contract_v2.calibrated", _dict(signal.get("confidence")).get("calibrated")),
        ("analysis.confidence_calibrated", payload.get("confidence_calibrated")),
        ("analysis.confidence (raw)", payload.get("confidence")),
    )
    quality, quality_source = _first(
        ("signal_contract_v2", _dict(signal.get("risk")).get("data_quality_score")),
        ("analysis.data_quality_score", payload.get("data_quality_score")),
    )
    regime = next(
        (
            (str(label).strip().lower(), source)
            for source, label in (
                ("signal_contract_v2", _dict(signal.get("risk")).get("regime_label")),
                ("analysis.regime_label", payload.get("regime_label")),
                ("analysis.market_regime", _dict(payload.get("market_regime")).get("label")),
            )
            if isinstance(label, str) and label.strip().lower() in contract.REGIME_LABELS
        ),
        (REGIME_FALLBACK, "default"),
    )
    volatility, volatility_source = _first(("market.volatility_3m", market.get("volatility_3m")))
    beta, beta_source = _first(
        ("holding", own.get("beta") if own else None),
        ("fundamentals", fundamentals.get("beta")),
    )
    sector = (own or {}).get("sector") or fundamentals.get("sector") or None
    context = portfolio_context(
        [
            HoldingSnapshot(
                ticker=str(h.get("ticker", "")),
                market_value=_finite(h.get("market_value")) or 0.0,
                shares=_finite(h.get("shares")) or 0.0,
                sector=h.get("sector") or None,
                beta=_finite(h.get("beta")),
            )
            for h in holdings
        ],
        ticker=symbol,
        sector=sector,
    )
    defaults = PortfolioProfile()

    def limit(name: str) -> float:
        value = _finite(profile.get(name))
        return value if value is not None else float(getattr(defaults, name))

    inputs = OptimizerInputs(
        ticker=symbol,
        sector=context.sector,
        price=price,
        current_shares=context.current_shares,
        portfolio_value=context.portfolio_value,
        sector_value_ex=context.sector_value_ex,
        beta_weighted_ex=context.beta_weighted_ex,
        ticker_beta=beta if beta is not None and beta >= 0 else None,
        ev_score_7d_pct=ev if ev is not None else 0.0,
        calibrated_confidence=min(1.0, max(0.0, confidence or 0.0)),
        data_quality_score=quality,
        regime_label=regime[0],
        recommendation=recommendation,
        daily_volatility_pct=volatility if volatility is not None and volatility >= 0 else None,
        cost_bps=limit("default_transaction_cost_bps"),
        max_position_pct=limit("max_position_pct"),
        max_sector_pct=limit("max_sector_pct"),
        max_turnover_pct=limit("max_turnover_pct"),
        target_portfolio_beta=limit("target_portfolio_beta"),
    )
    sources = {
        "price": price_source,
        "ev_score_7d": ev_source if ev is not None else "none (0)",
        "calibrated_confidence": confidence_source,
        "data_quality_score": quality_source,
        "regime_label": regime[1],
        "daily_volatility_pct": volatility_source,
        "ticker_beta": beta_source,
        "sector": "holding" if own and own.get("sector") else "fundamentals" if sector else "none",
    }
    return inputs, sources


def build_optimizer_inputs(
    ticker: str,
    analysis_payload: Mapping[str, Any],
    agent_data: Mapping[str, Any] | None,
    *,
    portfolio: Mapping[str, Any] | None = None,
) -> OptimizerInputs:
    """The optimizer's inputs for `ticker`, from an analysis and the desk's portfolio (plain data).

    Arguments:
        ticker: the canonical symbol (e.g. from `analysis.tickers.normalise_ticker`).
        analysis_payload: the analysis block as stored in `Analysis.analysis_payload` (or the
            `analysis` object of the analyze response): reads `recommendation`,
            `decision_card.reference_price`, `signal_contract_v2`, `ev_score_7d`,
            `confidence_calibrated`, `confidence`, `data_quality_score`, `regime_label`,
            `market_regime`, `scenarios`, `price_targets`.
        agent_data: {agent name: that agent's `data` dict} for the agents that succeeded (the
            response shape {name: {success, agent_type, data, ...}} is accepted too); reads
            `market.volatility_3m`, `market.current_price`, `fundamentals.beta` and `.sector`.
        portfolio: {"profile": {max_position_pct, max_sector_pct, max_turnover_pct,
            target_portfolio_beta, default_transaction_cost_bps}, "holdings": [{ticker, shares,
            market_value, sector, beta}]}; None reads the desk's portfolio now
            (`portfolio.selectors.portfolio_snapshot`).

    Each input takes the first value available:
        price: decision card reference price, else the market agent's current price, else
            price_targets.entry;
        ev_score_7d_pct: the contract's ev_score_7d, else the payload's, else computed from the
            scenarios (E7·h − D7·(1 − h), h from raw confidence), else 0;
        calibrated_confidence: the contract's calibrated confidence, else the payload's
            confidence_calibrated, else the raw confidence, else 0;
        data_quality_score: the contract's, else the payload's, else None (the optimizer
            shrinks an unknown quality like a low one);
        regime_label: the contract's, else the payload's, else market_regime.label, else
            "transition";
        daily_volatility_pct: the market agent's volatility_3m (std of daily % returns), else
            None (the optimizer's default);
        ticker_beta: the holding's beta, else the fundamentals agent's, else None (1.0);
        sector: the holding's, else the fundamentals agent's;
        limits and cost_bps: the profile (its defaults for missing keys).

    Raises ValueError when the analysis has no recommendation or no usable price, or when a
    value is out of the optimizer's range.
    """
    return _optimizer_inputs_with_sources(ticker, analysis_payload, agent_data, portfolio)[0]


def optimize_ticker(ticker: str) -> dict[str, Any]:
    """Run the optimizer for `ticker` against its latest stored analysis and the portfolio now."""
    analysis = latest_for(ticker)
    if analysis is None:
        raise DomainError(
            f"Run an analysis of {ticker} first: the optimizer sizes a ticker from its latest analysis."
        )
    report = AnalysisResponseSerializer(analysis).data
    agent_data = {
        name: result["data"] for name, result in report["agent_results"].items() if result["success"]
    }
    try:
        inputs, sources = _optimizer_inputs_with_sources(ticker, report["analysis"], agent_data, None)
    except ValueError as exc:
        raise DomainError(f"Cannot size {ticker} from analysis #{analysis.pk}: {exc}.") from exc
    return {
        "ticker": ticker,
        "analysis_id": analysis.pk,
        "analysis_as_of": report["as_of"],
        "recommendation": report["analysis"]["recommendation"],
        "is_demo_data": report["is_demo_data"],
        "portfolio_action_v2": optimize(inputs).to_dict(),
        "input_sources": sources,
    }
