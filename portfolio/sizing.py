"""Sizing a ticker: optimizer v2's inputs from an analysis and the desk's portfolio, and a run.

`build_optimizer_inputs` is plain data in, `OptimizerInputs` out (the analysis service attaches
its result to each analysis); `optimize_ticker` sizes a ticker from its latest stored analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis import contract
from analysis.selectors import current_latest_for
from analysis.serializers import AnalysisResponseSerializer
from core.domain_errors import DomainError
from core.numeric import finite_number
from portfolio.models import PortfolioProfile
from portfolio.optimizer import HoldingSnapshot, OptimizerInputs, optimize, portfolio_context
from portfolio.selectors import portfolio_snapshot

REGIME_FALLBACK = "transition"


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
        number = finite_number(value, text=True)
        if number is not None:
            return number, source
    return None, "none"


def _scenario_rows(payload: Mapping[str, Any]) -> list[Any]:
    """Our scenario list: `scenario_list`, or a list stored under `scenarios` before it moved."""
    rows = payload.get("scenario_list")
    if not isinstance(rows, list):
        rows = payload.get("scenarios")
    return rows if isinstance(rows, list) else []


def _ev_from_scenarios(payload: Mapping[str, Any], recommendation: str) -> float | None:
    """EV = E7·h − D7·(1 − h) from the payload's scenarios (the contract's formulas, raw confidence)."""
    scenarios = [
        contract.Scenario(
            name=str(s.get("name", "")), probability=s.get("probability"), return_pct=s.get("return_pct")
        )
        for s in _scenario_rows(payload)
        if isinstance(s, Mapping)
    ]
    if not any(finite_number(s.return_pct, text=True) is not None for s in scenarios):
        return None
    card = _dict(payload.get("decision_card"))
    e7 = contract.scenario_expected_return(scenarios)
    d7 = contract.downside_risk_7d(
        scenarios,
        entry_price=finite_number(card.get("reference_price"), text=True),
        stop_loss=finite_number(card.get("stop_loss"), text=True),
        recommendation=recommendation,
    )
    h7 = contract.fallback_hit_rate(
        recommendation, finite_number(payload.get("confidence"), text=True) or 0.0
    )
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
                market_value=finite_number(h.get("market_value"), text=True) or 0.0,
                shares=finite_number(h.get("shares"), text=True) or 0.0,
                sector=h.get("sector") or None,
                beta=finite_number(h.get("beta"), text=True),
            )
            for h in holdings
        ],
        ticker=symbol,
        sector=sector,
    )
    defaults = PortfolioProfile()

    def limit(name: str) -> float:
        value = finite_number(profile.get(name), text=True)
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
    analysis = current_latest_for(ticker)
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
