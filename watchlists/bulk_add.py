"""Adding a pasted list of tickers to a watchlist: each validated, repeats and duplicates reported.

A PM pastes `AAPL, MSFT NVDA` or a column copied from a spreadsheet; commas, spaces, semicolons
and line breaks all separate symbols. Every valid symbol is added; each symbol that is refused
is reported with the reason, beside the ones already on the list and the ones pasted twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from analysis.tickers import InvalidTicker, normalise_ticker
from core.domain_errors import DomainError
from watchlists import services
from watchlists.models import Watchlist

# A paste longer than any watchlist a desk keeps is a mistake (or a file), not a list of symbols.
MAX_PASTED_TICKERS = 200
_SEPARATORS = re.compile(r"[\s,;]+")


def split_paste(text: str) -> list[str]:
    """The symbols of a pasted text, in order, blanks dropped (no validation here)."""
    return [token for token in _SEPARATORS.split(text) if token]


@dataclass
class PasteReport:
    added: list[str] = field(default_factory=list)
    already_on_list: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    invalid: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "already_on_list": self.already_on_list,
            "repeated": self.repeated,
            "invalid": self.invalid,
        }

    def summary(self) -> str:
        """One readable line for the page's flash message."""
        parts = []
        if self.added:
            parts.append(f"Added {', '.join(self.added)}.")
        if self.already_on_list:
            parts.append(f"Already on the list: {', '.join(self.already_on_list)}.")
        if self.repeated:
            parts.append(f"Pasted more than once (added once): {', '.join(self.repeated)}.")
        if self.invalid:
            refused = "; ".join(f"{item['ticker']}: {item['detail']}" for item in self.invalid)
            parts.append(f"Not added: {refused}")
        return " ".join(parts)


def _tokens(raw: object) -> list[str]:
    if isinstance(raw, str):
        return split_paste(raw)
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return [token for item in raw for token in split_paste(item)]
    raise DomainError(
        'tickers must be a list of symbols or one text of them, e.g. {"tickers": ["AAPL", "MSFT"]}'
    )


def add_pasted_tickers(*, watchlist: Watchlist, raw: object) -> PasteReport:
    """Add every valid symbol of `raw` (a text or a list of texts); a `DomainError` when none is."""
    tokens = _tokens(raw)
    if not tokens:
        raise DomainError("No ticker given: paste one or more symbols separated by commas, spaces or lines.")
    if len(tokens) > MAX_PASTED_TICKERS:
        raise DomainError(f"At most {MAX_PASTED_TICKERS} tickers at once; {len(tokens)} were given.")
    report = PasteReport()
    seen: set[str] = set()
    for token in tokens:
        try:
            ticker = normalise_ticker(token)
        except InvalidTicker as exc:
            report.invalid.append({"ticker": token[:24], "detail": str(exc)})
            continue
        # `brk-b` and `BRK.B` are one symbol: repeats are found after normalising.
        if ticker in seen:
            if ticker not in report.repeated:
                report.repeated.append(ticker)
            continue
        seen.add(ticker)
        try:
            ticker, added = services.add_ticker(watchlist=watchlist, data={"ticker": ticker})
        except DomainError as exc:
            report.invalid.append({"ticker": ticker, "detail": exc.detail})
            continue
        (report.added if added else report.already_on_list).append(ticker)
    if not report.added and not report.already_on_list:
        raise DomainError(report.summary())
    return report
