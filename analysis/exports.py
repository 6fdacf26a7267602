"""File exports of analyses: a ticker's history as CSV, one analysis as a PDF report, file names.

Pure functions over the serialized shapes (`AnalysisHistoryItemSerializer` rows and the
`AnalysisResponseSerializer` dict); they take no request and return text or bytes, so the views
only set the content type and the ``Content-Disposition`` from :func:`export_filename`.

Every key may be missing or None (legacy v1 rows have no signal contract, older rows may lack a
decision card): the CSV writes an empty cell and the PDF writes "n/a" or leaves the section out.

The CSV is safe to open in a spreadsheet: a text cell that a spreadsheet would read as a formula
is prefixed with ``'`` (see :func:`safe_cell`); numbers are written by this module, so they stay
numbers. The PDF uses fpdf2's built-in Helvetica, whose encoding is Latin-1 (fpdf2 ships no
Unicode font and system fonts are not relied on): text is transliterated with a small explicit
map (``—`` to ``-``, ``…`` to ``...``, ``σ`` to ``sigma``), then accents are stripped and anything
else becomes ``?``.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

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


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool)


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


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


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


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# PDF text helpers
# --------------------------------------------------------------------------------------------

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


def _finite(value: Any) -> float | None:
    if _is_number(value):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _first(*values: Any) -> Any:
    """The first value that is not None."""
    return next((value for value in values if value is not None), None)


NA = "n/a"


def _fmt(value: Any, spec: str, suffix: str = "") -> str:
    number = _finite(value)
    return NA if number is None else f"{number:{spec}}{suffix}"


def _fraction_pct(value: Any) -> str:
    """A 0-1 fraction as a percentage (a value above 1 is taken as already in percent)."""
    number = _finite(value)
    if number is None:
        return NA
    return f"{number * 100 if abs(number) <= 1 else number:.0f}%"


def _label(value: Any) -> str:
    """``MEDIUM_TERM`` -> ``Medium term``; None -> n/a."""
    text = pdf_text(value, limit=60).replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text else NA


def _when(value: Any) -> str:
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


# --------------------------------------------------------------------------------------------
# PDF report
# --------------------------------------------------------------------------------------------

FOOTER_NOTICE = "Not investment advice; generated by pmresearch"
HORIZON_ORDER = ("1d", "7d", "30d")
# Caps that keep the report to one or two A4 pages whatever the payload holds.
RATIONALE_LIMIT = 1000
ITEM_LIMIT = 140
MAX_LIST_ITEMS = 5
MAX_SCENARIOS = 6
MAX_AGENTS = 10

HEADING_FILL = (232, 236, 241)
DEMO_FILL = (196, 40, 40)
BODY_SIZE = 9


class _ReportPDF(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "", 7)
        self.set_text_color(110, 110, 110)
        self.cell(self.epw * 0.85, 5, self.footer_text)
        self.cell(self.epw * 0.15, 5, f"Page {self.page_no()}", align="R")
        self.set_text_color(0, 0, 0)


def _heading(pdf: FPDF, title: str) -> None:
    if pdf.will_page_break(22):
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1.2)
    pdf.set_font("Helvetica", "", BODY_SIZE)


def _paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "", BODY_SIZE)
    pdf.multi_cell(0, 4.4, text, new_x="LMARGIN", new_y="NEXT")


def _bullets(pdf: FPDF, items: list[Any], empty: str) -> None:
    texts = [pdf_text(item, limit=ITEM_LIMIT) for item in items if item is not None]
    texts = [text for text in texts if text.strip()]
    if not texts:
        _paragraph(pdf, empty)
        return
    shown = texts[:MAX_LIST_ITEMS]
    for text in shown:
        pdf.set_x(pdf.l_margin)
        pdf.cell(4, 4.4, "-")
        pdf.multi_cell(0, 4.4, text, new_x="LMARGIN", new_y="NEXT")
    if len(texts) > len(shown):
        _paragraph(pdf, f"... and {len(texts) - len(shown)} more")


def _table(pdf: FPDF, rows: list[list[str]], widths: tuple[float, ...], align: tuple[str, ...]) -> None:
    """A table whose first row is the headings; a new page first when not even its headings and
    three rows would fit (headings repeat when a longer table breaks).
    """
    if pdf.will_page_break(min(len(rows), 4) * 6.0):
        pdf.add_page()
    pdf.set_font("Helvetica", "", BODY_SIZE)
    with pdf.table(
        col_widths=widths,
        width=pdf.epw,
        text_align=align,
        line_height=4.6,
        padding=(0.8, 1.5),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(1)


def _is_demo(report: Mapping[str, Any], analysis: Mapping[str, Any]) -> bool:
    """``is_demo_data``, or a demo data source when the flag is missing."""
    if report.get("is_demo_data") is not None:
        return bool(report.get("is_demo_data"))
    return report.get("data_source") == "demo" or _mapping(analysis.get("data_source")).get("is_demo") is True


def _title(pdf: FPDF, report: Mapping[str, Any], analysis: Mapping[str, Any]) -> str:
    ticker = pdf_text(report.get("ticker"), limit=32).strip() or "UNKNOWN"
    call = pdf_text(analysis.get("recommendation"), limit=12).strip().upper() or "NO CALL"
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 9, f"{ticker} - {call}", new_x="LMARGIN", new_y="NEXT")
    as_of = _first(report.get("as_of"), analysis.get("as_of"), report.get("timestamp"))
    details = [f"As of {_when(as_of)}"]
    if report.get("analysis_id") is not None:
        details.append(f"analysis #{pdf_text(report.get('analysis_id'), limit=20)}")
    version = _first(report.get("analysis_schema_version"), analysis.get("analysis_schema_version"))
    if version is not None:
        details.append(f"schema {pdf_text(version, limit=10)}")
    source = report.get("data_source")
    if isinstance(source, str) and source:
        details.append(f"source: {pdf_text(source, limit=32)}")
    if report.get("run_kind"):
        details.append(f"run: {pdf_text(report.get('run_kind'), limit=16)}")
    pdf.set_font("Helvetica", "", BODY_SIZE)
    pdf.set_text_color(80, 80, 80)
    pdf.multi_cell(0, 4.4, " | ".join(details), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    if _is_demo(report, analysis):
        pdf.ln(1.5)
        pdf.set_fill_color(*DEMO_FILL)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(
            0,
            8,
            "DEMO DATA - synthetic market data; do not trade on this report",
            fill=True,
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
    return ticker


def _key_numbers(pdf: FPDF, analysis: Mapping[str, Any], contract: Mapping[str, Any]) -> None:
    confidence = _mapping(contract.get("confidence"))
    risk = _mapping(contract.get("risk"))
    calibrated = _first(analysis.get("confidence_calibrated"), confidence.get("calibrated"))
    calibrated_text = _fraction_pct(calibrated)
    if calibrated_text != NA:
        extras = []
        sample = _finite(confidence.get("sample_size"))
        if sample is not None:
            extras.append(f"n={sample:.0f}")
        band = _finite(confidence.get("uncertainty_band_pct"))
        if band is not None:
            extras.append(f"\u00b1{band:.1f} pts")
        if extras:
            calibrated_text += f" ({', '.join(extras)})"
    quality = _first(analysis.get("data_quality_score"), risk.get("data_quality_score"))
    regime = _first(analysis.get("regime_label"), risk.get("regime_label"))
    _heading(pdf, "Key numbers")
    _table(
        pdf,
        [
            ["Score", "Confidence", "Calibrated confidence", "EV 7d", "Data quality", "Regime"],
            [
                _fmt(analysis.get("score"), "+.0f"),
                _fraction_pct(analysis.get("confidence")),
                calibrated_text,
                _fmt(_first(analysis.get("ev_score_7d"), contract.get("ev_score_7d")), "+.2f", "%"),
                _fmt(quality, ".0f", "/100"),
                _label(regime),
            ],
        ],
        (20, 22, 44, 22, 24, 26),
        ("CENTER",) * 6,
    )
    extras = []
    if _finite(risk.get("risk_reward_ratio_7d")) is not None:
        extras.append(f"Risk/reward 7d {_fmt(risk.get('risk_reward_ratio_7d'), '.2f')}")
    if _finite(risk.get("max_drawdown_est_pct_7d")) is not None:
        extras.append(f"est. max drawdown 7d {_fmt(risk.get('max_drawdown_est_pct_7d'), '.2f', '%')}")
    if _finite(risk.get("conflict_score")) is not None:
        extras.append(f"agent conflict {_fmt(risk.get('conflict_score'), '.0f', '/50')}")
    liquidity = _mapping(contract.get("liquidity"))
    if _finite(liquidity.get("est_spread_bps")) is not None:
        extras.append(f"est. spread {_fmt(liquidity.get('est_spread_bps'), '.0f')} bps")
    if extras:
        _paragraph(pdf, "; ".join(extras) + ".")


def _rationale(pdf: FPDF, analysis: Mapping[str, Any]) -> None:
    text = next(
        (
            value
            for value in (
                analysis.get("rationale_summary"),
                analysis.get("reasoning"),
                analysis.get("summary"),
            )
            if isinstance(value, str) and value.strip()
        ),
        None,
    )
    _heading(pdf, "Rationale")
    _paragraph(
        pdf, pdf_text(text, keep_newlines=True, limit=RATIONALE_LIMIT).strip() or "No rationale recorded."
    )


def _prices(values: list[Any]) -> str:
    texts = [_fmt(value, ",.2f") for value in values if _finite(value) is not None]
    return ", ".join(texts) if texts else NA


def _decision(pdf: FPDF, analysis: Mapping[str, Any]) -> None:
    card = _mapping(analysis.get("decision_card"))
    targets_block = _mapping(analysis.get("price_targets"))
    zone = _mapping(card.get("entry_zone"))
    low, high = _finite(zone.get("low")), _finite(zone.get("high"))
    if low is not None and high is not None:
        entry = f"{low:,.2f} - {high:,.2f}"
    else:
        entry = _fmt(_first(low, high, targets_block.get("entry")), ",.2f")
    targets = _list(card.get("targets")) or [targets_block.get("target")]
    horizon = _label(_first(card.get("time_horizon"), analysis.get("time_horizon")))
    max_days = _finite(card.get("max_holding_days"))
    if max_days is not None:
        horizon += f" (hold at most {max_days:.0f} days)"
    sizing = _mapping(card.get("position_sizing"))
    size = _label(_first(sizing.get("hint"), analysis.get("position_size")))
    multiplier = _finite(sizing.get("risk_multiplier"))
    if multiplier is not None:
        size += f" (risk x{multiplier:.1f})"
    rows = [
        ["Item", "Plan"],
        ["Action", _label(_first(card.get("action"), analysis.get("recommendation")))],
        ["Entry zone", entry],
        ["Stop loss", _fmt(_first(card.get("stop_loss"), targets_block.get("stop_loss")), ",.2f")],
        ["Targets", _prices(targets)],
        ["Time horizon", horizon],
        ["Position sizing", size],
    ]
    portfolio = _mapping(analysis.get("portfolio_action"))
    if portfolio.get("action"):
        action = _label(portfolio.get("action"))
        reason = pdf_text(portfolio.get("reason"), limit=ITEM_LIMIT)
        rows.append(["Portfolio action", f"{action}: {reason}" if reason else action])
    _heading(pdf, "Decision card")
    _table(pdf, rows, (40, 140), ("LEFT", "LEFT"))
    if pdf.will_page_break(10):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", BODY_SIZE)
    pdf.cell(0, 5, "Invalidation conditions", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", BODY_SIZE)
    _bullets(pdf, _list(card.get("invalidation_conditions")), "None recorded.")


def _scenarios(pdf: FPDF, analysis: Mapping[str, Any]) -> None:
    scenarios = [_mapping(item) for item in _list(analysis.get("scenarios"))]
    scenarios = [item for item in scenarios if item][:MAX_SCENARIOS]
    _heading(pdf, "Scenarios")
    if not scenarios:
        _paragraph(pdf, "No scenarios recorded.")
        return
    rows = [["Scenario", "Probability", "Return"]]
    rows += [
        [
            _label(item.get("name")),
            _fraction_pct(item.get("probability")),
            _fmt(item.get("return_pct"), "+.2f", "%"),
        ]
        for item in scenarios
    ]
    _table(pdf, rows, (80, 50, 50), ("LEFT", "RIGHT", "RIGHT"))


def _horizons(pdf: FPDF, contract: Mapping[str, Any]) -> None:
    expected = _mapping(contract.get("expected_return_pct"))
    downside = _mapping(contract.get("downside_risk_pct"))
    hit_rate = _mapping(contract.get("hit_rate"))
    keys = [key for key in HORIZON_ORDER if key in expected or key in downside]
    keys += sorted(str(key) for key in {*expected, *downside} if key not in HORIZON_ORDER)
    if not keys:
        return
    _heading(pdf, "Expected return and downside by horizon")
    rows = [["Horizon", "Expected return", "Downside risk", "Hit rate"]]
    rows += [
        [
            pdf_text(key, limit=12),
            _fmt(expected.get(key), "+.2f", "%"),
            _fmt(downside.get(key), ".2f", "%"),
            _fraction_pct(hit_rate.get(key)),
        ]
        for key in keys[:MAX_SCENARIOS]
    ]
    _table(pdf, rows, (30, 50, 50, 50), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))


def _risks_and_opportunities(pdf: FPDF, analysis: Mapping[str, Any]) -> None:
    _heading(pdf, "Risks")
    _bullets(pdf, _list(analysis.get("risks")), "None recorded.")
    _heading(pdf, "Opportunities")
    _bullets(pdf, _list(analysis.get("opportunities")), "None recorded.")


def _diagnostics(pdf: FPDF, analysis: Mapping[str, Any], agents: Mapping[str, Any]) -> None:
    _heading(pdf, "Diagnostics")
    summary = analysis.get("diagnostics_summary")
    if not (isinstance(summary, str) and summary.strip()):
        diag = _mapping(analysis.get("diagnostics"))
        counts = [diag.get(key) for key in ("bullish_count", "neutral_count", "bearish_count")]
        summary = (
            f"{_fmt(counts[0], '.0f')} bullish, {_fmt(counts[1], '.0f')} neutral, "
            f"{_fmt(counts[2], '.0f')} bearish; agent success {_fraction_pct(diag.get('agent_success_rate'))}"
            if diag
            else "No diagnostics recorded."
        )
    _paragraph(pdf, pdf_text(summary, limit=ITEM_LIMIT * 2))
    named = sorted(
        ((pdf_text(name, limit=40), _mapping(result)) for name, result in agents.items()),
        key=lambda item: item[0],
    )
    if not named:
        return
    pdf.ln(1)
    rows = [["Agent", "Status", "Duration"]]
    for name, result in named[:MAX_AGENTS]:
        success = result.get("success")
        status = "OK" if success is True else "Failed" if success is False else NA
        rows.append([_label(name), status, _fmt(result.get("duration_seconds"), ".2f", " s")])
    _table(pdf, rows, (90, 45, 45), ("LEFT", "CENTER", "RIGHT"))
    if len(named) > MAX_AGENTS:
        _paragraph(pdf, f"... and {len(named) - MAX_AGENTS} more agents")


def analysis_pdf(
    report: Mapping[str, Any], *, generated_at: datetime | None = None, compress: bool = True
) -> bytes:
    """A one-to-two-page A4 PDF of one analysis (the `AnalysisResponseSerializer` dict).

    Title (ticker, call, as-of time, a DEMO DATA banner for demo data), key numbers, rationale,
    decision card, scenarios, expected return and downside per horizon (when the v2 signal
    contract exists), risks, opportunities, diagnostics with the agents' status, and on every
    page a footer with the generation time (``generated_at``, default now, also the PDF's
    creation date) and the notice "Not investment advice; generated by pmresearch".

    Missing or None values print as "n/a" or drop their section; text outside Latin-1 is
    transliterated (see :func:`pdf_text`). ``compress=False`` leaves the page streams readable
    (for tests).
    """
    report = _mapping(report)
    analysis = _mapping(report.get("analysis"))
    contract = _mapping(analysis.get("signal_contract_v2"))
    agents = _mapping(report.get("agent_results"))
    generated = generated_at or datetime.now(UTC)
    if generated.tzinfo is None:
        generated = generated.replace(tzinfo=UTC)

    pdf = _ReportPDF(f"Generated {_when(generated)}. {FOOTER_NOTICE}.")
    pdf.alias_nb_pages(None)  # no "{nb}" substitution inside report text
    pdf.set_compression(compress)
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_creation_date(generated)
    pdf.set_author("pmresearch")
    pdf.set_creator("pmresearch")
    pdf.add_page()

    ticker = _title(pdf, report, analysis)
    pdf.set_title(f"{ticker} analysis")
    _key_numbers(pdf, analysis, contract)
    _rationale(pdf, analysis)
    _decision(pdf, analysis)
    _scenarios(pdf, analysis)
    _horizons(pdf, contract)
    _risks_and_opportunities(pdf, analysis)
    _diagnostics(pdf, analysis, agents)
    return bytes(pdf.output())
