"""US equity ticker symbols, share classes included: the one ticker grammar.

Every input names a ticker through `normalise_ticker`, and the providers' symbol mapping
(`analysis.providers.symbols`) uses it too: the same spelling rules (case, share class,
separators), with the longer roots a data source knows.
"""

from __future__ import annotations

import re

from core.domain_errors import DomainError

# One to five letters, optionally a share class of one or two letters after a
# dot, dash or slash (BRK.B, BF-B); the dot is canonical.
_SHARE_CLASS = r"(?:[.\-/]([A-Z]{1,2}))?"
_TICKER = re.compile(rf"^([A-Z]{{1,5}}){_SHARE_CLASS}$")
# A data source also knows longer roots than a PM may type (a letter, then up to five letters
# or digits: QWERTY, demo and index symbols); the share class is the same.
_SOURCE_SYMBOL = re.compile(rf"^([A-Z][A-Z0-9]{{0,5}}){_SHARE_CLASS}$")


class InvalidTicker(DomainError, ValueError):
    """Not a US equity ticker symbol; the message says why and is safe to show (a 400)."""


def normalise_ticker(raw: object, *, data_source: bool = False) -> str:
    """Upper-cased canonical symbol (`brk-b` → `BRK.B`), or InvalidTicker with a clear message.

    `data_source`: the symbol a market data provider is asked for, whose root may be longer
    (`analysis.providers.symbols`).
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidTicker("A ticker is required, e.g. AAPL or BRK.B.")
    text = raw.strip()
    grammar = _SOURCE_SYMBOL if data_source else _TICKER
    # Checked before upper-casing: some non-ASCII letters (ſ, ı, ﬀ) upper-case to ASCII.
    match = grammar.match(text.upper()) if text.isascii() else None
    text = text.upper()
    if match is None:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise InvalidTicker(
            f"'{shown}' is not a US equity ticker: use 1-5 letters with an optional share class, "
            "e.g. AAPL or BRK.B."
        )
    symbol, share_class = match.groups()
    return f"{symbol}.{share_class}" if share_class else symbol
