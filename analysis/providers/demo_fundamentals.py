"""The demo provider's fundamentals: fixed per ticker and reported quarter.

A quarter's figures become known when the company reports (07:00 New York on the report
date, before the session its price reacts in), so they change once a quarter and never show
a quarter before its report. Ratios that involve the price (P/E, dividend yield, market cap)
use the last close visible at `as_of`, as a screen would.
"""

from __future__ import annotations

import datetime as dt
import math

from analysis.market_data import NEW_YORK, Fundamentals, last_closed_session_day
from analysis.providers.demo_market import ORIGIN, history, report_calendar, ticker_profile, uniform

REPORT_TIME = dt.time(7, 0)  # New York; reports come out before the open

# (P/E, net margin, debt/equity, ROE, dividend yield, EPS growth) centres per sector.
_SECTOR_TRAITS: dict[str | None, tuple[float, float, float, float, float, float]] = {
    "Communication Services": (20.0, 0.15, 0.8, 0.16, 0.010, 0.10),
    "Consumer Discretionary": (24.0, 0.08, 1.0, 0.20, 0.008, 0.11),
    "Consumer Staples": (21.0, 0.11, 0.9, 0.22, 0.028, 0.05),
    "Energy": (12.0, 0.09, 0.5, 0.14, 0.035, 0.04),
    "Financials": (13.0, 0.22, 1.5, 0.12, 0.024, 0.07),
    "Health Care": (19.0, 0.14, 0.7, 0.18, 0.017, 0.07),
    "Industrials": (19.0, 0.10, 1.0, 0.19, 0.017, 0.07),
    "Information Technology": (28.0, 0.21, 0.5, 0.28, 0.007, 0.14),
    "Materials": (16.0, 0.10, 0.6, 0.14, 0.022, 0.05),
    "Real Estate": (30.0, 0.22, 1.2, 0.08, 0.038, 0.04),
    "Utilities": (18.0, 0.12, 1.6, 0.10, 0.034, 0.04),
    None: (19.0, 0.11, 1.0, 0.17, 0.017, 0.07),  # the index fund, as an aggregate
}


def _quarter_value(ticker: str, quarter_end: dt.date, field: str, spread: float) -> float:
    """A standard-normal-ish draw for one ticker, quarter and field, scaled by `spread`."""
    # The sum of three uniforms is close enough to a normal for this purpose and costs no Generator.
    total = sum(uniform(-1.0, 1.0, ticker, "fundamentals", field, quarter_end, k) for k in range(3))
    return spread * total


def demo_fundamentals(ticker: str, *, as_of: dt.datetime) -> Fundamentals | None:
    """None before the synthetic market has a close and a report to speak of."""
    profile = ticker_profile(ticker)
    last_day = last_closed_session_day(as_of)
    local = as_of.astimezone(NEW_YORK)
    reports = report_calendar(ticker, ORIGIN.year - 1, local.year + 1)
    known = [
        (end, report)
        for end, report in reports
        if dt.datetime.combine(report, REPORT_TIME, tzinfo=NEW_YORK) <= as_of
    ]
    bars = history(ticker, last_day.year)
    visible = bars.end_index(last_day)
    if not known or visible == 0:
        return None
    quarter_end, reported = known[-1]
    upcoming = reports[len(known)][1] if len(known) < len(reports) else None

    pe0, margin0, leverage0, roe0, yield0, growth0 = _SECTOR_TRAITS[profile.sector]
    pe_base = pe0 * uniform(0.7, 1.4, ticker, "pe")
    margin_base = margin0 * uniform(0.5, 1.6, ticker, "margin")
    growth_base = growth0 + uniform(-0.06, 0.08, ticker, "growth")
    pays = profile.is_index or uniform(0.0, 1.0, ticker, "pays-dividend") < 0.75
    yield_base = yield0 * uniform(0.5, 1.6, ticker, "yield") if pays else 0.0

    def noise(field: str, spread: float) -> float:
        return _quarter_value(ticker, quarter_end, field, spread)

    last_close = float(bars.close[visible - 1])
    report_index = bars.end_index(reported - dt.timedelta(days=1))
    close_at_report = float(bars.close[report_index - 1] if report_index else bars.open[0])
    eps_ttm = close_at_report / (pe_base * math.exp(noise("pe", 0.08)))
    dividend_per_share = yield_base * close_at_report * math.exp(noise("dividend", 0.03))
    eps_growth = growth_base + noise("eps-growth", 0.07)
    pe_ratio = last_close / eps_ttm
    profit_margin = max(0.01, margin_base + noise("margin", 0.01))

    beat_rate, beats = None, []
    if not profile.is_index:
        beat_odds = uniform(0.5, 0.85, ticker, "beat-odds")
        last_eight = [end for end, _ in known[-8:]]
        beats = [uniform(0.0, 1.0, ticker, "beat", end) < beat_odds for end in last_eight]
        beat_rate = sum(beats) / len(beats)

    market_cap = None
    if not profile.is_index:
        # A fixed share count, so the market cap moves with the price.
        anchor_cap = math.exp(uniform(math.log(2e9), math.log(5e11), ticker, "market-cap"))
        market_cap = round(anchor_cap / profile.anchor_price * last_close, -6)

    return Fundamentals(
        ticker=ticker,
        as_of=bars.dates[visible - 1].astype(dt.date),
        source="demo",
        is_demo=True,
        sector=profile.sector,
        market_cap=market_cap,
        beta=round(profile.beta, 2),
        pe_ratio=round(pe_ratio, 2),
        forward_pe=round(pe_ratio / (1.0 + min(0.5, max(-0.3, 0.5 * eps_growth + 0.04))), 2),
        profit_margin=round(profit_margin, 4),
        operating_margin=round(profit_margin * uniform(1.15, 1.45, ticker, "operating"), 4),
        debt_to_equity=round(
            leverage0 * uniform(0.3, 1.8, ticker, "leverage") * math.exp(noise("debt", 0.04)), 3
        ),
        return_on_equity=round(roe0 * uniform(0.6, 1.5, ticker, "roe") + noise("roe", 0.012), 4),
        dividend_yield=round(dividend_per_share / last_close, 4),
        earnings_beat_rate=beat_rate,
        eps_growth=round(eps_growth, 4),
        revenue_growth=round(0.6 * growth_base + 0.25 * eps_growth + noise("revenue", 0.015), 4),
        next_earnings_date=None if profile.is_index else upcoming,
        last_earnings_date=None if profile.is_index else reported,
        company_name=profile.name,
        earnings_per_share=round(eps_ttm, 4),
        earnings_beats=sum(beats) if beat_rate is not None else None,
        earnings_quarters=len(beats) if beat_rate is not None else None,
    )
