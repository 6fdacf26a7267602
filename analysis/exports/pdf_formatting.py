"""Text and numbers as the PDF report prints them.

fpdf2's built-in Helvetica is Latin-1 (fpdf2 ships no Unicode font and system fonts are not
relied on): :func:`pdf_text` transliterates with a small explicit map (``—`` to ``-``, ``…`` to
``...``, ``σ`` to ``sigma``), then strips accents, and anything else becomes ``?``. A missing or
non-numeric value prints as ``NA``.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Any

from core.numeric import finite_number

LATIN1_REPLACEMENTS = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201b": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2032": "'",
    "\u2033": '"',
    "\u2026": "...",
    "\u2022": "*",
    "\u2023": ">",
    "\u2043": "-",
    "\u2190": "<-",
    "\u2192": "->",
    "\u2191": "up",
    "\u2193": "down",
    "\u2194": "<->",
    "\u21d2": "=>",
    "\u2248": "~",
    "\u2260": "!=",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u221e": "inf",
    "\u2030": " per mille",
    "\u20ac": "EUR",
    "\u2122": "(TM)",
    "\u2713": "yes",
    "\u2717": "no",
    "\u0394": "Delta",
    "\u03b1": "alpha",
    "\u03b2": "beta",
    "\u03b4": "delta",
    "\u03bc": "\u00b5",  # Greek mu to the Latin-1 micro sign
    "\u03c3": "sigma",
    "\u03a3": "Sigma",
    "\u2002": " ",
    "\u2003": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}


def _latin1_char(char: str, keep_newlines: bool) -> str:
    if char in LATIN1_REPLACEMENTS:
        return LATIN1_REPLACEMENTS[char]
    if char == "\n" and keep_newlines:
        return char
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    if category in ("Cf", "Cs", "Co", "Cn"):
        return ""
    if ord(char) < 256:
        return char
    # Accented letters outside Latin-1 ("ő", "ł" stays "?"), full-width forms, ligatures.
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return decomposed.encode("latin-1", errors="replace").decode("latin-1") if decomposed else "?"


def pdf_text(value: Any, *, keep_newlines: bool = False, limit: int | None = None) -> str:
    """``value`` as text the PDF core fonts can draw (Latin-1), at most ``limit`` characters.

    None is empty; control characters become spaces (newlines are kept when asked).
    """
    if value is None:
        return ""
    text = "".join(_latin1_char(char, keep_newlines) for char in str(value))
    text = text.encode("latin-1", errors="replace").decode("latin-1")
    if limit is not None and len(text) > limit:
        text = text[: max(0, limit - 3)].rstrip() + "..."
    return text


NA = "n/a"


def formatted(value: Any, spec: str, suffix: str = "") -> str:
    number = finite_number(value, text=True)
    return NA if number is None else f"{number:{spec}}{suffix}"


def fraction_pct(value: Any) -> str:
    """A 0-1 fraction as a percentage (a value above 1 is taken as already in percent)."""
    number = finite_number(value, text=True)
    if number is None:
        return NA
    return f"{number * 100 if abs(number) <= 1 else number:.0f}%"


def label_text(value: Any) -> str:
    """``MEDIUM_TERM`` -> ``Medium term``; None -> n/a."""
    text = pdf_text(value, limit=60).replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text else NA


def when_text(value: Any) -> str:
    """An ISO timestamp (or datetime) as ``2026-11-24 21:00 UTC``; other text as it is."""
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return pdf_text(value, limit=40) or NA
    if not isinstance(moment, datetime):
        return pdf_text(moment, limit=40) or NA
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
