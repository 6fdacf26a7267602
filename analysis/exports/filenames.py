"""Download file names of the exports: ``AAPL_history_20261124.csv``, ``BRK.B_analysis_20261124.pdf``."""

from __future__ import annotations

import re
from datetime import datetime

EXPORT_EXTENSIONS = {"history": "csv", "analysis": "pdf"}


def export_filename(ticker: str, kind: str, when: datetime) -> str:
    """``AAPL_history_20261124.csv`` or ``BRK.B_analysis_20261124.pdf``.

    The ticker is upper-cased and reduced to ASCII letters, digits, ``.`` and ``-`` (anything else
    becomes ``-``; no leading or trailing dot or dash, at most 32 characters, ``UNKNOWN`` when
    nothing is left), so the name is safe in a ``Content-Disposition`` header and on any file
    system. The date is ``when``'s own calendar date (convert it first for another time zone).
    Raises ValueError for a kind other than ``history`` or ``analysis``.
    """
    extension = EXPORT_EXTENSIONS.get(kind)
    if extension is None:
        raise ValueError(f"kind must be one of {', '.join(EXPORT_EXTENSIONS)}, got {kind!r}")
    name = re.sub(r"[^A-Z0-9.-]+", "-", str(ticker or "").strip().upper())
    name = re.sub(r"\.{2,}", ".", name).strip(".-")[:32].strip(".-") or "UNKNOWN"
    return f"{name}_{kind}_{when:%Y%m%d}.{extension}"
