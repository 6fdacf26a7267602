"""File exports of analyses: one analysis as CSV or a PDF report, a ticker's history as CSV, file names.

Pure functions over the serialized shapes (the `StoredAnalysisSerializer` dict for the
per-analysis CSV, `AnalysisHistoryItemSerializer` rows, the `AnalysisResponseSerializer` dict
for the PDF); they take no request and return text or bytes, so the views
only set the content type and the ``Content-Disposition`` from :func:`export_filename`.

Every key may be missing or None (legacy v1 rows have no signal contract, older rows may lack a
decision card): the CSV writes an empty cell and the PDF writes "n/a" or leaves the section out.

The CSV is safe to open in a spreadsheet: a text cell that a spreadsheet would read as a formula
is prefixed with ``'`` (see :func:`safe_cell`); numbers are written by this package, so they stay
numbers. The PDF uses fpdf2's built-in Helvetica, whose encoding is Latin-1 (fpdf2 ships no
Unicode font and system fonts are not relied on): text is transliterated with a small explicit
map (``—`` to ``-``, ``…`` to ``...``, ``σ`` to ``sigma``), then accents are stripped and anything
else becomes ``?``.

Modules, each depending only on those above it:

* ``payload``: tolerant readers of the serialized shapes (missing keys, odd types);
* ``csv_export``: :func:`analysis_csv`, :func:`history_csv` and :func:`safe_cell`;
* ``filenames``: :func:`export_filename`;
* ``pdf_formatting``: Latin-1 text (:func:`pdf_text`) and "n/a"-aware number formats;
* ``pdf_layout``: the page, headings, paragraphs, bullets and tables;
* ``pdf_export``: :func:`analysis_pdf`, the report's sections.

Callers import from ``analysis.exports`` what they use (below); the rest stays in its module.
"""

from __future__ import annotations

from analysis.exports.csv_export import HISTORY_COLUMNS, analysis_csv, history_csv, safe_cell
from analysis.exports.filenames import export_filename
from analysis.exports.pdf_export import FOOTER_NOTICE, analysis_pdf
from analysis.exports.pdf_formatting import pdf_text

__all__ = [
    "FOOTER_NOTICE",
    "HISTORY_COLUMNS",
    "analysis_csv",
    "analysis_pdf",
    "export_filename",
    "history_csv",
    "pdf_text",
    "safe_cell",
]
