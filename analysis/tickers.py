"""US equity ticker symbols, share classes included."""

from __future__ import annotations

import re

# One to five letters, optionally a share class of one or two letters after a
# dot or dash (BRK.B, BF-B); the dot is canonical.
_TICKER = re.compile(r"^([A-Z]{1,5})(?:[.\-/]([A-Z]{1,2}))?$")


class InvalidTicker(ValueError):
    """Not a US equity ticker symbol; the message says why and is safe to show."""


def normalise_ticker(raw: object) -> str:
    """Upper-cased canonical symbol (`brk-b` → `BRK.B`), or InvalidTicker with a clear message."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidTicker("A ticker is required, e.g. AAPL or BRK.B.")
    text = raw.strip()
    # Checked before upper-casing: some non-ASCII letters (ſ, ı, ﬀ) upper-case to ASCII.
    match = _TICKER.match(text.upper()) if text.isascii() else None
    text = text.upper()
    if match is None:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise InvalidTicker(
            f"'{shown}' is not a US equity ticker: use 1-5 letters with an optional share class, "
            "e.g. AAPL or BRK.B."
        )
    symbol, share_class = match.groups()
    return f"{symbol}.{share_class}" if share_class else symbol
