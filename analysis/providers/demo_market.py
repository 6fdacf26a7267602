"""The demo provider's synthetic market: per-ticker profiles and daily bars.

Everything is a pure function of the ticker and the calendar. Seeds come from a stable hash
(blake2b, never Python's salted `hash()`), and random numbers are drawn in one block per
ticker and calendar year, so extending the history to a later year never changes an earlier
bar. The index (SPY) follows a GARCH(1,1) process with Student-t shocks under slow bull/bear
regimes; every other ticker is its beta times the index return plus its own GARCH noise,
with wider moves on its earnings days.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from analysis.providers.calendar import trading_day_on_or_after, trading_days
from analysis.providers.symbols import INDEX_TICKER

ORIGIN = dt.date(2010, 1, 4)  # the first synthetic session
# Price levels are pinned here, so prices look like today's whatever the path before.
ANCHOR = dt.date(2025, 1, 2)
TRADING_DAYS_PER_YEAR = 252

SECTORS = (
    "Communication Services",
    "Consumer Discretionary",
    "Consumer Staples",
    "Energy",
    "Financials",
    "Health Care",
    "Industrials",
    "Information Technology",
    "Materials",
    "Real Estate",
    "Utilities",
)

# Betas a sector's stocks plausibly have; the model's betas stay within 0.6..1.8.
_SECTOR_BETAS = {
    "Communication Services": (0.9, 1.4),
    "Consumer Discretionary": (1.0, 1.6),
    "Consumer Staples": (0.6, 0.85),
    "Energy": (0.9, 1.5),
    "Financials": (0.9, 1.4),
    "Health Care": (0.65, 1.1),
    "Industrials": (0.9, 1.35),
    "Information Technology": (1.05, 1.8),
    "Materials": (0.9, 1.35),
    "Real Estate": (0.7, 1.2),
    "Utilities": (0.6, 0.8),
}

# Large caps whose sector a user would notice being wrong.
_KNOWN = {
    "AAPL": ("Apple", "Information Technology"),
    "MSFT": ("Microsoft", "Information Technology"),
    "NVDA": ("NVIDIA", "Information Technology"),
    "GOOGL": ("Alphabet", "Communication Services"),
    "META": ("Meta Platforms", "Communication Services"),
    "AMZN": ("Amazon", "Consumer Discretionary"),
    "TSLA": ("Tesla", "Consumer Discretionary"),
    "JPM": ("JPMorgan Chase", "Financials"),
    "BRK.B": ("Berkshire Hathaway", "Financials"),
    "XOM": ("Exxon Mobil", "Energy"),
    "JNJ": ("Johnson & Johnson", "Health Care"),
    "PG": ("Procter & Gamble", "Consumer Staples"),
    "KO": ("Coca-Cola", "Consumer Staples"),
    "CAT": ("Caterpillar", "Industrials"),
}

# Index: ~17.5 % annualised long-run volatility, persistent GARCH clustering, t(6) shocks.
_INDEX_VOL = 0.175
_INDEX_ALPHA, _INDEX_BETA, _INDEX_DOF = 0.07, 0.91, 6.0
# Regimes: long bull runs drifting up, shorter and more volatile bear runs drifting down.
_BULL_DRIFT, _BEAR_DRIFT = 0.13, -0.22  # annualised log drift
_BULL_VOL, _BEAR_VOL = 0.9, 1.4  # multipliers of the GARCH volatility
_EARNINGS_SHOCK = 2.5  # an earnings day's idiosyncratic move, in units of a normal day's


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from the parts' text: the same on every run, machine and Python build."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def rng(*parts: object) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(stable_seed(*parts)))


def uniform(low: float, high: float, *parts: object) -> float:
    """A number in [low, high) fixed by the parts."""
    return low + (high - low) * (stable_seed(*parts) / 2.0**64)


@dataclass(frozen=True)
class TickerProfile:
    ticker: str
    name: str
    sector: str | None  # None for the index fund
    beta: float  # to the index, as the price model uses it
    idio_vol: float  # annualised volatility of the idiosyncratic return
    garch_alpha: float
    garch_beta: float
    dof: float  # Student-t degrees of freedom of the shocks
    drift: float  # annualised log drift on top of beta times the index
    anchor_price: float  # close on ANCHOR
    avg_volume: float  # shares per day
    earnings_offset: int  # days after quarter end the company usually reports

    @property
    def is_index(self) -> bool:
        return self.ticker == INDEX_TICKER


@functools.lru_cache(maxsize=4096)
def ticker_profile(ticker: str) -> TickerProfile:
    """The fixed character of a (normalised) ticker."""
    if ticker == INDEX_TICKER:
        return TickerProfile(
            ticker=ticker,
            name="S&P 500 index fund",
            sector=None,
            beta=1.0,
            idio_vol=0.0,
            garch_alpha=_INDEX_ALPHA,
            garch_beta=_INDEX_BETA,
            dof=_INDEX_DOF,
            drift=0.0,
            anchor_price=585.0,
            avg_volume=9.0e7,
            earnings_offset=0,
        )
    name, sector = _KNOWN.get(ticker, (ticker, SECTORS[stable_seed(ticker, "sector") % len(SECTORS)]))
    low, high = _SECTOR_BETAS[sector]
    alpha = uniform(0.03, 0.07, ticker, "garch-alpha")
    return TickerProfile(
        ticker=ticker,
        name=name,
        sector=sector,
        beta=round(uniform(low, high, ticker, "beta"), 3),
        idio_vol=uniform(0.10, 0.24, ticker, "idio-vol"),
        garch_alpha=alpha,
        garch_beta=uniform(0.95, 0.98, ticker, "persistence") - alpha,
        dof=uniform(4.5, 8.0, ticker, "dof"),
        drift=uniform(-0.04, 0.06, ticker, "drift"),
        anchor_price=round(math.exp(uniform(math.log(20.0), math.log(600.0), ticker, "price")), 2),
        avg_volume=math.exp(uniform(math.log(5.0e5), math.log(4.0e7), ticker, "volume")),
        earnings_offset=int(uniform(26, 34, ticker, "earnings-offset")),
    )


def garch_variance(z: np.ndarray, *, omega: float, alpha: float, beta: float, var0: float) -> np.ndarray:
    """Conditional variances of GARCH(1,1) driven by unit shocks `z`.

    s2[0] = var0 and s2[t] = omega + alpha * eps[t-1]**2 + beta * s2[t-1] with eps = sqrt(s2) * z,
    i.e. s2[t] = omega + a[t-1] * s2[t-1] with a = alpha * z**2 + beta: a linear recurrence,
    solved in closed form over blocks (products as cumulative sums of logs) so that no Python
    loop runs per day; blocks keep the products far from overflow.
    """
    n = z.shape[0]
    out = np.empty(n)
    if n == 0:
        return out
    a = alpha * z * z + beta
    block = 256
    var = var0
    for start in range(0, n, block):
        stop = min(start + block, n)
        log_p = np.zeros(stop - start)
        np.cumsum(np.log(a[start : stop - 1]), out=log_p[1:])
        inverse_sum = np.zeros(stop - start)
        np.cumsum(np.exp(-log_p[1:]), out=inverse_sum[1:])
        out[start:stop] = np.exp(log_p) * (var + omega * inverse_sum)
        var = omega + a[stop - 1] * out[stop - 1]
    return out


@dataclass(frozen=True)
class History:
    """A ticker's bars from ORIGIN to the end of a year; arrays are read-only and shared."""

    dates: np.ndarray  # datetime64[D]
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    log_return: np.ndarray  # close to close
    sigma: np.ndarray  # the model's conditional daily volatility, for standardising returns

    def end_index(self, day: dt.date) -> int:
        """How many bars are dated on or before `day`."""
        return int(np.searchsorted(self.dates, np.datetime64(day, "D"), side="right"))


@functools.lru_cache(maxsize=64)
def _session_dates(end_year: int) -> np.ndarray:
    dates = trading_days(ORIGIN, dt.date(end_year, 12, 31))
    dates.flags.writeable = False
    return dates


def _yearly_draws(ticker: str, dates: np.ndarray, dof: float) -> tuple[np.ndarray, np.ndarray]:
    """Unit-variance t shocks and four rows of normal noise, one fixed block per calendar year."""
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    first, counts = years[0], np.bincount(years - years[0])
    shocks, noise = [], []
    scale = math.sqrt((dof - 2.0) / dof)
    for offset, count in enumerate(counts.tolist()):
        generator = rng(ticker, "bars", int(first) + offset)
        shocks.append(np.clip(generator.standard_t(dof, count) * scale, -12.0, 12.0))
        noise.append(generator.standard_normal((4, count)))
    return np.concatenate(shocks), np.concatenate(noise, axis=1)


@functools.lru_cache(maxsize=1)
def _regime_lengths() -> np.ndarray:
    """Alternating bull and bear run lengths in sessions (bull first), fixed for all time."""
    generator = rng("market-regimes")
    bulls = 150 + generator.gamma(2.0, 220.0, 400)
    bears = np.minimum(40 + generator.gamma(3.0, 25.0, 400), 170)
    return np.column_stack([bulls, bears]).ravel().astype(np.int64)


def _bear_mask(n: int) -> np.ndarray:
    ends = np.cumsum(_regime_lengths())
    return (np.searchsorted(ends, np.arange(n), side="right") % 2) == 1


def _bars(
    profile: TickerProfile,
    dates: np.ndarray,
    log_return: np.ndarray,
    sigma: np.ndarray,
    noise: np.ndarray,
    earnings: np.ndarray,
) -> History:
    growth = np.exp(np.cumsum(log_return))
    level = profile.anchor_price / growth[int(np.searchsorted(dates, np.datetime64(ANCHOR, "D")))]
    close = level * growth
    previous = np.concatenate([[level], close[:-1]])
    # Part of each day's move happens overnight; on earnings days most of it does.
    gap = np.where(
        earnings, 0.85 * log_return + 0.1 * sigma * noise[0], 0.35 * log_return + 0.25 * sigma * noise[0]
    )
    open_ = previous * np.exp(gap)
    high = np.maximum(open_, close) * np.exp(0.55 * sigma * np.abs(noise[1]))
    low = np.minimum(open_, close) * np.exp(-0.55 * sigma * np.abs(noise[2]))
    # Four decimals, as adjusted histories are quoted; rounding is monotone, so low <= open,
    # close <= high survives it.
    open_, high, low, close = (np.maximum(np.round(x, 4), 0.0001) for x in (open_, high, low, close))
    # Measured against the model's long-run volatility, not the sample's, so a bar's volume
    # never depends on how far the history runs.
    long_run = math.hypot(profile.beta * _INDEX_VOL, profile.idio_vol) / math.sqrt(TRADING_DAYS_PER_YEAR)
    surprise = np.abs(log_return) / long_run - 0.8
    volume = profile.avg_volume * np.exp(np.clip(0.28 * noise[3] + 0.45 * surprise, -2.0, 3.0))
    volume = np.maximum(np.rint(np.where(earnings, 2.2 * volume, volume)), 100.0)
    arrays = (
        dates,
        open_,
        high,
        low,
        close,
        volume,
        np.diff(np.log(close), prepend=math.log(level)),
        sigma,
    )
    for array in arrays:
        array.flags.writeable = False
    return History(*arrays)


@functools.lru_cache(maxsize=16)
def _index_model(end_year: int) -> tuple[History, np.ndarray]:
    """The index's bars and its log returns (unrounded, what other tickers load on)."""
    profile = ticker_profile(INDEX_TICKER)
    dates = _session_dates(end_year)
    z, noise = _yearly_draws(INDEX_TICKER, dates, profile.dof)
    long_run = (_INDEX_VOL / math.sqrt(TRADING_DAYS_PER_YEAR)) ** 2
    omega = long_run * (1.0 - _INDEX_ALPHA - _INDEX_BETA)
    variance = garch_variance(z, omega=omega, alpha=_INDEX_ALPHA, beta=_INDEX_BETA, var0=long_run)
    bear = _bear_mask(dates.shape[0])
    sigma = np.sqrt(variance) * np.where(bear, _BEAR_VOL, _BULL_VOL)
    drift = np.where(bear, _BEAR_DRIFT, _BULL_DRIFT) / TRADING_DAYS_PER_YEAR
    log_return = drift + sigma * z
    log_return.flags.writeable = False
    no_earnings = np.zeros(dates.shape[0], dtype=bool)
    return _bars(profile, dates, log_return, sigma, noise, no_earnings), log_return


def history(ticker: str, end_year: int) -> History:
    """Bars of a normalised ticker from ORIGIN through at least the last session of `end_year`.

    Always reaches the ANCHOR year, where price levels are pinned; callers slice by date.
    """
    return _history(ticker, max(end_year, ANCHOR.year))


@functools.lru_cache(maxsize=128)
def _history(ticker: str, end_year: int) -> History:
    if ticker == INDEX_TICKER:
        return _index_model(end_year)[0]
    profile = ticker_profile(ticker)
    index, index_return = _index_model(end_year)
    dates = index.dates
    z, noise = _yearly_draws(ticker, dates, profile.dof)
    long_run = (profile.idio_vol / math.sqrt(TRADING_DAYS_PER_YEAR)) ** 2
    omega = long_run * (1.0 - profile.garch_alpha - profile.garch_beta)
    variance = garch_variance(
        z, omega=omega, alpha=profile.garch_alpha, beta=profile.garch_beta, var0=long_run
    )
    earnings = np.isin(dates, earnings_calendar(ticker, ORIGIN.year - 1, end_year))
    idiosyncratic = np.sqrt(variance) * z * np.where(earnings, _EARNINGS_SHOCK, 1.0)
    log_return = profile.drift / TRADING_DAYS_PER_YEAR + profile.beta * index_return + idiosyncratic
    sigma = np.sqrt((profile.beta * index.sigma) ** 2 + variance)
    return _bars(profile, dates, log_return, sigma, noise, earnings)


@functools.lru_cache(maxsize=4096)
def _reports_in_year(ticker: str, year: int) -> tuple[dt.date, ...]:
    """Report dates for the quarters ending in `year` (the Q4 report falls in the next year)."""
    profile = ticker_profile(ticker)
    days = []
    for quarter_end in quarter_ends(year):
        jitter = stable_seed(ticker, "earnings", quarter_end) % 7 - 3
        offset = min(35, max(25, profile.earnings_offset + jitter))
        days.append(trading_day_on_or_after(quarter_end + dt.timedelta(days=offset)))
    return tuple(days)


def quarter_ends(year: int) -> tuple[dt.date, ...]:
    return (dt.date(year, 3, 31), dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31))


def report_calendar(ticker: str, first_year: int, last_year: int) -> list[tuple[dt.date, dt.date]]:
    """(quarter end, report date) for quarters ending in [first_year, last_year], oldest first.

    The index fund has no earnings, but its aggregate fundamentals follow the same rhythm.
    """
    return [
        pair
        for year in range(first_year, last_year + 1)
        for pair in zip(quarter_ends(year), _reports_in_year(ticker, year), strict=True)
    ]


def earnings_calendar(ticker: str, first_year: int, last_year: int) -> np.ndarray:
    """Earnings dates (datetime64[D]) for quarters ending in [first_year, last_year]; none for the index."""
    if ticker == INDEX_TICKER:
        return np.empty(0, dtype="datetime64[D]")
    days = [report for _, report in report_calendar(ticker, first_year, last_year)]
    return np.array(days, dtype="datetime64[D]")
