"""Download file names of the exports: ``AAPL_analysis_2026-11-24.csv``, ``BRK.B_analysis_2026-11-24.pdf``."""

from __future__ import annotations

import re
from datetime import datetime

EXPORT_EXTENSIONS = {"history": "csv", "analysis": "pdf"}
EXTENSIONS = frozenset({"csv", "pdf"})


def export_filename(ticker: str, kind: str, when: datetime, *, extension: str | None = None) -> str:
    """``AAPL_history_2026-11-24.csv``, ``BRK.B_analysis_2026-11-24.pdf`` or ``AAPL_analysis_2026-11-24.csv``.

    The earlier system's names: ticker, kind, then the ISO date of `when` (the analysis's own
    timestamp for one analysis). The ticker is upper-cased and reduced to ASCII letters, digits,
    ``.`` and ``-`` (anything else becomes ``-``; no leading or trailing dot or dash, at most 32
    characters, ``UNKNOWN`` when nothing is left), so the name is safe in a ``Content-Disposition``
    header and on any file system. The date is ``when``'s own calendar date (convert it first for
    another time zone). The extension defaults to the kind's (``history`` csv, ``analysis`` pdf).
    Raises ValueError for another kind or extension.
    """
    default = EXPORT_EXTENSIONS.get(kind)
    if default is None:
        raise ValueError(f"kind must be one of {', '.join(EXPORT_EXTENSIONS)}, got {kind!r}")
    extension = extension or default
    if extension not in EXTENSIONS:
        raise ValueError(f"extension must be one of {', '.join(sorted(EXTENSIONS))}, got {extension!r}")
    name = re.sub(r"[^A-Z0-9.-]+", "-", str(ticker or "").strip().upper())
    name = re.sub(r"\.{2,}", ".", name).strip(".-")[:32].strip(".-") or "UNKNOWN"
    return f"{name}_{kind}_{when:%Y-%m-%d}.{extension}"
