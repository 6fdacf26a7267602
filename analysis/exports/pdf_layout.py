"""Drawing primitives of the PDF report: the page with its footer, headings, paragraphs, bullet
lists and tables, all in fpdf2's built-in Helvetica.
"""

from __future__ import annotations

from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from analysis.exports.pdf_formatting import pdf_text

# Caps that keep the report to one or two A4 pages whatever the payload holds.
ITEM_LIMIT = 140
MAX_LIST_ITEMS = 5

HEADING_FILL = (232, 236, 241)
ROW_FILL = (255, 255, 255)
BODY_SIZE = 9


class ReportPDF(FPDF):
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


def heading(pdf: FPDF, title: str) -> None:
    if pdf.will_page_break(22):
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(1.2)
    pdf.set_font("Helvetica", "", BODY_SIZE)


def paragraph(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "", BODY_SIZE)
    pdf.multi_cell(0, 4.4, text, new_x="LMARGIN", new_y="NEXT")


def bullets(pdf: FPDF, items: list[Any], empty: str) -> None:
    texts = [pdf_text(item, limit=ITEM_LIMIT) for item in items if item is not None]
    texts = [text for text in texts if text.strip()]
    if not texts:
        paragraph(pdf, empty)
        return
    shown = texts[:MAX_LIST_ITEMS]
    for text in shown:
        pdf.set_x(pdf.l_margin)
        pdf.cell(4, 4.4, "-")
        pdf.multi_cell(0, 4.4, text, new_x="LMARGIN", new_y="NEXT")
    if len(texts) > len(shown):
        paragraph(pdf, f"... and {len(texts) - len(shown)} more")


def rows_table(pdf: FPDF, rows: list[list[str]], widths: tuple[float, ...], align: tuple[str, ...]) -> None:
    """A table whose first row is the headings; a new page first when not even its headings and
    three rows would fit (headings repeat when a longer table breaks).
    """
    if pdf.will_page_break(min(len(rows), 4) * 6.0):
        pdf.add_page()
    pdf.set_font("Helvetica", "", BODY_SIZE)
    # Body rows take the current fill colour: set it here, never inherit it from what came before.
    pdf.set_fill_color(*ROW_FILL)
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
