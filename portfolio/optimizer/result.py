"""The optimizer's answer: :class:`OptimizerResult` and its trace rows (:class:`ConstraintCheck`),
the values their fields take, and their JSON (``portfolio_action_v2``, :data:`SCHEMA_VERSION`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, overload

from core.numeric import finite_number
from portfolio.optimizer.inputs import OptimizerInputs
from portfolio.optimizer.objective import SignalTerms
from portfolio.optimizer.parameters import RISK_OFF_CAP

SCHEMA_VERSION = "optimizer-2"

BINDING_CONSTRAINTS: tuple[str, ...] = (
    "position_limit",
    "sector_limit",
    "turnover_limit",
    "no_trade_band",
    "none",
    "no_portfolio",
)
ACTIONS: tuple[str, ...] = ("add", "trim", "exit", "hold")


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
        out = {
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
        return with_earlier_keys(out)


def _number(value: Any, default: float = 0.0) -> float:
    number = finite_number(value)
    return default if number is None else number


@overload
def with_earlier_keys(action: dict[str, Any]) -> dict[str, Any]: ...
@overload
def with_earlier_keys(action: None) -> None: ...
def with_earlier_keys(action: dict[str, Any] | None) -> dict[str, Any] | None:
    """``portfolio_action_v2`` with the earlier optimizer's keys beside ours; idempotent.

    ``recommended_action`` = ``action``; ``current_position_pct`` / ``target_position_pct`` /
    ``target_delta_pct`` the weights (fractions); ``projected_sector_pct`` the sector's weight
    after the trade; ``fit_score`` a whole number (ours, unrounded and None with no portfolio,
    is ``fit_score_exact``); ``objective_score`` ``f(target)`` (0 when undefined); each trace row
    gains ``limit_pct`` / ``projected_pct`` / ``status`` (pass/fail); ``signal_inputs`` and
    ``search_space`` summarise what was sized and over what interval. Safe on actions stored
    before these keys and on the error form ``{action, error}``.
    """
    if not isinstance(action, dict):
        return action
    out = dict(action)
    inputs: dict[str, Any] = out["inputs"] if isinstance(out.get("inputs"), dict) else {}
    search: dict[str, Any] = out["search"] if isinstance(out.get("search"), dict) else {}
    current = _number(out.get("current_weight"))
    target = _number(out.get("target_weight"), current)
    out.setdefault("fit_score_exact", out.get("fit_score"))
    fit = out["fit_score_exact"]
    out["recommended_action"] = out.get("action") or "hold"
    out["fit_score"] = round(_number(fit))
    out["objective_score"] = _number(out.get("objective_value"))
    out["current_position_pct"] = current
    out["target_position_pct"] = target
    out["target_delta_pct"] = _number(out.get("delta_weight"), target - current)
    out["projected_sector_pct"] = _number(inputs.get("sector_weight_ex")) + target
    signal: dict[str, Any] = out["signal_inputs"] if isinstance(out.get("signal_inputs"), dict) else {}
    out["signal_inputs"] = {
        "recommendation": inputs.get("recommendation") or "HOLD",
        "ev_score_7d": _number(inputs.get("ev_score_7d_pct")),
        "confidence_calibrated": _number(inputs.get("calibrated_confidence")),
        "data_quality_score": _number(inputs.get("data_quality_score")),
        "conflict_score": _number(signal.get("conflict_score")),
        "regime_label": inputs.get("regime_label") or "transition",
    }
    trace = []
    for row in out.get("constraint_trace") or []:
        if not isinstance(row, dict):
            continue
        row = dict(row)
        row.setdefault("limit_pct", _number(row.get("limit")))
        row.setdefault("projected_pct", _number(row.get("projected")))
        row.setdefault("status", "pass" if row.get("passed", True) else "fail")
        trace.append(row)
    out["constraint_trace"] = trace
    lower, upper = search.get("lower_bound"), search.get("upper_bound")
    candidates = {
        round(_number(w), 10)
        for w in (lower, upper, search.get("unconstrained_weight"), out.get("current_weight"))
        if isinstance(w, int | float)
    }
    out["search_space"] = {
        "max_turnover_pct": _number(inputs.get("max_turnover_pct")),
        # Closed form: no grid, so no step; the candidates are the interval's ends, the
        # unconstrained optimum and the current weight.
        "step_pct": 0.0,
        "candidate_count": len(candidates),
        "lower_bound_pct": lower,
        "upper_bound_pct": upper,
    }
    return out


def _json(value: Any) -> Any:
    """A finite float rounded to 10 decimals (other values untouched); None for NaN / ±inf."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        number = float(value)
        return round(number, 10) + 0.0 if math.isfinite(number) else None
    return value
