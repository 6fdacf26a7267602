"""The PDF as a reader sees it: rendered by poppler's pdftoppm, no table row wears the demo banner's red.

fpdf2 fills table rows with the document's current fill colour; a banner that left it red painted
every row of every table red, which only shows once the page is drawn.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analysis.exports.pdf_export import DEMO_FILL
from tests.clock import market_day

pytestmark = pytest.mark.django_db

DPI = 50
MM_PER_INCH = 25.4
BANNER_HEIGHT_MM = 8.0


def _pages(pdf: bytes, workdir: Path) -> list[np.ndarray]:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler's pdftoppm is not installed (apt-get install poppler-utils)")
    source = workdir / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), str(source), str(workdir / "page")], check=True)
    return [_read_ppm(path) for path in sorted(workdir.glob("page*.ppm"))]


def _read_ppm(path: Path) -> np.ndarray:
    """A binary P6 image as a height x width x 3 array."""
    data = path.read_bytes()
    fields: list[bytes] = []
    cursor = 0
    while len(fields) < 4:
        while data[cursor : cursor + 1].isspace():
            cursor += 1
        end = cursor
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[cursor:end])
        cursor = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = np.frombuffer(data[cursor + 1 : cursor + 1 + width * height * 3], dtype=np.uint8)
    return pixels.reshape(height, width, 3)


def _banner_rows(page: np.ndarray) -> np.ndarray:
    """Indexes of pixel rows at least half filled with the banner colour."""
    distance = np.abs(page.astype(int) - np.array(DEMO_FILL)).sum(axis=2)
    return np.flatnonzero((distance < 60).mean(axis=1) >= 0.5)


def test_it_fills_only_the_banner_with_the_banner_colour(pm_api: Any, tmp_path: Path) -> None:
    with market_day(dt.date(2025, 6, 13)):
        analysis = pm_api.post("/api/analyze/MSFT?as_of=2025-06-13").json()
    assert analysis["is_demo_data"] is True
    response = pm_api.get("/api/analysis/MSFT/export/pdf")
    assert response.status_code == 200
    pages = _pages(response.content, tmp_path)
    assert pages

    first = _banner_rows(pages[0])
    # The banner is there (so the colour test can see red at all) ...
    assert first.size > 0
    # ... and every red row lies within one band no taller than the banner (its white lettering
    # leaves gaps): each table row below it is unfilled.
    assert first[-1] - first[0] + 1 <= round(BANNER_HEIGHT_MM / MM_PER_INCH * DPI) + 1
    for page in pages[1:]:
        assert _banner_rows(page).size == 0
