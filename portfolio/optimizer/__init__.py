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

Modules, each depending only on those above it:

* ``parameters``: the default risk aversion, beta penalty and volatility, the shrinks of μ, the
  minimum trade and the tolerance;
* ``inputs``: :class:`OptimizerInputs`, validated on construction;
* ``holdings``: :class:`HoldingSnapshot` and :func:`portfolio_context`, the inputs' book fields;
* ``objective``: :func:`signal_terms` (μ and σ²) and :func:`objective` (``f``);
* ``maximise``: the closed-form maximiser of ``f`` over an interval, with the no-trade band;
* ``result``: :class:`OptimizerResult`, :class:`ConstraintCheck`, the values of their fields and
  their JSON (``portfolio_action_v2``);
* ``constraints``: :func:`feasible_interval`, the binding constraint and the constraint trace;
* ``solve``: :func:`optimize`, with the action, the shares, the fit score and the note.

Callers import from ``portfolio.optimizer`` what they use (below); the rest stays in its module.
"""

from __future__ import annotations

from portfolio.optimizer.constraints import feasible_interval
from portfolio.optimizer.holdings import HoldingSnapshot, portfolio_context
from portfolio.optimizer.inputs import OptimizerInputs
from portfolio.optimizer.objective import objective, signal_terms
from portfolio.optimizer.parameters import DEFAULT_BETA_PENALTY, DEFAULT_RISK_AVERSION, MIN_TRADE_WEIGHT
from portfolio.optimizer.result import ACTIONS, BINDING_CONSTRAINTS
from portfolio.optimizer.solve import optimize

__all__ = [
    "ACTIONS",
    "BINDING_CONSTRAINTS",
    "DEFAULT_BETA_PENALTY",
    "DEFAULT_RISK_AVERSION",
    "MIN_TRADE_WEIGHT",
    "HoldingSnapshot",
    "OptimizerInputs",
    "feasible_interval",
    "objective",
    "optimize",
    "portfolio_context",
    "signal_terms",
]
