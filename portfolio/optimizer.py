"""Portfolio optimizer v2: the target weight of one ticker, solved exactly.

Pure maths and plain data: no Django import (the profile and the holdings are read by the
caller and passed in as numbers). It replaces the earlier system's grid search (see
``/work/shared/spec/earlier-system.md``, "Portfolio optimizer v2 (earlier form)"), which ignored
the betas and searched a coarse grid of weight changes.

Units
-----
* weights, limits, turnover and expected returns are **fractions** (``0.10`` = 10 % of the
  portfolio; ``0.005`` = a 0.5 % return over the horizon);
* ``ev_score_7d_pct`` and ``daily_volatility_pct`` are in **percent** (as in
  ``analysis.contract``); ``calibrated_confidence`` is a fraction in ``[0, 1]``;
  ``data_quality_score`` is in **points** ``[0, 100]``; costs are in **basis points**;
  prices and market values in **US dollars**.
* A weight is a fraction of ``portfolio_value``, the **pre-trade** market value of all holdings
  (this ticker included). The trade is financed from / paid into cash outside the holdings, so the
  other holdings' weights do not move and the portfolio beta after the trade is
  ``B_ex + β·w`` on the same base (a dollar-beta per dollar of the book as it stands).

The objective (a return fraction over the horizon)
--------------------------------------------------
For the target weight ``w`` of the ticker::

    f(w) = μ·w − ½·γ·σ²·w² − λ·(B_ex + β·w − β*)² − c·|w − w0|

* ``μ`` — the expected return over the horizon, shrunk (see :func:`signal_terms`):
  ``μ = EV/100 × calibrated confidence``; ``× 0.7`` when the data-quality score is below 50 or
  unknown; in a ``risk_off`` regime a positive ``μ`` becomes ``min(0.5·μ, 0.005)`` (a long's
  expected return is halved and capped at 0.5 % over the horizon; a negative ``μ`` is kept whole,
  a bearish view is not softened by a bearish regime). The recommendation label does not move
  ``μ``: the EV is the long holder's view for every recommendation (``analysis.contract``), so
  the earlier system's ±0.30 recommendation bias would count the direction twice.
* ``σ² = (daily_volatility_pct/100)² × sessions`` with ``sessions = horizon_days × 5/7``
  (7 calendar days → 5 sessions); the ticker's own variance, no covariance with the book.
* ``γ`` — risk aversion, default :data:`DEFAULT_RISK_AVERSION`.
* ``B_ex = Σ w_i·β_i`` over the *other* holdings (weights as fractions of ``portfolio_value``;
  a holding with an unknown beta counts as ``β = 1.0``), ``β`` the ticker's beta (unknown →
  1.0), ``β*`` the profile's ``target_portfolio_beta`` and ``λ`` the beta penalty, default
  :data:`DEFAULT_BETA_PENALTY`.
* ``c = cost_bps / 10 000`` per unit of weight traded; ``w0`` the current weight.

The feasible set (long only)
----------------------------
``0 ≤ w ≤ max_position`` (the position limit, the long-only floor included),
``sector_ex + w ≤ max_sector`` (``sector_ex = sector_value_ex / portfolio_value``) and
``|w − w0| ≤ T`` (``T = max_turnover``), i.e. the interval::

    [L, U] = [max(0, w0 − T), min(max_position, max_sector − sector_ex, w0 + T)]

When ``U < L`` no weight satisfies every limit within the turnover (a holding or its sector is
already further over its limit than one trade may fix): the target is ``L``, as far toward
feasibility as the turnover allows, and the violated limit fails in the trace.

The solution
------------
``f`` is concave (``f'' = −a`` off the kink, ``a = γσ² + 2λβ² ≥ 0``, and ``−c|w − w0|`` is
concave). With ``g = μ − 2λβ(B_ex − β*)`` (the slope of the smooth part at ``w = 0``) the
one-sided stationary points are ``w_buy = (g − c)/a`` (for ``w > w0``) and
``w_sell = (g + c)/a`` (for ``w < w0``), ``w_buy ≤ w_sell``. The unconstrained maximiser is
``w_buy`` if ``w_buy > w0``, ``w_sell`` if ``w_sell < w0``, else ``w0`` (the no-trade band
``[w_buy, w_sell]``); with ``a = 0`` (``f`` piecewise linear) it is ``±∞`` when ``g ∓ c`` has the
sign, else ``w0``. A concave function's maximiser over an interval is the clip of its
unconstrained maximiser, so the target is that point clipped to ``[L, U]``; as a safety net the
clipped stationary points, ``w0`` clipped and both ends are compared by ``f`` too (one replaces
the clipped optimum only when better beyond rounding, 1e-14 relative). No grid.

Binding constraint and action
-----------------------------
``binding_constraint`` names the bound that stops the target short of the unconstrained
maximiser: ``position_limit`` (the upper limit, or the long-only floor ``w = 0`` when a sell would
go below it), ``sector_limit``, ``turnover_limit``; else ``no_trade_band`` when the target keeps
``w0`` only because of the cost (the cost-free maximiser, clipped, differs from ``w0``); else
``none`` (an interior optimum); ``no_portfolio`` with no market value. With an empty interval
it is ``turnover_limit`` when the turnover stops the cut at ``L = w0 − T > 0``, else
``sector_limit`` (the sector is over its limit without this ticker). The action is ``hold`` when
``|δ| < 0.002``, else ``exit`` when the target is ≤ 0.002 with a position, else ``add`` when
``δ > 0``, else ``trim`` (the earlier system's thresholds).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analysis.contract import RECOMMENDATIONS, REGIME_LABELS

SCHEMA_VERSION = "optimizer-2"

#: Relative risk aversion γ. 4 is the middle of the conventional 2–10 range, and with it the
#: unconstrained weight is the Merton fraction μ/(4σ²): a 0.5 % weekly μ on a 2 %/day name
#: (σ² = 0.002) asks for 62.5 %, so the position and sector limits bind, as they did in the
#: earlier system; on a 5 %/day name (σ² = 0.0125) the same μ asks for 10 % and γ decides.
DEFAULT_RISK_AVERSION = 4.0
#: Weight λ of the squared beta gap, in return units over the horizon. The pure market-risk
#: cost of a beta gap Δ is ½·γ·σ_m²·sessions·Δ² ≈ 0.001·Δ² (market at 1 %/day, γ = 4, 5
#: sessions); 0.01 weighs the target beta as a mandate about ten times that. Its pull on a
#: β = 1 name is 2λβΔ: a 0.1 gap is worth 0.2 % of weekly expected return, enough to decide a
#: marginal call without overriding a strong signal. (λ = 2 would make that 40 %, and every name
#: would be sized to fix the book's beta whatever its signal.)
DEFAULT_BETA_PENALTY = 0.01
#: Daily volatility (percent) assumed when the ticker's is unknown: above a typical large cap's
#: 1.5–2 %, so an unknown risk is sized as a higher one.
DEFAULT_DAILY_VOLATILITY_PCT = 3.0
#: Trading sessions per calendar day.
SESSIONS_PER_DAY = 5.0 / 7.0
#: Data quality below this many points multiplies μ by :data:`LOW_QUALITY_FACTOR`.
LOW_QUALITY_THRESHOLD = 50.0
LOW_QUALITY_FACTOR = 0.7
#: In ``risk_off`` a positive μ is multiplied by this and capped at :data:`RISK_OFF_CAP`.
RISK_OFF_FACTOR = 0.5
RISK_OFF_CAP = 0.005
#: Beta of a ticker (or holding) whose beta is unknown.
DEFAULT_BETA = 1.0
#: A trade smaller than this weight is a ``hold``; a target at or below it with a position is
#: an ``exit`` (the earlier system's thresholds).
MIN_TRADE_WEIGHT = 0.002
#: Slack in the pass/fail checks of the trace and in telling a binding bound.
TOLERANCE = 1e-12

BINDING_CONSTRAINTS: tuple[str, ...] = (
    "position_limit",
    "sector_limit",
    "turnover_limit",
    "no_trade_band",
    "none",
    "no_portfolio",
)
ACTIONS: tuple[str, ...] = ("add", "trim", "exit", "hold")


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OptimizerInputs:
    """Everything :func:`optimize` needs for one ticker (units in the module docstring).

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


# --------------------------------------------------------------------------------------------
# Building the inputs from the book
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# The signal and the objective
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalTerms:
    """μ and σ² with every shrink factor applied (fractions over the horizon).

    ``expected_return = EV/100 × confidence_factor × quality_factor``, then in ``risk_off`` and
    when positive ``min(regime_factor × that, RISK_OFF_CAP)``.
    """

    ev_score_7d_pct: float
    confidence_factor: float
    quality_factor: float
    regime_factor: float
    regime_cap_applied: bool
    expected_return: float
    daily_volatility_pct: float
    volatility_source: str
    sessions: float
    variance: float


def signal_terms(inputs: OptimizerInputs) -> SignalTerms:
    """μ (with the confidence, data-quality and regime shrinks) and σ² over the horizon."""
    ev = 0.0 if inputs.ev_score_7d_pct is None else float(inputs.ev_score_7d_pct)
    confidence = min(1.0, max(0.0, float(inputs.calibrated_confidence)))
    quality = inputs.data_quality_score
    low_quality = quality is None or min(100.0, max(0.0, float(quality))) < LOW_QUALITY_THRESHOLD
    quality_factor = LOW_QUALITY_FACTOR if low_quality else 1.0
    mu = ev / 100.0 * confidence * quality_factor
    regime_factor = 1.0
    capped = False
    if inputs.regime_label.strip().lower() == "risk_off" and mu > 0:
        regime_factor = RISK_OFF_FACTOR
        shrunk = RISK_OFF_FACTOR * mu
        capped = shrunk > RISK_OFF_CAP
        mu = min(shrunk, RISK_OFF_CAP)
    if inputs.daily_volatility_pct is None:
        vol, source = DEFAULT_DAILY_VOLATILITY_PCT, "default"
    else:
        vol, source = float(inputs.daily_volatility_pct), "input"
    sessions = float(inputs.horizon_days) * SESSIONS_PER_DAY
    return SignalTerms(
        ev_score_7d_pct=ev,
        confidence_factor=confidence,
        quality_factor=quality_factor,
        regime_factor=regime_factor,
        regime_cap_applied=capped,
        expected_return=mu,
        daily_volatility_pct=vol,
        volatility_source=source,
        sessions=sessions,
        variance=(vol / 100.0) ** 2 * sessions,
    )


@dataclass(frozen=True)
class _Model:
    mu: float
    variance: float
    gamma: float
    lam: float
    beta: float
    beta_ex: float
    beta_target: float
    cost: float
    w0: float

    def f(self, w: float) -> float:
        gap = self.beta_ex + self.beta * w - self.beta_target
        return (
            self.mu * w
            - 0.5 * self.gamma * self.variance * w * w
            - self.lam * gap * gap
            - self.cost * abs(w - self.w0)
        )

    @property
    def curvature(self) -> float:
        """``a = γσ² + 2λβ²`` (``f'' = −a`` off the kink)."""
        return self.gamma * self.variance + 2.0 * self.lam * self.beta * self.beta

    @property
    def slope0(self) -> float:
        """``g = μ − 2λβ(B_ex − β*)``, the smooth part's slope at ``w = 0``."""
        return self.mu - 2.0 * self.lam * self.beta * (self.beta_ex - self.beta_target)


def _model(inputs: OptimizerInputs, terms: SignalTerms | None = None) -> _Model:
    terms = terms or signal_terms(inputs)
    return _Model(
        mu=terms.expected_return,
        variance=terms.variance,
        gamma=float(inputs.risk_aversion),
        lam=float(inputs.beta_penalty),
        beta=inputs.beta,
        beta_ex=float(inputs.beta_weighted_ex),
        beta_target=float(inputs.target_portfolio_beta),
        cost=float(inputs.cost_bps) / 1e4,
        w0=inputs.current_weight,
    )


def objective(inputs: OptimizerInputs, w: float) -> float:
    """``f(w) = μ·w − ½·γ·σ²·w² − λ·(B_ex + β·w − β*)² − c·|w − w0|`` (return fraction)."""
    return _model(inputs).f(float(w))


def feasible_interval(inputs: OptimizerInputs) -> tuple[float, float]:
    """``(L, U) = (max(0, w0 − T), min(max_position, max_sector − sector_ex, w0 + T))``.

    Empty (``U < L``) when no weight meets every limit within the turnover; :func:`optimize`
    reads an interval empty by at most 1e-12 (a rounding error) as the single point ``L``.
    """
    w0 = inputs.current_weight
    turnover = float(inputs.max_turnover_pct)
    lower = max(0.0, w0 - turnover)
    upper = min(
        float(inputs.max_position_pct),
        float(inputs.max_sector_pct) - inputs.sector_weight_ex,
        w0 + turnover,
    )
    return lower, upper


@dataclass(frozen=True)
class _Solution:
    weight: float
    unconstrained: float  # may be ±inf
    cost_free: float  # the maximiser with c = 0, may be ±inf
    buy: float | None  # w_buy, None when a = 0
    sell: float | None  # w_sell, None when a = 0


def _clip(x: float, lower: float, upper: float) -> float:
    return min(max(x, lower), upper)


def _maximise(model: _Model, lower: float, upper: float) -> _Solution:
    """The closed-form maximiser of ``model.f`` over ``[lower, upper]`` (``lower ≤ upper``)."""
    a, g, c, w0 = model.curvature, model.slope0, model.cost, model.w0
    if a > 0:
        buy, sell = (g - c) / a, (g + c) / a
        free = g / a
        if buy > w0:
            star = buy
        elif sell < w0:
            star = sell
        else:
            star = w0
    else:
        buy = sell = None
        star = math.inf if g - c > 0 else -math.inf if g + c < 0 else w0
        free = math.inf if g > 0 else -math.inf if g < 0 else w0
    best = _clip(star, lower, upper)
    best_value = model.f(best)
    candidates = [_clip(w0, lower, upper), lower, upper]
    candidates += [_clip(x, lower, upper) for x in (buy, sell) if x is not None]
    for x in candidates:
        value = model.f(x)
        if value > best_value + 1e-14 * max(1.0, abs(best_value)):  # better beyond rounding
            best, best_value = x, value
    return _Solution(weight=best, unconstrained=star, cost_free=free, buy=buy, sell=sell)


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConstraintCheck:
    """One row of the trace: the limit, the projected value after the trade, pass / fail."""

    name: str
    limit: float
    projected: float
    passed: bool
    binding: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "limit": _json(self.limit),
            "projected": _json(self.projected),
            "passed": self.passed,
            "binding": self.binding,
        }


@dataclass(frozen=True)
class OptimizerResult:
    """The optimizer's answer for one ticker; :meth:`to_dict` is ``portfolio_action_v2``.

    Weights are fractions of the pre-trade ``portfolio_value``. ``shares_to_trade`` is signed
    (buy > 0), whole shares rounded toward zero, except that a target of exactly 0 sells the whole
    position (fractional shares included), and a ``hold`` trades nothing.
    ``estimated_cost_usd = |shares_to_trade|·price·cost_bps/10 000``.

    ``fit_score`` (0..100): the share of the best available improvement that the constrained
    target captures, ``100·(f(target) − f(w0)) / (f(w_best) − f(w0))`` clamped to ``[0, 100]``,
    where ``w_best`` maximises ``f`` over ``[0, max(1, w0)]`` (long only, no position, sector or
    turnover limit). 100 when nothing can be gained and the target keeps ``f(w0)``; 0 when a
    limit forces a move that loses objective. None with no portfolio.

    ``objective_value`` is ``f(target)``, ``objective_value_current`` is ``f(w0)``.
    ``lower_bound`` / ``upper_bound`` are the feasible interval ``[L, U]``;
    ``unconstrained_weight`` the maximiser of ``f`` on the whole line (None when ±∞);
    ``no_trade_band`` is ``(w_buy, w_sell)``: a current weight inside it is not traded (None
    without a cost or with ``a = 0``). The fields are exact; :meth:`to_dict` rounds its floats
    to 10 decimals (the cost to cents, the fit score to 2).
    """

    ticker: str
    action: str
    current_weight: float
    target_weight: float
    delta_weight: float
    shares_to_trade: float
    estimated_cost_usd: float
    portfolio_beta_before: float | None
    portfolio_beta_after: float | None
    binding_constraint: str
    constraint_trace: tuple[ConstraintCheck, ...]
    feasible: bool
    fit_score: float | None
    objective_value: float | None
    objective_value_current: float | None
    expected_return_pct: float
    lower_bound: float | None
    upper_bound: float | None
    unconstrained_weight: float | None
    no_trade_band: tuple[float, float] | None
    terms: SignalTerms
    inputs: OptimizerInputs
    note: str

    def to_dict(self) -> dict[str, Any]:
        """The ``portfolio_action_v2`` JSON (no NaN or infinity; None where undefined)."""
        i, t = self.inputs, self.terms
        band = None if self.no_trade_band is None else [_json(x) for x in self.no_trade_band]
        return {
            "schema_version": SCHEMA_VERSION,
            "ticker": self.ticker,
            "action": self.action,
            "current_weight": _json(self.current_weight),
            "target_weight": _json(self.target_weight),
            "delta_weight": _json(self.delta_weight),
            "shares_to_trade": _json(self.shares_to_trade),
            "estimated_cost_usd": _json(round(self.estimated_cost_usd, 2)),
            "portfolio_beta_before": _json(self.portfolio_beta_before),
            "portfolio_beta_after": _json(self.portfolio_beta_after),
            "target_portfolio_beta": _json(i.target_portfolio_beta),
            "binding_constraint": self.binding_constraint,
            "constraint_trace": [row.to_dict() for row in self.constraint_trace],
            "feasible": self.feasible,
            "fit_score": _json(None if self.fit_score is None else round(self.fit_score, 2)),
            "objective_value": _json(self.objective_value),
            "objective_value_current": _json(self.objective_value_current),
            "expected_return_pct": _json(self.expected_return_pct),
            "search": {
                "method": "closed_form",
                "lower_bound": _json(self.lower_bound),
                "upper_bound": _json(self.upper_bound),
                "unconstrained_weight": _json(self.unconstrained_weight),
                "no_trade_band": band,
            },
            "inputs": {
                "price": _json(i.price),
                "current_shares": _json(i.current_shares),
                "portfolio_value": _json(i.portfolio_value),
                "sector": i.sector,
                "sector_value_ex": _json(i.sector_value_ex),
                "sector_weight_ex": _json(i.sector_weight_ex),
                "beta_weighted_ex": _json(i.beta_weighted_ex),
                "ticker_beta": _json(i.beta),
                "ticker_beta_source": "input" if i.ticker_beta is not None else "default",
                "recommendation": str(i.recommendation).strip().upper(),
                "ev_score_7d_pct": _json(t.ev_score_7d_pct),
                "calibrated_confidence": _json(i.calibrated_confidence),
                "confidence_factor": _json(t.confidence_factor),
                "data_quality_score": _json(i.data_quality_score),
                "data_quality_factor": _json(t.quality_factor),
                "regime_label": i.regime_label.strip().lower(),
                "regime_factor": _json(t.regime_factor),
                "regime_cap_pct": RISK_OFF_CAP * 100.0,
                "regime_cap_applied": t.regime_cap_applied,
                "expected_return_pct": _json(t.expected_return * 100.0),
                "daily_volatility_pct": _json(t.daily_volatility_pct),
                "volatility_source": t.volatility_source,
                "horizon_days": _json(i.horizon_days),
                "sessions": _json(t.sessions),
                "variance": _json(t.variance),
                "risk_aversion": _json(i.risk_aversion),
                "beta_penalty": _json(i.beta_penalty),
                "cost_bps": _json(i.cost_bps),
                "max_position_pct": _json(i.max_position_pct),
                "max_sector_pct": _json(i.max_sector_pct),
                "max_turnover_pct": _json(i.max_turnover_pct),
                "target_portfolio_beta": _json(i.target_portfolio_beta),
            },
            "note": self.note,
        }


def _json(value: Any) -> Any:
    """A finite float rounded to 10 decimals (other values untouched); None for NaN / ±inf."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
        return round(number, 10) + 0.0 if math.isfinite(number) else None
    return value


def _finite_or_none(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


# --------------------------------------------------------------------------------------------
# The optimizer
# --------------------------------------------------------------------------------------------


def optimize(inputs: OptimizerInputs) -> OptimizerResult:
    """Solve for the target weight of ``inputs.ticker`` (module docstring: objective, limits)."""
    terms = signal_terms(inputs)
    if inputs.portfolio_value <= 0:
        return _no_portfolio(inputs, terms)

    model = _model(inputs, terms)
    w0 = model.w0
    lower, upper = feasible_interval(inputs)
    feasible = upper >= lower - TOLERANCE
    if feasible:
        # An interval empty by a rounding error (≤ 1e-12) is the single point L.
        upper = max(upper, lower)
    position_limit = float(inputs.max_position_pct)
    sector_room = float(inputs.max_sector_pct) - inputs.sector_weight_ex
    turnover = float(inputs.max_turnover_pct)

    if feasible:
        solution = _maximise(model, lower, upper)
        target = solution.weight
        binding = _binding(
            solution, target, w0, model.cost, lower, upper, position_limit, sector_room, turnover
        )
    else:
        # No weight meets every limit within the turnover: go as far toward feasibility as the
        # turnover allows (down to L); the violated limit fails in the trace.
        solution = _maximise(model, lower, lower)
        target = lower
        binding = "turnover_limit" if lower > 0 else "sector_limit"

    delta = target - w0
    beta_before = model.beta_ex + model.beta * w0
    beta_after = model.beta_ex + model.beta * target
    action = _action(delta, target, w0)
    if action == "hold":
        shares = 0.0
    elif target == 0.0:
        shares = -float(inputs.current_shares)
    else:
        shares = _whole_shares_toward_zero(delta * inputs.portfolio_value / inputs.price)
    cost_usd = abs(shares) * inputs.price * model.cost

    trace = (
        ConstraintCheck(
            name="position_limit",
            limit=position_limit,
            projected=target,
            passed=-TOLERANCE <= target <= position_limit + TOLERANCE,
            binding=binding == "position_limit",
        ),
        ConstraintCheck(
            name="sector_limit",
            limit=float(inputs.max_sector_pct),
            projected=inputs.sector_weight_ex + target,
            passed=inputs.sector_weight_ex + target <= float(inputs.max_sector_pct) + TOLERANCE,
            binding=binding == "sector_limit",
        ),
        ConstraintCheck(
            name="turnover_limit",
            limit=turnover,
            projected=abs(delta),
            passed=abs(delta) <= turnover + TOLERANCE,
            binding=binding == "turnover_limit",
        ),
    )

    value, current_value = model.f(target), model.f(w0)
    best = _maximise(model, 0.0, max(1.0, w0))
    fit = _fit_score(value, current_value, model.f(best.weight))

    band = None
    if solution.buy is not None and solution.sell is not None and model.cost > 0:
        band = (solution.buy, solution.sell)
    return OptimizerResult(
        ticker=inputs.ticker,
        action=action,
        current_weight=w0,
        target_weight=target,
        delta_weight=delta,
        shares_to_trade=shares,
        estimated_cost_usd=cost_usd,
        portfolio_beta_before=beta_before,
        portfolio_beta_after=beta_after,
        binding_constraint=binding,
        constraint_trace=trace,
        feasible=feasible,
        fit_score=fit,
        objective_value=value,
        objective_value_current=current_value,
        expected_return_pct=terms.expected_return * 100.0,
        lower_bound=lower,
        upper_bound=upper,
        unconstrained_weight=_finite_or_none(solution.unconstrained),
        no_trade_band=band,
        terms=terms,
        inputs=inputs,
        note=_note(action, binding, feasible, delta),
    )


def _binding(
    solution: _Solution,
    target: float,
    w0: float,
    cost: float,
    lower: float,
    upper: float,
    position_limit: float,
    sector_room: float,
    turnover: float,
) -> str:
    """Which limit stops the target short of the unconstrained optimum (module docstring)."""
    star = solution.unconstrained
    if star > upper + TOLERANCE and target >= upper - TOLERANCE:
        for name, bound in (
            ("position_limit", position_limit),
            ("sector_limit", sector_room),
            ("turnover_limit", w0 + turnover),
        ):
            if bound == upper:
                return name
    if star < lower - TOLERANCE and target <= lower + TOLERANCE:
        # L is w0 − T (turnover) when positive, else the long-only floor of the position limit.
        return "turnover_limit" if lower > 0 else "position_limit"
    # Held by the no-trade band: no trade, while the cost-free optimum would move the weight.
    cost_free = _clip(solution.cost_free, lower, upper)
    if abs(target - w0) <= TOLERANCE and cost > 0 and abs(cost_free - w0) > TOLERANCE:
        return "no_trade_band"
    return "none"


def _action(delta: float, target: float, current: float) -> str:
    """hold when |δ| < 0.002; exit when target ≤ 0.002 with a position; add when δ > 0; trim."""
    if abs(delta) < MIN_TRADE_WEIGHT:
        return "hold"
    if target <= MIN_TRADE_WEIGHT and current > 0:
        return "exit"
    if delta > 0:
        return "add"
    return "trim"


def _whole_shares_toward_zero(shares: float) -> float:
    """Truncate toward zero, forgiving a float error of 1e-9 relative (99.9999999999 → 100)."""
    nudged = shares + math.copysign(1e-9 * max(1.0, abs(shares)), shares)
    return float(math.trunc(nudged))


def _fit_score(value: float, current: float, best: float) -> float:
    """``100·(f(target) − f(w0)) / (f(w_best) − f(w0))`` clamped to [0, 100] (see the result)."""
    possible = best - current
    gained = value - current
    if possible <= TOLERANCE:
        return 100.0 if gained >= -TOLERANCE else 0.0
    return min(100.0, max(0.0, 100.0 * gained / possible))


def _note(action: str, binding: str, feasible: bool, delta: float) -> str:
    if not feasible:
        return (
            "No weight meets every limit within the turnover: the target goes as far toward "
            f"the limits as the turnover allows ({binding} holds it there)."
        )
    parts = {
        "position_limit": "The position limit (0 ≤ w ≤ max_position) binds.",
        "sector_limit": "The sector limit binds.",
        "turnover_limit": "The turnover limit binds.",
        "no_trade_band": "The expected gain does not cover the transaction cost: no trade.",
        "none": "Interior optimum: no limit binds.",
    }
    text = parts[binding]
    if action == "hold" and abs(delta) > 0:
        text += f" The change is below the {MIN_TRADE_WEIGHT:.1%} minimum trade: hold."
    return text


def _no_portfolio(inputs: OptimizerInputs, terms: SignalTerms) -> OptimizerResult:
    """With no market value there is nothing to weight against: hold, explained."""
    trace = tuple(
        ConstraintCheck(name=name, limit=float(limit), projected=0.0, passed=True, binding=False)
        for name, limit in (
            ("position_limit", inputs.max_position_pct),
            ("sector_limit", inputs.max_sector_pct),
            ("turnover_limit", inputs.max_turnover_pct),
        )
    )
    return OptimizerResult(
        ticker=inputs.ticker,
        action="hold",
        current_weight=0.0,
        target_weight=0.0,
        delta_weight=0.0,
        shares_to_trade=0.0,
        estimated_cost_usd=0.0,
        portfolio_beta_before=None,
        portfolio_beta_after=None,
        binding_constraint="no_portfolio",
        constraint_trace=trace,
        feasible=True,
        fit_score=None,
        objective_value=None,
        objective_value_current=None,
        expected_return_pct=terms.expected_return * 100.0,
        lower_bound=None,
        upper_bound=None,
        unconstrained_weight=None,
        no_trade_band=None,
        terms=terms,
        inputs=inputs,
        note=(
            "The portfolio has no market value, so there is nothing to weight this ticker "
            "against: no target weight is proposed. Size a first position by hand."
        ),
    )
