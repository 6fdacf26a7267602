"""The opportunities CSV builder and file name (pure)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from unittest import mock

import pytest

from watchlists import exports
from watchlists.exports import opportunities_csv, opportunities_filename
from watchlists.ranking import OPPORTUNITY_FIELDS


def _row(**fields: Any) -> dict[str, Any]:
    row = dict.fromkeys(OPPORTUNITY_FIELDS)
    row.update(fields)
    return row


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_header_then_one_line_per_row_with_crlf() -> None:
    text = opportunities_csv([_row(rank=1, ticker="AAPL"), _row(rank=2, ticker="MSFT")])
    assert text.split("\r\n")[0] == ",".join(OPPORTUNITY_FIELDS)
    assert text.endswith("\r\n") and text.count("\r\n") == 3
    assert [line[1] for line in _parse(text)[1:]] == ["AAPL", "MSFT"]


def test_numbers_stay_numbers_and_formula_text_is_neutralised() -> None:
    crafted = _row(
        rank=1,
        ticker='=HYPERLINK("http://evil")',
        ev_score_7d=-1.25,
        confidence_calibrated=0.5,
        calibration_sample_size=0,
        regime_label="+cmd|' /C calc'!A0",
        optimizer_action="@SUM(1)",
        recommendation="-2",
        is_demo_data=False,
        capacity_usd=None,
    )
    header, line = _parse(opportunities_csv([crafted]))
    cells = dict(zip(header, line, strict=True))
    assert cells["ev_score_7d"] == "-1.25"  # a negative number is written as a number
    assert cells["calibration_sample_size"] == "0"
    assert cells["ticker"] == '\'=HYPERLINK("http://evil")'
    assert cells["regime_label"] == "'+cmd|' /C calc'!A0"
    assert cells["optimizer_action"] == "'@SUM(1)"
    assert cells["recommendation"] == "'-2"  # text that looks like a number is still text
    assert cells["is_demo_data"] == "false"
    assert cells["capacity_usd"] == ""


def test_every_cell_goes_through_safe_cell() -> None:
    with mock.patch.object(exports, "safe_cell", side_effect=lambda v: "X") as spy:
        text = opportunities_csv([_row(rank=1, ticker="AAPL")])
    assert spy.call_count == len(OPPORTUNITY_FIELDS)
    assert _parse(text)[1] == ["X"] * len(OPPORTUNITY_FIELDS)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Large caps", "Large_caps_opportunities_20261124.csv"),
        ("Europa & Japan", "Europa_Japan_opportunities_20261124.csv"),
        ('a"b;c\r\nd', "a_b_c_d_opportunities_20261124.csv"),
        ("../../etc", "etc_opportunities_20261124.csv"),
        ("Überwachung", "berwachung_opportunities_20261124.csv"),
        ("***", "watchlist_opportunities_20261124.csv"),
        ("", "watchlist_opportunities_20261124.csv"),
        ("x" * 60, "x" * 40 + "_opportunities_20261124.csv"),
    ],
)
def test_filename_is_safe(name: str, expected: str) -> None:
    assert opportunities_filename(name, dt.datetime(2026, 11, 24, 23, 0, tzinfo=dt.UTC)) == expected
