"""Reads over the desk's portfolio."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from portfolio.models import PortfolioHolding, PortfolioProfile


@dataclass(frozen=True)
class PositionView:
    total_value: float
    position_value: float
    sector: str | None
    sector_value: float
    max_position_pct: float
    max_sector_pct: float
    default_transaction_cost_bps: float


def current_profile() -> PortfolioProfile:
    """The single profile row, with the earlier system's defaults until someone edits it."""
    profile, _ = PortfolioProfile.objects.get_or_create(id=1)
    return profile


def position_view(ticker: str) -> PositionView | None:
    """The ticker's weight and its sector's, or None when the portfolio is empty."""
    total = PortfolioHolding.objects.aggregate(total=Sum("market_value"))["total"] or 0.0
    profile = PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()
    if total <= 0:
        return None
    holding = PortfolioHolding.objects.filter(ticker=ticker).first()
    sector = holding.sector if holding else None
    sector_value = (
        PortfolioHolding.objects.filter(sector=sector).aggregate(v=Sum("market_value"))["v"] or 0.0
        if sector
        else 0.0
    )
    return PositionView(
        total_value=float(total),
        position_value=float(holding.market_value) if holding else 0.0,
        sector=sector,
        sector_value=float(sector_value),
        max_position_pct=profile.max_position_pct,
        max_sector_pct=profile.max_sector_pct,
        default_transaction_cost_bps=profile.default_transaction_cost_bps,
    )


# --- the overview: exposure, beta and limit checks -------------------------------------------

# A holding without a beta counts as the market (1.0) in the portfolio beta, and is flagged.
ASSUMED_BETA = 1.0
# Portfolio beta within this distance of the profile's target counts as on target.
BETA_TOLERANCE = 0.10
# Weights equal to a limit are within it; this absorbs float noise at the boundary.
LIMIT_EPSILON = 1e-9


@dataclass(frozen=True)
class Position:
    """One holding as the exposure arithmetic sees it (plain data)."""

    ticker: str
    market_value: float
    sector: str | None = None
    beta: float | None = None


@dataclass(frozen=True)
class Limits:
    """The profile's limits as fractions (0.10 = 10 %) and the target beta."""

    max_position_pct: float
    max_sector_pct: float
    target_portfolio_beta: float


@dataclass(frozen=True)
class PortfolioOverview:
    profile: PortfolioProfile
    holdings: list[PortfolioHolding]
    report: dict


def profile_for_reading() -> PortfolioProfile:
    """The profile row, or an unsaved one with the defaults: reads never write."""
    return PortfolioProfile.objects.filter(id=1).first() or PortfolioProfile()


def _excess(value: float, limit: float) -> float:
    return max(0.0, value - limit)


def exposure_report(positions: list[Position], limits: Limits) -> dict:
    """Weights by ticker and sector, portfolio beta, and every limit check, from plain data.

    Weights are fractions of the total market value: w_i = MV_i / Σ MV. A sector's weight is
    the sum of its holdings' weights; holdings without a sector are grouped as unclassified and
    not checked against the sector limit (they are not one sector). Portfolio beta is Σ w_i·β_i,
    a holding without a beta counted as 1.0 and listed in `assumed_beta_tickers`. A position is
    within its limit when w ≤ max_position_pct, a sector when its weight ≤ max_sector_pct, the
    beta when |β_p − target| ≤ 0.10. Empty portfolio (or zero total value): no weights, beta
    None, everything within limits.
    """
    total = float(sum(p.market_value for p in positions))
    breaches: list[dict] = []
    by_ticker = []
    sectors: dict[str | None, dict] = {}
    weighted_beta = 0.0
    assumed: list[str] = []
    for p in sorted(positions, key=lambda p: (-p.market_value, p.ticker)):
        weight = p.market_value / total if total > 0 else 0.0
        beta = p.beta if p.beta is not None else ASSUMED_BETA
        if p.beta is None:
            assumed.append(p.ticker)
        weighted_beta += weight * beta
        within = weight <= limits.max_position_pct + LIMIT_EPSILON
        by_ticker.append(
            {
                "ticker": p.ticker,
                "sector": p.sector,
                "market_value": p.market_value,
                "weight": weight,
                "beta": beta,
                "beta_assumed": p.beta is None,
                "limit": limits.max_position_pct,
                "within_limit": within,
                "excess": _excess(weight, limits.max_position_pct),
            }
        )
        if not within:
            breaches.append(
                {
                    "kind": "position",
                    "name": p.ticker,
                    "value": weight,
                    "limit": limits.max_position_pct,
                    "excess": _excess(weight, limits.max_position_pct),
                    "message": f"{p.ticker} is {weight:.1%} of the portfolio, over the "
                    f"{limits.max_position_pct:.1%} position limit.",
                }
            )
        # Sectors compare case-insensitively (as in the optimizer); the first spelling is shown.
        key = p.sector.strip().casefold() if p.sector and p.sector.strip() else None
        group = sectors.setdefault(
            key, {"sector": p.sector.strip() if key else None, "market_value": 0.0, "tickers": []}
        )
        group["market_value"] += p.market_value
        group["tickers"].append(p.ticker)

    by_sector = []
    for key, group in sorted(sectors.items(), key=lambda item: (-item[1]["market_value"], item[0] or "")):
        sector = group["sector"]
        weight = group["market_value"] / total if total > 0 else 0.0
        classified = key is not None
        within = not classified or weight <= limits.max_sector_pct + LIMIT_EPSILON
        by_sector.append(
            {
                "sector": sector,
                "label": sector if classified else "Unclassified",
                "classified": classified,
                "market_value": group["market_value"],
                "weight": weight,
                "tickers": group["tickers"],
                "limit": limits.max_sector_pct,
                "within_limit": within,
                "excess": _excess(weight, limits.max_sector_pct) if classified else 0.0,
            }
        )
        if not within:
            breaches.append(
                {
                    "kind": "sector",
                    "name": sector,
                    "value": weight,
                    "limit": limits.max_sector_pct,
                    "excess": _excess(weight, limits.max_sector_pct),
                    "message": f"{sector} is {weight:.1%} of the portfolio, over the "
                    f"{limits.max_sector_pct:.1%} sector limit.",
                }
            )

    portfolio_beta = weighted_beta if total > 0 else None
    target = limits.target_portfolio_beta
    gap = portfolio_beta - target if portfolio_beta is not None else None
    beta_ok = gap is None or abs(gap) <= BETA_TOLERANCE + LIMIT_EPSILON
    if not beta_ok:
        side = "above" if gap > 0 else "below"
        breaches.append(
            {
                "kind": "beta",
                "name": "portfolio",
                "value": portfolio_beta,
                "limit": target,
                "excess": abs(gap) - BETA_TOLERANCE,
                "message": f"Portfolio beta {portfolio_beta:.2f} is {abs(gap):.2f} {side} the "
                f"{target:.2f} target (tolerance ±{BETA_TOLERANCE:.2f}).",
            }
        )
    positions_ok = all(row["within_limit"] for row in by_ticker)
    sectors_ok = all(row["within_limit"] for row in by_sector)
    return {
        "total_value": total,
        "by_ticker": by_ticker,
        "by_sector": by_sector,
        "beta": {
            "portfolio_beta": portfolio_beta,
            "target": target,
            "gap": gap,
            "tolerance": BETA_TOLERANCE,
            "within_target": beta_ok,
            "assumed_beta": ASSUMED_BETA,
            "assumed_beta_tickers": sorted(assumed),
        },
        "limits": {
            "positions_within_limits": positions_ok,
            "sectors_within_limits": sectors_ok,
            "beta_within_target": beta_ok,
        },
        "within_limits": positions_ok and sectors_ok and beta_ok,
        "breaches": breaches,
    }


def positions_of(holdings: list[PortfolioHolding]) -> list[Position]:
    return [
        Position(ticker=h.ticker, market_value=float(h.market_value), sector=h.sector or None, beta=h.beta)
        for h in holdings
    ]


def limits_of(profile: PortfolioProfile) -> Limits:
    return Limits(
        max_position_pct=profile.max_position_pct,
        max_sector_pct=profile.max_sector_pct,
        target_portfolio_beta=profile.target_portfolio_beta,
    )


def portfolio_overview() -> PortfolioOverview:
    """The profile, the holdings and their exposure report (`exposure_report`)."""
    profile = profile_for_reading()
    holdings = list(PortfolioHolding.objects.order_by("ticker"))
    return PortfolioOverview(
        profile=profile, holdings=holdings, report=exposure_report(positions_of(holdings), limits_of(profile))
    )


def portfolio_snapshot() -> dict:
    """The book as plain data, the shape `portfolio.sizing.build_optimizer_inputs` takes."""
    profile = profile_for_reading()
    return {
        "profile": {
            "max_position_pct": profile.max_position_pct,
            "max_sector_pct": profile.max_sector_pct,
            "max_turnover_pct": profile.max_turnover_pct,
            "target_portfolio_beta": profile.target_portfolio_beta,
            "default_transaction_cost_bps": profile.default_transaction_cost_bps,
        },
        "holdings": [
            {
                "ticker": h.ticker,
                "shares": float(h.shares),
                "market_value": float(h.market_value),
                "sector": h.sector or None,
                "beta": h.beta,
            }
            for h in PortfolioHolding.objects.order_by("ticker")
        ],
    }
