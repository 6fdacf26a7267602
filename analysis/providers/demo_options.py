"""The demo provider's options summary: fixed per ticker and trading day.

Built from the bars visible that day: volume scales with the stock's recent share volume, the
put/call ratio leans towards puts after a falling week (mostly 0.5..1.5, now and then
extreme), max pain sits near the last close, and implied volatility tracks the 20-day
realised volatility with a premium.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from analysis.market_data import OptionsSummary, UnusualOptionActivity, last_closed_session_day
from analysis.providers.calendar import trading_day_on_or_before
from analysis.providers.demo_market import TRADING_DAYS_PER_YEAR, history, rng


def _strike_step(price: float) -> float:
    return 1.0 if price < 100 else 2.5 if price < 250 else 5.0


def _snap(price: float, step: float) -> float:
    return max(step, round(price / step) * step)


def monthly_expiries(after: dt.date, count: int) -> list[dt.date]:
    """The next `count` monthly expiries (third Friday, or the trading day before) after a day."""
    found: list[dt.date] = []
    year, month = after.year, after.month
    while len(found) < count:
        first = dt.date(year, month, 1)
        third_friday = first + dt.timedelta(days=(4 - first.weekday()) % 7 + 14)
        expiry = trading_day_on_or_before(third_friday)
        if expiry > after:
            found.append(expiry)
        year, month = year + month // 12, month % 12 + 1
    return found


def demo_options(ticker: str, *, as_of: dt.datetime) -> OptionsSummary | None:
    """The summary after the last closed session; None before the synthetic market opens."""
    last_day = last_closed_session_day(as_of)
    bars = history(ticker, last_day.year)
    visible = bars.end_index(last_day)
    if visible == 0:
        return None
    day = bars.dates[visible - 1].astype(dt.date)
    close = float(bars.close[visible - 1])
    recent = bars.log_return[max(0, visible - 20) : visible]
    realised = float(np.std(recent)) * math.sqrt(TRADING_DAYS_PER_YEAR) if recent.size > 1 else 0.25
    week_return = float(np.sum(bars.log_return[max(0, visible - 5) : visible]))
    average_volume = float(np.mean(bars.volume[max(0, visible - 20) : visible]))

    generator = rng(ticker, "options", day)
    put_call = 0.85 * math.exp(-3.0 * week_return + 0.22 * float(generator.standard_normal()))
    if generator.random() < 0.06:  # the odd day of one-sided positioning
        put_call *= 2.0 if generator.random() < 0.5 else 0.4
    contracts = average_volume / 100.0 * float(generator.uniform(0.3, 1.2))
    call_volume = max(1, round(contracts / (1.0 + put_call)))
    put_volume = max(1, round(call_volume * put_call))
    call_open_interest = round(call_volume * float(generator.uniform(4.0, 10.0)))
    put_open_interest = round(
        call_open_interest * put_call * math.exp(0.15 * float(generator.standard_normal()))
    )

    step = _strike_step(close)
    highest_iv = max(0.08, realised * float(generator.uniform(1.1, 1.5)) + 0.04)
    expiries = monthly_expiries(day, 3)
    unusual = []
    for _ in range(int(generator.choice(4, p=[0.45, 0.30, 0.17, 0.08]))):
        open_interest = int(generator.integers(200, 5000))
        unusual.append(
            UnusualOptionActivity(
                kind="put" if generator.random() < put_call / (1.0 + put_call) else "call",
                strike=_snap(close * math.exp(0.08 * float(generator.standard_normal())), step),
                expiry=expiries[int(generator.integers(len(expiries)))],
                volume=round(open_interest * float(generator.uniform(2.0, 8.0))),
                open_interest=open_interest,
                implied_volatility=round(highest_iv * float(generator.uniform(0.6, 1.0)), 4),
            )
        )
    return OptionsSummary(
        ticker=ticker,
        as_of=day,
        source="demo",
        is_demo=True,
        call_volume=call_volume,
        put_volume=put_volume,
        call_open_interest=call_open_interest,
        put_open_interest=max(1, put_open_interest),
        max_pain=_snap(close * math.exp(0.03 * float(generator.standard_normal())), step),
        highest_iv=round(highest_iv, 4),
        unusual=tuple(unusual),
    )
