"""The demo market behaves like a market: volatility, clustering, drawdowns, betas, sane bars."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analysis.market_data import NEW_YORK
from analysis.providers.calendar import trading_days
from analysis.providers.demo import DemoProvider

AS_OF = dt.datetime(2025, 12, 31, 18, 0, tzinfo=NEW_YORK)
FIVE_YEARS_AGO = dt.date(2021, 1, 1)
THREE_YEARS_AGO = dt.date(2023, 1, 1)


def _log_returns(close: np.ndarray) -> np.ndarray:
    return np.diff(np.log(close))


def test_it_gives_the_index_a_plausible_volatility() -> None:
    close = DemoProvider().prices("SPY", start=FIVE_YEARS_AGO, as_of=AS_OF).close
    annualised = float(np.std(_log_returns(close), ddof=1) * np.sqrt(252))
    assert 0.10 <= annualised <= 0.30


def test_it_clusters_volatility() -> None:
    # GARCH: a big move tends to follow a big move, so |r| is autocorrelated at lag 1.
    close = DemoProvider().prices("SPY", start=dt.date(2010, 1, 1), as_of=AS_OF).close
    size = np.abs(_log_returns(close))
    assert np.corrcoef(size[1:], size[:-1])[0, 1] > 0.05


def test_it_has_fat_tails() -> None:
    returns = _log_returns(DemoProvider().prices("SPY", start=dt.date(2010, 1, 1), as_of=AS_OF).close)
    standardised = (returns - returns.mean()) / returns.std()
    assert float(np.mean(standardised**4)) > 3.5  # a normal distribution's kurtosis is 3


def test_it_has_a_drawdown_of_ten_percent_in_five_years() -> None:
    close = DemoProvider().prices("SPY", start=FIVE_YEARS_AGO, as_of=AS_OF).close
    drawdown = close / np.maximum.accumulate(close) - 1
    assert drawdown.min() <= -0.10


@pytest.mark.parametrize("ticker", ["AAPL", "KO", "NVDA", "JPM", "XOM", "BRK.B", "QWERTY"])
def test_it_recovers_the_configured_beta(ticker: str) -> None:
    provider = DemoProvider()
    stock = provider.prices(ticker, start=THREE_YEARS_AGO, as_of=AS_OF).close
    index = provider.prices("SPY", start=THREE_YEARS_AGO, as_of=AS_OF).close
    r_stock, r_index = np.diff(stock) / stock[:-1], np.diff(index) / index[:-1]
    estimated = np.cov(r_stock, r_index)[0, 1] / np.var(r_index, ddof=1)
    fundamentals = provider.fundamentals(ticker, as_of=AS_OF)
    assert fundamentals is not None and fundamentals.beta is not None
    assert 0.6 <= fundamentals.beta <= 1.8
    assert abs(estimated - fundamentals.beta) <= 0.15


@pytest.mark.parametrize("ticker", ["SPY", "AAPL", "TSLA", "ABC", "BRK.B"])
def test_it_makes_consistent_bars(ticker: str) -> None:
    series = DemoProvider().prices(ticker, start=dt.date(2010, 1, 1), as_of=AS_OF)
    assert np.all(series.low <= np.minimum(series.open, series.close))
    assert np.all(np.maximum(series.open, series.close) <= series.high)
    assert np.all(series.low > 0)
    assert np.all(series.volume > 0)
    # A daily range of a few percent at most, typically.
    assert 0.003 < float(np.median((series.high - series.low) / series.close)) < 0.05
    assert series.is_demo and series.source == "demo"


def test_it_trades_on_exchange_days_only() -> None:
    series = DemoProvider().prices("AAPL", start=dt.date(2024, 1, 1), as_of=AS_OF)
    np.testing.assert_array_equal(series.dates, trading_days(dt.date(2024, 1, 1), dt.date(2025, 12, 31)))


def test_it_raises_volume_with_the_size_of_the_move() -> None:
    series = DemoProvider().prices("MSFT", start=dt.date(2015, 1, 1), as_of=AS_OF)
    size = np.abs(_log_returns(series.close))
    assert np.corrcoef(size, np.log(series.volume[1:]))[0, 1] > 0.2


def test_it_correlates_stocks_with_the_index() -> None:
    provider = DemoProvider()
    index = _log_returns(provider.prices("SPY", start=THREE_YEARS_AGO, as_of=AS_OF).close)
    for ticker in ("AAPL", "PG", "CAT"):
        stock = _log_returns(provider.prices(ticker, start=THREE_YEARS_AGO, as_of=AS_OF).close)
        assert 0.3 < np.corrcoef(stock, index)[0, 1] < 0.95
