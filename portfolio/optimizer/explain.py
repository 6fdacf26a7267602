"""What moved the target: the note names each input that shifted it, with its number.

A PM reading "hold, 0.0 % → 0.0 %" must see why: the expected return after each shrink (the
confidence, the data quality, the risk-off halving and cap), the beta penalty's pull on the first
unit of weight, and the transaction cost it has to beat. Pure: plain numbers in, text out.
"""

from __future__ import annotations

from portfolio.optimizer.inputs import OptimizerInputs
from portfolio.optimizer.objective import ObjectiveModel, SignalTerms
from portfolio.optimizer.parameters import LOW_QUALITY_THRESHOLD, RISK_OFF_CAP, RISK_OFF_FACTOR


def _pct(fraction: float, digits: int = 3) -> str:
    return f"{fraction * 100:+.{digits}f}%"


def expected_return_text(inputs: OptimizerInputs, terms: SignalTerms) -> str:
    """μ from the EV, each shrink named with its factor."""
    raw = terms.ev_score_7d_pct / 100.0 * terms.confidence_factor
    text = f"Expected return μ = EV {terms.ev_score_7d_pct:+.2f}% × calibrated confidence "
    text += f"{terms.confidence_factor:.2f} = {_pct(raw)}"
    if terms.quality_factor != 1.0:
        score = "unknown" if inputs.data_quality_score is None else f"{inputs.data_quality_score:.0f}"
        raw *= terms.quality_factor
        text += (
            f"; × {terms.quality_factor:.1f} for data quality {score} "
            f"(below {LOW_QUALITY_THRESHOLD:.0f}) = {_pct(raw)}"
        )
    if terms.regime_factor != 1.0:
        halved = raw * RISK_OFF_FACTOR
        text += f"; the risk-off regime halves it to {_pct(halved)}"
        if terms.regime_cap_applied:
            text += f" and caps it at {_pct(RISK_OFF_CAP)}"
    return text + "."


def beta_text(model: ObjectiveModel) -> str:
    """The beta penalty's pull on the first unit of weight: −2λβ(B_ex − β*)."""
    pull = -2.0 * model.lam * model.beta * (model.beta_ex - model.beta_target)
    if model.lam == 0 or pull == 0:
        return (
            f"The beta penalty does not move the target (λ = {model.lam:g}, book beta "
            f"{model.beta_ex:.2f} without this ticker against a target of {model.beta_target:.2f})."
        )
    side = "against adding" if pull < 0 else "toward adding"
    return (
        f"Beta penalty (λ = {model.lam:g}): with the book's beta {model.beta_ex:.2f} without this "
        f"ticker against a target of {model.beta_target:.2f} and this ticker's β {model.beta:.2f}, it "
        f"moves the return of the first unit of weight by {_pct(pull)} ({side})."
    )


def cost_text(inputs: OptimizerInputs, model: ObjectiveModel) -> str:
    net_buy = model.slope0 - model.cost
    text = f"Transaction cost {inputs.cost_bps:g} bps ({_pct(model.cost)} of each unit traded)"
    if model.w0 == 0.0:
        verdict = "no purchase pays" if net_buy <= 0 else "a purchase pays"
        text += f": the first unit of weight earns μ + beta pull − cost = {_pct(net_buy)}, so {verdict}"
    return text + "."


def drivers(inputs: OptimizerInputs, terms: SignalTerms, model: ObjectiveModel) -> list[str]:
    """One sentence per input that moved the target, in the order they enter the objective."""
    return [expected_return_text(inputs, terms), beta_text(model), cost_text(inputs, model)]
