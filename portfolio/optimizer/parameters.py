"""The optimizer's numbers: default risk aversion, beta penalty and volatility, the shrinks of μ,
the minimum trade and the tolerance of the checks (units in the package docstring).
"""

from __future__ import annotations

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
