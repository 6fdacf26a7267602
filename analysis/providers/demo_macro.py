"""The demo provider's macro series: one synthetic economy, monthly, from a fixed seed.

Inflation and unemployment drift smoothly (momentum plus pull to a norm, kept in plausible
bounds), GDP growth prints quarterly, the policy rate follows a Taylor-style rule in quarter
point steps, and the 2-year and 10-year yields sit on top of it with their own slow spreads,
so the curve flattens and inverts when policy tightens. A month's figures are released on the
15th of the next month at 08:30 New York.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np

from analysis.market_data import NEW_YORK, MacroSnapshot
from analysis.providers.demo_market import rng

FIRST_MONTH = np.datetime64("2009-01", "M")
_RELEASE_DAY, _RELEASE_TIME = 15, dt.time(8, 30)
# Column order of the series.
FED_FUNDS, CPI, GDP, TEN_YEAR, TWO_YEAR, UNEMPLOYMENT = range(6)


@functools.lru_cache(maxsize=16)
def macro_series(end_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Months (datetime64[M]) from 2009-01 through December of `end_year`, and their values (n × 6).

    Draws come in one block per calendar year, so a later `end_year` never changes an earlier month.
    """
    first_year = int(FIRST_MONTH.astype("datetime64[Y]").astype(int)) + 1970
    shocks = np.concatenate(
        [rng("macro", year).standard_normal((12, 5)) for year in range(first_year, end_year + 1)]
    )
    months = FIRST_MONTH + np.arange(shocks.shape[0])
    values = np.empty((shocks.shape[0], 6))
    cpi, cpi_step = 1.2, 0.0
    unemployment, unemployment_step = 8.5, 0.0
    gdp, fed_funds, front_spread, term_spread = 1.0, 0.125, 0.4, 2.4
    for t, (e_cpi, e_unemployment, e_gdp, e_front, e_term) in enumerate(shocks.tolist()):
        cpi_step = 0.8 * cpi_step + 0.03 * (2.5 - cpi) + 0.1 * e_cpi
        cpi = min(9.0, max(-0.5, cpi + cpi_step))
        if t % 3 == 2:  # a quarter's GDP print
            gdp = min(7.0, max(-5.0, 0.45 * gdp + 0.55 * 2.2 + 1.2 * e_gdp))
        unemployment_step = 0.75 * unemployment_step + 0.015 * (4.8 - unemployment) - 0.015 * (gdp - 2.0)
        unemployment_step += 0.05 * e_unemployment
        unemployment = min(10.5, max(3.4, unemployment + unemployment_step))
        target = min(6.0, max(0.125, 1.0 + cpi + 0.5 * (cpi - 2.0) - 1.0 * (unemployment - 4.5)))
        gap = target - fed_funds
        if abs(gap) > 0.375:
            fed_funds += (0.5 if abs(gap) > 1.5 else 0.25) * (1 if gap > 0 else -1)
            fed_funds = min(6.0, max(0.125, fed_funds))
        front_spread = 0.9 * front_spread + 0.1 * 0.3 + 0.3 * 0.1 * gap + 0.1 * e_front
        term_spread = 0.9 * term_spread + 0.1 * (1.2 - 0.45 * (fed_funds - 2.0)) + 0.12 * e_term
        term_spread = min(3.0, max(-1.2, term_spread))
        two_year = max(0.05, fed_funds + front_spread)
        ten_year = min(8.0, max(0.5, two_year + term_spread))
        values[t] = (fed_funds, cpi, gdp, ten_year, two_year, unemployment)
    values.flags.writeable = False
    return months, values


def release_time(month: np.datetime64) -> dt.datetime:
    next_month = (month + 1).astype(dt.date)
    return dt.datetime.combine(next_month.replace(day=_RELEASE_DAY), _RELEASE_TIME, tzinfo=NEW_YORK)


def demo_macro(*, as_of: dt.datetime) -> MacroSnapshot | None:
    """The latest month released by `as_of`; None before the first release."""
    local = as_of.astimezone(NEW_YORK)
    # The month before last is always out by the 1st; last month only from the 15th, 08:30.
    month = np.datetime64(local.date(), "M") - 1
    if release_time(month) > as_of:
        month -= 1
    if month < FIRST_MONTH:
        return None
    _, values = macro_series(int(month.astype("datetime64[Y]").astype(int)) + 1970)
    t = int(month - FIRST_MONTH)
    row, earlier = values[t], values[max(0, t - 6)]
    return MacroSnapshot(
        as_of=release_time(month).date(),
        source="demo",
        is_demo=True,
        fed_funds_rate=round(float(row[FED_FUNDS]), 2),
        cpi_yoy=round(float(row[CPI]), 2),
        gdp_growth=round(float(row[GDP]), 2),
        treasury_10y=round(float(row[TEN_YEAR]), 2),
        treasury_2y=round(float(row[TWO_YEAR]), 2),
        unemployment_rate=round(float(row[UNEMPLOYMENT]), 2),
        fed_funds_change_6m=round(float(row[FED_FUNDS] - earlier[FED_FUNDS]), 2),
    )
