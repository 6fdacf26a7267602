"""A ticker's analysis history as CSV, safe to open in a spreadsheet.

A text cell that a spreadsheet would read as a formula is prefixed with ``'`` (see
:func:`safe_cell`); numbers are written by this module, so they stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from analysis.exports.payload import _is_number, _mapping

HISTORY_COLUMNS = (
    "id",
    "ticker",
    "timestamp",
    "as_of",
    "recommendation",
    "score",
    "confidence_score",
    "ev_score_7d",
    "confidence_calibrated",
    "data_quality_score",
    "regime_label",
    "analysis_schema_version",
    "run_kind",
    "data_source",
    "decision_action",
    "entry_low",
    "entry_high",
    "stop_loss",
    "change_summary",
)

# A text cell starting with one of these is read as a formula (or a DDE call) by Excel,
# LibreOffice or Google Sheets. The full-width forms are included because some locales fold them.
FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")


def _number_text(value: numbers.Real | Decimal) -> str:
    """A number as plain text a spreadsheet reads as a number; empty when not finite."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else ""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    number = float(value)
    return repr(number) if math.isfinite(number) else ""


def _neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would treat it as a formula.

    Checks the first character and the first non-blank one (some importers trim the cell).
    """
    if not text:
        return text
    if text[0] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def safe_cell(value: Any) -> str:
    """One CSV cell: None is empty, numbers are written as numbers (``-12.0``, never quoted),
    booleans as ``true``/``false``, dates in ISO format, and any other value as text that is
    neutralised against formula injection (``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``).

    Only non-numbers are neutralised: the *string* ``"-12"`` is text and gets the quote, the
    number ``-12`` does not. Non-finite numbers (NaN, infinity) are written empty.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _neutralise(value if isinstance(value, str) else str(value))


def _history_values(row: Mapping[str, Any]) -> list[Any]:
    card = _mapping(row.get("decision_card"))
    zone = _mapping(card.get("entry_zone"))
    change = row.get("change_summary")
    if isinstance(change, Mapping):
        change = change.get("summary")
    derived = {
        "decision_action": card.get("action"),
        "entry_low": zone.get("low"),
        "entry_high": zone.get("high"),
        "stop_loss": card.get("stop_loss"),
        "change_summary": change,
    }
    return [derived[column] if column in derived else row.get(column) for column in HISTORY_COLUMNS]


def history_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The history items as CSV text: the `HISTORY_COLUMNS` header, then one line per row.

    ``decision_action``, ``entry_low``, ``entry_high`` and ``stop_loss`` come from the row's
    decision card and ``change_summary`` is the change summary's sentence. Lines end in CRLF
    (RFC 4180); every cell goes through :func:`safe_cell`.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HISTORY_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(value) for value in _history_values(_mapping(row))])
    return buffer.getvalue()
