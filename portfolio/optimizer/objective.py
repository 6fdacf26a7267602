"""The signal's terms and the objective: μ and σ² with their shrinks (:func:`signal_terms`) and
``f(w) = μ·w − ½·γ·σ²·w² − λ·(B_ex + β·w − β*)² − c·|w − w0|`` (:func:`objective`).
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.optimizer.inputs import OptimizerInputs
from portfolio.optimizer.parameters import (
    DEFAULT_DAILY_VOLATILITY_PCT,
    LOW_QUALITY_FACTOR,
    LOW_QUALITY_THRESHOLD,
    RISK_OFF_CAP,
    RISK_OFF_FACTOR,
    SESSIONS_PER_DAY,
)


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
class ObjectiveModel:
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


def build_model(inputs: OptimizerInputs, terms: SignalTerms | None = None) -> ObjectiveModel:
    terms = terms or signal_terms(inputs)
    return ObjectiveModel(
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
    return build_model(inputs).f(float(w))
