"""Ticker symbols as every provider spells them: the one grammar of `analysis.tickers`."""

from __future__ import annotations

from analysis.market_data import UnknownTicker
from analysis.tickers import InvalidTicker, normalise_ticker

INDEX_TICKER = "SPY"


def normalize_ticker(ticker: str) -> str:
    """The canonical spelling (upper case, class after a dot); UnknownTicker when it is not a symbol.

    Also what keeps a ticker safe to use as a file name: nothing but letters, digits and one dot.
    """
    try:
        return normalise_ticker(ticker, data_source=True)
    except InvalidTicker:
        raise UnknownTicker(f"Not a valid ticker symbol: {str(ticker)[:20]!r}") from None
