"""Ticker symbols as every provider spells them."""

from __future__ import annotations

import re

from analysis.market_data import UnknownTicker

INDEX_TICKER = "SPY"

# A root of 1-6 letters/digits starting with a letter, and an optional share class after a
# dot (BRK.B). "BRK-B" and "BRK/B" are the same symbol in other vendors' spelling.
_TICKER = re.compile(r"[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?")


def normalize_ticker(ticker: str) -> str:
    """The canonical spelling (upper case, class after a dot); UnknownTicker when it is not a symbol.

    Also what keeps a ticker safe to use as a file name: nothing but letters, digits and one dot.
    """
    symbol = ticker.strip().upper().replace("-", ".").replace("/", ".") if isinstance(ticker, str) else ""
    if not _TICKER.fullmatch(symbol):
        raise UnknownTicker(f"Not a valid ticker symbol: {str(ticker)[:20]!r}")
    return symbol
