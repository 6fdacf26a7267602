"""What :func:`~portfolio.optimizer.solve.optimize` is given for one ticker, validated on
construction: :class:`OptimizerInputs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from analysis.contract import RECOMMENDATIONS, REGIME_LABELS
from portfolio.optimizer.parameters import DEFAULT_BETA, DEFAULT_BETA_PENALTY, DEFAULT_RISK_AVERSION


@dataclass(frozen=True, kw_only=True)
class OptimizerInputs:
    """Everything :func:`optimize` needs for one ticker (units in the package docstring).

    Fields:
        ticker: the symbol (echoed).
        sector: the ticker's sector, or None. The sector limit applies either way, with
            ``sector_value_ex`` as given (callers pass 0 for an unclassified ticker, which then
            forms a sector of its own).
        price: US dollars per share, > 0.
        current_shares: shares held, ≥ 0 (fractional allowed).
        portfolio_value: market value of all holdings, this one included, US dollars, ≥ 0.
        sector_value_ex: market value of the *other* holdings in the same sector, ≥ 0.
        beta_weighted_ex: ``Σ w_i·β_i`` over the other holdings, weights as fractions of
            ``portfolio_value``; a holding with an unknown beta counts as 1.0 (see
            :func:`portfolio_context`).
        ticker_beta: the ticker's beta; None → 1.0.
        ev_score_7d_pct: the signal's ``ev_score_7d``, percent over 7 days; None → no view (μ = 0).
        calibrated_confidence: ``confidence.calibrated``, clamped to ``[0, 1]``.
        data_quality_score: ``risk.data_quality_score``, points ``[0, 100]`` (clamped), or None
            (unknown, shrunk like a low score).
        regime_label: ``risk_on`` / ``transition`` / ``risk_off`` (case-insensitive).
        recommendation: ``BUY`` / ``HOLD`` / ``SELL`` (validated and echoed; μ comes from the EV).
        daily_volatility_pct: the ticker's daily volatility, percent, ≥ 0; None →
            :data:`DEFAULT_DAILY_VOLATILITY_PCT`.
        horizon_days: calendar days of the horizon, > 0 (7 → 5 sessions).
        risk_aversion: γ ≥ 0, default :data:`DEFAULT_RISK_AVERSION`.
        beta_penalty: λ ≥ 0, default :data:`DEFAULT_BETA_PENALTY`.
        cost_bps: one-way transaction cost, basis points, ≥ 0 (the profile's
            ``default_transaction_cost_bps``).
        max_position_pct, max_sector_pct, max_turnover_pct: the profile's limits, fractions ≥ 0.
        target_portfolio_beta: the profile's β*.

    Raises ValueError for a non-finite number, a value out of its range, an unknown regime label
    or an unknown recommendation.
    """

    ticker: str
    sector: str | None = None
    price: float
    current_shares: float = 0.0
    portfolio_value: float
    sector_value_ex: float = 0.0
    beta_weighted_ex: float = 0.0
    ticker_beta: float | None = None
    ev_score_7d_pct: float | None
    calibrated_confidence: float
    data_quality_score: float | None = None
    regime_label: str
    recommendation: str
    daily_volatility_pct: float | None
    horizon_days: float = 7.0
    risk_aversion: float = DEFAULT_RISK_AVERSION
    beta_penalty: float = DEFAULT_BETA_PENALTY
    cost_bps: float = 10.0
    max_position_pct: float = 0.10
    max_sector_pct: float = 0.30
    max_turnover_pct: float = 0.15
    target_portfolio_beta: float = 1.0

    def __post_init__(self) -> None:
        _require(self.price, "price", positive=True)
        for name in (
            "current_shares",
            "portfolio_value",
            "sector_value_ex",
            "risk_aversion",
            "beta_penalty",
            "cost_bps",
            "max_position_pct",
            "max_sector_pct",
            "max_turnover_pct",
        ):
            _require(getattr(self, name), name, non_negative=True)
        _require(self.horizon_days, "horizon_days", positive=True)
        for name in ("beta_weighted_ex", "calibrated_confidence", "target_portfolio_beta"):
            _require(getattr(self, name), name)
        for name in ("ticker_beta", "ev_score_7d_pct", "data_quality_score"):
            if getattr(self, name) is not None:
                _require(getattr(self, name), name)
        if self.daily_volatility_pct is not None:
            _require(self.daily_volatility_pct, "daily_volatility_pct", non_negative=True)
        if str(self.regime_label).strip().lower() not in REGIME_LABELS:
            raise ValueError(
                f"regime_label must be one of {', '.join(REGIME_LABELS)}, got {self.regime_label!r}"
            )
        if str(self.recommendation).strip().upper() not in RECOMMENDATIONS:
            raise ValueError(
                f"recommendation must be one of {', '.join(RECOMMENDATIONS)}, got {self.recommendation!r}"
            )

    @property
    def current_weight(self) -> float:
        """``current_shares·price / portfolio_value`` (0 with no portfolio)."""
        if self.portfolio_value <= 0:
            return 0.0
        return self.current_shares * self.price / self.portfolio_value

    @property
    def sector_weight_ex(self) -> float:
        """``sector_value_ex / portfolio_value`` (0 with no portfolio)."""
        if self.portfolio_value <= 0:
            return 0.0
        return self.sector_value_ex / self.portfolio_value

    @property
    def beta(self) -> float:
        """The ticker's beta, 1.0 when unknown."""
        return DEFAULT_BETA if self.ticker_beta is None else float(self.ticker_beta)


def _require(value: Any, name: str, *, positive: bool = False, non_negative: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    if non_negative and value < 0:
        raise ValueError(f"{name} must be ≥ 0, got {value!r}")
