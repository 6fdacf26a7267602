"""The book around one ticker, from the holdings as plain data: :class:`HoldingSnapshot` in,
:class:`PortfolioContext` (the :class:`~portfolio.optimizer.inputs.OptimizerInputs` fields that
come from the holdings) out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portfolio.optimizer.parameters import DEFAULT_BETA


@dataclass(frozen=True, kw_only=True)
class HoldingSnapshot:
    """One holding as the optimizer sees it: market value (US dollars), sector, beta, shares."""

    ticker: str
    market_value: float
    shares: float = 0.0
    sector: str | None = None
    beta: float | None = None


@dataclass(frozen=True, kw_only=True)
class PortfolioContext:
    """The book around one ticker: the ``OptimizerInputs`` fields that come from the holdings."""

    portfolio_value: float
    current_shares: float
    sector: str | None
    sector_value_ex: float
    beta_weighted_ex: float
    unknown_beta_count: int


def portfolio_context(
    holdings: Iterable[HoldingSnapshot], *, ticker: str, sector: str | None = None
) -> PortfolioContext:
    """Portfolio value, the ticker's shares, its sector's other value and ``B_ex``.

    ``portfolio_value`` sums every holding's market value (the ticker's included);
    ``beta_weighted_ex = Σ (mv_i / portfolio_value)·β_i`` over the other holdings, a holding with
    an unknown beta counting as 1.0 (how many did is returned). The sector is ``sector`` when
    given, else the ticker's holding's; sectors and tickers compare case-insensitively.
    An unclassified ticker has ``sector_value_ex = 0``.
    """
    rows = list(holdings)
    symbol = ticker.strip().upper()
    own = [h for h in rows if h.ticker.strip().upper() == symbol]
    others = [h for h in rows if h.ticker.strip().upper() != symbol]
    if sector is None and own:
        sector = own[0].sector
    key = sector.strip().casefold() if sector else None
    value = sum(max(0.0, float(h.market_value)) for h in rows)
    sector_value = 0.0
    if key is not None:
        sector_value = sum(
            max(0.0, float(h.market_value)) for h in others if h.sector and h.sector.strip().casefold() == key
        )
    unknown = sum(1 for h in others if h.beta is None)
    weighted = 0.0
    if value > 0:
        weighted = sum(
            max(0.0, float(h.market_value)) / value * (DEFAULT_BETA if h.beta is None else float(h.beta))
            for h in others
        )
    return PortfolioContext(
        portfolio_value=value,
        current_shares=sum(max(0.0, float(h.shares)) for h in own),
        sector=sector,
        sector_value_ex=sector_value,
        beta_weighted_ex=weighted,
        unknown_beta_count=unknown,
    )
