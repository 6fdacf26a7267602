"""One analysis (the earlier system's Section,Field,Value CSV) and a ticker's history as CSV,
both safe to open in a spreadsheet.

A text cell that a spreadsheet would read as a formula is prefixed with ``'`` (see
:func:`safe_cell`); numbers are written by this module, so they stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from analysis.exports.payload import as_mapping, is_number

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
    if is_number(value):
        return _number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _neutralise(value if isinstance(value, str) else str(value))


def _history_values(row: Mapping[str, Any]) -> list[Any]:
    card = as_mapping(row.get("decision_card"))
    zone = as_mapping(card.get("entry_zone"))
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
        writer.writerow([safe_cell(value) for value in _history_values(as_mapping(row))])
    return buffer.getvalue()


ANALYSIS_CSV_HEADER = ("Section", "Field", "Value")
AGENT_CSV_HEADER = ("Agent", "Success", "Duration (s)", "Data Source", "Error")
SENTIMENT_CSV_HEADER = ("Sentiment Factor", "Score", "Weight", "Contribution")


def _json_text(value: Any) -> str | None:
    """A decision card or change summary as JSON text; None (an empty cell) when absent."""
    if value is None or value == {}:
        return None
    return json.dumps(value, default=str)


def analysis_csv(report: Mapping[str, Any]) -> str:
    """One stored analysis (the `StoredAnalysisSerializer` dict with `detail`) as CSV text.

    The earlier system's layout: a ``Section,Field,Value`` header and ten ``Summary`` rows
    (Ticker, Timestamp, Recommendation, Score, Confidence Score, Sentiment Score, Duration (s),
    Reasoning, Decision Card and Change Summary as JSON text); a blank row, then
    ``Agent,Success,Duration (s),Data Source,Error`` and one row per agent (Success 1 or 0); when
    the analysis has sentiment factors, a blank row and ``Sentiment Factor,Score,Weight,Contribution``
    rows. Lines end in CRLF; every cell goes through :func:`safe_cell`.
    """
    report = as_mapping(report)
    summary = (
        ("Ticker", report.get("ticker")),
        ("Timestamp", report.get("timestamp")),
        ("Recommendation", report.get("recommendation")),
        ("Score", report.get("score")),
        ("Confidence Score", report.get("confidence_score")),
        ("Sentiment Score", report.get("overall_sentiment_score")),
        ("Duration (s)", report.get("duration_seconds")),
        ("Reasoning", report.get("solution_agent_reasoning")),
        ("Decision Card", _json_text(report.get("decision_card"))),
        ("Change Summary", _json_text(report.get("change_summary"))),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ANALYSIS_CSV_HEADER)
    for field, value in summary:
        writer.writerow(["Summary", field, safe_cell(value)])
    writer.writerow([])
    writer.writerow(AGENT_CSV_HEADER)
    for agent in report.get("agents") or []:
        agent = as_mapping(agent)
        success = agent.get("success")
        writer.writerow(
            [
                safe_cell(agent.get("agent_type")),
                "" if success is None else ("1" if success else "0"),
                safe_cell(agent.get("duration_seconds")),
                safe_cell(as_mapping(agent.get("data")).get("data_source")),
                safe_cell(agent.get("error")),
            ]
        )
    factors = as_mapping(report.get("sentiment_factors"))
    if factors:
        writer.writerow([])
        writer.writerow(SENTIMENT_CSV_HEADER)
        for name, factor in factors.items():
            factor = as_mapping(factor)
            writer.writerow(
                [safe_cell(name)]
                + [safe_cell(factor.get(key)) for key in ("score", "weight", "contribution")]
            )
    return buffer.getvalue()
