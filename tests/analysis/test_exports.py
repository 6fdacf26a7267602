"""Exports: the history CSV (formula-injection safe), the PDF report and the file names. No DB."""

from __future__ import annotations

import copy
import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from analysis.exports import (
    FOOTER_NOTICE,
    HISTORY_COLUMNS,
    analysis_csv,
    analysis_pdf,
    export_filename,
    history_csv,
    pdf_text,
    safe_cell,
)

GENERATED = datetime(2026, 11, 24, 21, 5, tzinfo=UTC)


def _history_row(**overrides: Any) -> dict[str, Any]:
    row = {
        "id": 17,
        "ticker": "AAPL",
        "timestamp": "2026-11-24T21:00:00+00:00",
        "as_of": "2026-11-24T21:00:00+00:00",
        "recommendation": "BUY",
        "analysis_schema_version": "v2",
        "score": 35.0,
        "ev_score_7d": 0.4123,
        "confidence_calibrated": 0.64,
        "data_quality_score": 87.5,
        "regime_label": "bull",
        "confidence_score": 0.72,
        "overall_sentiment_score": 0.3,
        "decision_card": {
            "action": "buy",
            "entry_zone": {"low": 98.0, "high": 102.0},
            "stop_loss": 95.5,
            "targets": [110.0, 115.0],
        },
        "change_summary": {"summary": "First analysis of this ticker.", "changes": []},
        "duration_seconds": 1.25,
        "run_kind": "manual",
        "data_source": "demo",
    }
    row.update(overrides)
    return row


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _report(**overrides: Any) -> dict[str, Any]:
    contract = {
        "expected_return_pct": {"1d": 0.21, "7d": 1.1, "30d": 3.4},
        "downside_risk_pct": {"1d": 0.5, "7d": 2.2, "30d": 5.1},
        "hit_rate": {"1d": 0.52, "7d": 0.56, "30d": 0.6},
        "ev_score_7d": 0.4,
        "confidence": {"raw": 0.7, "calibrated": 0.64, "uncertainty_band_pct": 6.5, "sample_size": 240},
        "risk": {
            "risk_reward_ratio_7d": 0.5,
            "data_quality_score": 87.5,
            "conflict_score": 12.0,
            "regime_label": "bull",
            "max_drawdown_est_pct_7d": 2.2,
        },
        "liquidity": {"avg_dollar_volume_20d": 1e9, "est_spread_bps": 7.0, "capacity_usd": 1e7},
    }
    report = {
        "success": True,
        "ticker": "BRK.B",
        "analysis_id": 42,
        "analysis_schema_version": "v2",
        "timestamp": "2026-11-24T21:00:00+00:00",
        "as_of": "2026-11-24T21:00:00+00:00",
        "run_kind": "manual",
        "data_source": "yahoo",
        "is_demo_data": False,
        "analysis": {
            "recommendation": "BUY",
            "score": 35,
            "confidence": 0.72,
            "reasoning": "Momentum and fundamentals agree.",
            "risks": ["Earnings in 5 days"],
            "opportunities": ["Buyback announced"],
            "price_targets": {"entry": 100.0, "target": 110.0, "stop_loss": 95.5},
            "position_size": "MEDIUM",
            "time_horizon": "MEDIUM_TERM",
            "decision_card": {
                "action": "buy",
                "entry_zone": {"low": 98.0, "high": 102.0},
                "stop_loss": 95.5,
                "targets": [110.0, 115.0],
                "time_horizon": "MEDIUM_TERM",
                "max_holding_days": 30,
                "invalidation_conditions": ["Daily close below the stop at 95.50"],
                "position_sizing": {"hint": "MEDIUM", "risk_multiplier": 1.0},
            },
            "scenarios": [
                {"name": "bull", "probability": 0.45, "return_pct": 6.2},
                {"name": "base", "probability": 0.35, "return_pct": 1.0},
                {"name": "bear", "probability": 0.2, "return_pct": -5.5},
            ],
            "diagnostics": {"bullish_count": 4, "neutral_count": 2, "bearish_count": 1},
            "diagnostics_summary": "4 bullish, 2 neutral, 1 bearish; data quality good",
            "change_summary": {"summary": "First analysis of this ticker.", "changes": []},
            "portfolio_action": {"action": "consider_opening", "reason": "Advisory only."},
            "signal_contract_v2": contract,
            "ev_score_7d": 0.4,
            "confidence_calibrated": 0.64,
            "data_quality_score": 87.5,
            "regime_label": "bull",
            "rationale_summary": "BUY BRK.B: momentum and fundamentals agree.",
            "summary": "BUY BRK.B (score +35, confidence 0.72).",
        },
        "agent_results": {
            "market": {
                "success": True,
                "agent_type": "market",
                "data": {},
                "error": None,
                "duration_seconds": 0.4,
            },
            "news": {
                "success": False,
                "agent_type": "news",
                "data": None,
                "error": "timeout",
                "duration_seconds": 2.0,
            },
        },
    }
    report.update(overrides)
    return report


def _legacy_report() -> dict[str, Any]:
    """A v1 row: every optional key None, no contract, no decision card, no agents."""
    report = _report(analysis_schema_version="v1", data_source=None, run_kind=None, agent_results={})
    report["analysis"] = {key: None for key in report["analysis"]}
    report["analysis"]["recommendation"] = "HOLD"
    return report


def _pages(raw: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", raw))


def _shown_text(raw: bytes) -> str:
    """The strings drawn by the (uncompressed) content streams, one per line."""
    strings = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", raw)
    return "\n".join(re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in strings)


# --------------------------------------------------------------------------------------------
# safe_cell
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\rcmd", "'\rcmd"),
        ("  =1+1", "'  =1+1"),
        ("＝1+1", "'＝1+1"),
        ("-12.5", "'-12.5"),  # a string, even a numeric-looking one, is text
        ("BUY", "BUY"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_text_that_a_spreadsheet_would_run(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-12.5, "-12.5"),
        (-12.0, "-12.0"),
        (35.0, "35.0"),
        (0.1, "0.1"),
        (-3, "-3"),
        (0, "0"),
        (Decimal("-1.50"), "-1.50"),
        (1e-7, "1e-07"),
        (True, "true"),
        (False, "false"),
        (None, ""),
        (float("nan"), ""),
        (float("-inf"), ""),
        (datetime(2026, 11, 24, 21, 0, tzinfo=UTC), "2026-11-24T21:00:00+00:00"),
    ],
)
def test_safe_cell_keeps_numbers_numbers(value: Any, expected: str) -> None:
    assert safe_cell(value) == expected


def test_safe_cell_neutralises_other_objects_by_their_text() -> None:
    class Weird:
        def __str__(self) -> str:
            return "=cmd|' /C calc'!A0"

    assert safe_cell(Weird()) == "'=cmd|' /C calc'!A0"


# --------------------------------------------------------------------------------------------
# history_csv
# --------------------------------------------------------------------------------------------


def test_history_csv_header_and_row() -> None:
    text = history_csv([_history_row()])
    header, row = _parse(text)
    assert header == list(HISTORY_COLUMNS)
    assert header[:5] == ["id", "ticker", "timestamp", "as_of", "recommendation"]
    assert dict(zip(header, row, strict=True)) == {
        "id": "17",
        "ticker": "AAPL",
        "timestamp": "2026-11-24T21:00:00+00:00",
        "as_of": "2026-11-24T21:00:00+00:00",
        "recommendation": "BUY",
        "score": "35.0",
        "confidence_score": "0.72",
        "ev_score_7d": "0.4123",
        "confidence_calibrated": "0.64",
        "data_quality_score": "87.5",
        "regime_label": "bull",
        "analysis_schema_version": "v2",
        "run_kind": "manual",
        "data_source": "demo",
        "decision_action": "buy",
        "entry_low": "98.0",
        "entry_high": "102.0",
        "stop_loss": "95.5",
        "change_summary": "First analysis of this ticker.",
    }
    assert text.endswith("\r\n")


def test_history_csv_of_no_rows_is_the_header() -> None:
    assert _parse(history_csv([])) == [list(HISTORY_COLUMNS)]
    assert _parse(history_csv(iter(()))) == [list(HISTORY_COLUMNS)]


def test_history_csv_neutralises_formula_injection_but_not_negative_numbers() -> None:
    row = _history_row(
        ticker='=HYPERLINK("http://evil.example","AAPL")',
        regime_label="+1",
        run_kind="-cmd",
        data_source="@SUM(A1:A9)",
        recommendation="\tSELL",
        score=-12.5,
        ev_score_7d=-0.75,
        decision_card={"action": "=2+5", "entry_zone": {"low": -1.0, "high": 2}, "stop_loss": -3},
        change_summary={"summary": "-2 changes"},
    )
    text = history_csv([row])
    values = dict(zip(HISTORY_COLUMNS, _parse(text)[1], strict=True))
    assert values["ticker"] == '\'=HYPERLINK("http://evil.example","AAPL")'
    assert values["regime_label"] == "'+1"
    assert values["run_kind"] == "'-cmd"
    assert values["data_source"] == "'@SUM(A1:A9)"
    assert values["recommendation"] == "'\tSELL"
    assert values["decision_action"] == "'=2+5"
    assert values["change_summary"] == "'-2 changes"
    assert values["score"] == "-12.5"
    assert values["ev_score_7d"] == "-0.75"
    assert (values["entry_low"], values["entry_high"], values["stop_loss"]) == ("-1.0", "2", "-3")
    # Written bare, so a spreadsheet reads them as numbers.
    assert ",-12.5," in text
    assert ",-0.75," in text
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in _parse(text)[1][:5])


def test_history_csv_writes_none_as_empty_cells() -> None:
    row = {column: None for column in _history_row()}
    values = _parse(history_csv([row]))[1]
    assert values == [""] * len(HISTORY_COLUMNS)


def test_history_csv_of_a_legacy_row_without_v2_keys() -> None:
    legacy = _history_row(
        analysis_schema_version="v1",
        ev_score_7d=None,
        confidence_calibrated=None,
        data_quality_score=None,
        regime_label=None,
        decision_card=None,
        change_summary=None,
        run_kind=None,
        data_source=None,
        score=-40.0,
    )
    values = dict(zip(HISTORY_COLUMNS, _parse(history_csv([legacy]))[1], strict=True))
    assert values["analysis_schema_version"] == "v1"
    assert values["score"] == "-40.0"
    for column in (
        "ev_score_7d",
        "confidence_calibrated",
        "data_quality_score",
        "regime_label",
        "run_kind",
        "data_source",
        "decision_action",
        "entry_low",
        "entry_high",
        "stop_loss",
        "change_summary",
    ):
        assert values[column] == "", column


def test_history_csv_tolerates_missing_keys_and_odd_shapes() -> None:
    rows = [
        {},
        {"id": 3, "decision_card": "not a card", "change_summary": "plain text"},
        {"id": 4, "decision_card": {"entry_zone": None}, "change_summary": {"changes": []}},
    ]
    parsed = _parse(history_csv(rows))
    assert len(parsed) == 4
    assert parsed[1] == [""] * len(HISTORY_COLUMNS)
    second = dict(zip(HISTORY_COLUMNS, parsed[2], strict=True))
    assert (second["id"], second["decision_action"], second["change_summary"]) == ("3", "", "plain text")
    third = dict(zip(HISTORY_COLUMNS, parsed[3], strict=True))
    assert (third["entry_low"], third["change_summary"]) == ("", "")


def test_history_csv_quotes_commas_and_newlines() -> None:
    row = _history_row(change_summary={"summary": 'Score moved +20, "high"\nimpact'})
    values = dict(zip(HISTORY_COLUMNS, _parse(history_csv([row]))[1], strict=True))
    assert values["change_summary"] == 'Score moved +20, "high"\nimpact'


# --------------------------------------------------------------------------------------------
# export_filename
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticker", "kind", "expected"),
    [
        ("AAPL", "history", "AAPL_history_2026-11-24.csv"),
        ("BRK.B", "analysis", "BRK.B_analysis_2026-11-24.pdf"),
        ("brk.b", "analysis", "BRK.B_analysis_2026-11-24.pdf"),
        ("../../etc/passwd", "history", "ETC-PASSWD_history_2026-11-24.csv"),
        ('A"B;\r\nC', "history", "A-B-C_history_2026-11-24.csv"),
        ("7203.T", "analysis", "7203.T_analysis_2026-11-24.pdf"),
        ("東京", "history", "UNKNOWN_history_2026-11-24.csv"),
        ("", "history", "UNKNOWN_history_2026-11-24.csv"),
        (None, "analysis", "UNKNOWN_analysis_2026-11-24.pdf"),
        ("X" * 50, "history", f"{'X' * 32}_history_2026-11-24.csv"),
    ],
)
def test_export_filename(ticker: Any, kind: str, expected: str) -> None:
    name = export_filename(ticker, kind, datetime(2026, 11, 24, 9, 30, tzinfo=UTC))
    assert name == expected
    assert re.fullmatch(r"[A-Z0-9][A-Z0-9.-]*_(history|analysis)_\d{4}-\d{2}-\d{2}\.(csv|pdf)", name)


def test_export_filename_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        export_filename("AAPL", "../x", datetime(2026, 11, 24, tzinfo=UTC))


def test_export_filename_of_one_analysis_as_csv() -> None:
    when = datetime(2026, 2, 7, 5, 24, tzinfo=UTC)
    assert export_filename("aapl", "analysis", when, extension="csv") == "AAPL_analysis_2026-02-07.csv"
    with pytest.raises(ValueError, match="extension"):
        export_filename("AAPL", "analysis", when, extension="exe")


# --------------------------------------------------------------------------------------------
# analysis_csv
# --------------------------------------------------------------------------------------------


def _stored(**overrides: Any) -> dict[str, Any]:
    report = {
        "ticker": "AAPL",
        "timestamp": "2026-11-24T21:00:00+00:00",
        "recommendation": "HOLD",
        "score": 0.0,
        "confidence_score": 0.6,
        "overall_sentiment_score": -0.25,
        "duration_seconds": 9.5,
        "solution_agent_reasoning": "Mixed signals, hold.",
        "decision_card": {"action": "hold", "targets": []},
        "change_summary": None,
        "agents": [
            {
                "agent_type": "market",
                "success": True,
                "duration_seconds": 1.25,
                "data": {"data_source": "demo"},
            },
            {
                "agent_type": "fundamentals",
                "success": False,
                "duration_seconds": 0.5,
                "data": None,
                "error": "no data",
            },
        ],
        "sentiment_factors": {"earnings": {"score": 0.75, "weight": 0.25, "contribution": 0.1875}},
    }
    return {**report, **overrides}


def test_analysis_csv_is_the_earlier_section_field_value_layout() -> None:
    text = analysis_csv(_stored())
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert _parse(text) == [
        ["Section", "Field", "Value"],
        ["Summary", "Ticker", "AAPL"],
        ["Summary", "Timestamp", "2026-11-24T21:00:00+00:00"],
        ["Summary", "Recommendation", "HOLD"],
        ["Summary", "Score", "0.0"],
        ["Summary", "Confidence Score", "0.6"],
        ["Summary", "Sentiment Score", "-0.25"],
        ["Summary", "Duration (s)", "9.5"],
        ["Summary", "Reasoning", "Mixed signals, hold."],
        ["Summary", "Decision Card", '{"action": "hold", "targets": []}'],
        ["Summary", "Change Summary", ""],
        [],
        ["Agent", "Success", "Duration (s)", "Data Source", "Error"],
        ["market", "1", "1.25", "demo", ""],
        ["fundamentals", "0", "0.5", "", "no data"],
        [],
        ["Sentiment Factor", "Score", "Weight", "Contribution"],
        ["earnings", "0.75", "0.25", "0.1875"],
    ]


def test_analysis_csv_without_factors_ends_with_the_agents_and_tolerates_gaps() -> None:
    rows = _parse(analysis_csv(_stored(sentiment_factors={}, agents=None, score=None)))
    assert rows[-1] == ["Agent", "Success", "Duration (s)", "Data Source", "Error"]
    assert rows[4] == ["Summary", "Score", ""]
    assert _parse(analysis_csv({}))[1] == ["Summary", "Ticker", ""]


def test_analysis_csv_neutralises_formula_injection() -> None:
    text = analysis_csv(
        _stored(
            solution_agent_reasoning="=cmd|' /C calc'!A0", agents=[{"agent_type": "@SUM(1)", "error": "+1"}]
        )
    )
    rows = _parse(text)
    assert rows[8][2] == "'=cmd|' /C calc'!A0"
    assert rows[13][0] == "'@SUM(1)" and rows[13][4] == "'+1"
    assert rows[6][2] == "-0.25"  # numbers stay numbers


# --------------------------------------------------------------------------------------------
# pdf_text
# --------------------------------------------------------------------------------------------


def test_pdf_text_transliterates_to_latin1() -> None:
    text = pdf_text("Nestlé — ±2σ move… “up” − 3 ≥ 2 € Ωmega 東京 ő\u200b\x00end")
    text.encode("latin-1")  # drawable by the core fonts
    assert text == 'Nestlé - ±2sigma move... "up" - 3 >= 2 EUR ?mega ?? o end'


def test_pdf_text_handles_none_newlines_and_limits() -> None:
    assert pdf_text(None) == ""
    assert pdf_text("a\nb") == "a b"
    assert pdf_text("a\nb", keep_newlines=True) == "a\nb"
    assert pdf_text("abcdefghij", limit=6) == "abc..."
    assert pdf_text(12.5) == "12.5"


# --------------------------------------------------------------------------------------------
# analysis_pdf
# --------------------------------------------------------------------------------------------


def test_analysis_pdf_is_a_pdf_with_the_report() -> None:
    raw = analysis_pdf(_report(), generated_at=GENERATED, compress=False)
    assert raw.startswith(b"%PDF-")
    assert raw.rstrip().endswith(b"%%EOF")
    assert len(raw) > 3000
    assert 1 <= _pages(raw) <= 2
    text = _shown_text(raw)
    assert "BRK.B - BUY" in text
    assert "As of 2026-11-24 21:00 UTC" in text
    assert "DEMO DATA" not in text
    for expected in (
        "Key numbers",
        "+35",
        "72%",
        "64% (n=240, ±6.5 pts)",
        "+0.40%",
        "88/100",
        "Bull",
        "BUY BRK.B: momentum and fundamentals agree.",
        "98.00 - 102.00",
        "95.50",
        "110.00, 115.00",
        "Medium term (hold at most 30 days)",
        "Medium (risk x1.0)",
        "Daily close below the stop at 95.50",
        "Scenarios",
        "-5.50%",
        "Expected return and downside by horizon",
        "+3.40%",
        "Earnings in 5 days",
        "Buyback announced",
        "4 bullish, 2 neutral, 1 bearish; data quality good",
        "Market",
        "Failed",
        "2.00 s",
        f"Generated 2026-11-24 21:05 UTC. {FOOTER_NOTICE}.",
    ):
        assert expected in text, expected
    assert "timeout" not in text  # agent errors stay out of a forwarded report


def test_analysis_pdf_demo_banner() -> None:
    raw = analysis_pdf(_report(is_demo_data=True, data_source="demo"), compress=False)
    assert "DEMO DATA" in _shown_text(raw)


def test_analysis_pdf_compressed_by_default() -> None:
    raw = analysis_pdf(_report(), generated_at=GENERATED)
    assert raw.startswith(b"%PDF-")
    assert b"/FlateDecode" in raw
    assert len(raw) > 1000


def test_analysis_pdf_is_deterministic_for_a_given_generation_time() -> None:
    assert analysis_pdf(_report(), generated_at=GENERATED) == analysis_pdf(_report(), generated_at=GENERATED)


def test_analysis_pdf_of_a_legacy_report_with_every_optional_key_none() -> None:
    raw = analysis_pdf(_legacy_report(), generated_at=GENERATED, compress=False)
    assert raw.startswith(b"%PDF-")
    text = _shown_text(raw)
    assert "BRK.B - HOLD" in text
    assert "No rationale recorded." in text
    assert "No scenarios recorded." in text
    assert "Expected return and downside by horizon" not in text
    assert "n/a" in text
    assert FOOTER_NOTICE in text


@pytest.mark.parametrize(
    "report",
    [
        {},
        None,
        {"ticker": None, "analysis": None, "agent_results": None, "as_of": None, "is_demo_data": None},
        {key: None for key in _report()},
    ],
)
def test_analysis_pdf_never_raises_on_missing_values(report: Any) -> None:
    raw = analysis_pdf(report, compress=False)
    assert raw.startswith(b"%PDF-")
    assert "UNKNOWN - NO CALL" in _shown_text(raw)


def test_analysis_pdf_tolerates_odd_shapes() -> None:
    report = _report(as_of="not a date", analysis_id=None, agent_results={"news": None, "x": "y"})
    analysis = report["analysis"]
    analysis.update(
        scenarios="bull",
        risks=[None, "", 3],
        opportunities="not a list",
        score="12",
        confidence=float("nan"),
        decision_card={"entry_zone": [1, 2], "targets": [None, "abc", 5], "position_sizing": None},
        diagnostics_summary=None,
        diagnostics=None,
        portfolio_action="hold",
    )
    analysis["signal_contract_v2"]["expected_return_pct"] = None
    analysis["signal_contract_v2"]["confidence"] = {"sample_size": "many"}
    raw = analysis_pdf(report, compress=False)
    text = _shown_text(raw)
    assert "As of not a date" in text
    assert "+12" in text
    assert "5.00" in text
    assert "No diagnostics recorded." in text


def test_analysis_pdf_survives_unicode() -> None:
    report = _report(ticker="NOVO-B.CO")
    report["analysis"]["rationale_summary"] = "Momentum — strong, ±2σ move… “Nestlé” 東京 ≥ target"
    report["analysis"]["risks"] = ["Yen risk: ¥ and € exposure — σ=3 %"]
    report["agent_results"] = {"sentiment": {"success": True, "duration_seconds": 0.5}}
    raw = analysis_pdf(report, compress=False)
    text = _shown_text(raw)
    assert "NOVO-B.CO - BUY" in text
    assert "Momentum - strong, ±2sigma move..." in text
    assert "Nestlé" in text
    assert "EUR exposure - sigma=3 %" in text


def test_analysis_pdf_stays_within_two_pages_for_a_long_report() -> None:
    long_text = "Price momentum — strong ±2σ move… " * 40
    report = copy.deepcopy(_report(is_demo_data=True))
    analysis = report["analysis"]
    analysis.update(rationale_summary=long_text, diagnostics_summary=long_text)
    analysis["risks"] = [long_text] * 12
    analysis["opportunities"] = [long_text] * 12
    analysis["scenarios"] = analysis["scenarios"] * 4
    analysis["decision_card"]["invalidation_conditions"] = [long_text] * 12
    report["agent_results"] = {
        f"agent_{n}": {"success": n % 2 == 0, "duration_seconds": n / 3} for n in range(30)
    }
    raw = analysis_pdf(report, compress=False)
    assert _pages(raw) == 2
    text = _shown_text(raw)
    assert "... and 7 more" in text
    assert "... and 20 more agents" in text


def test_analysis_pdf_demo_banner_falls_back_to_the_data_source() -> None:
    raw = analysis_pdf(_report(is_demo_data=None, data_source="demo"), compress=False)
    assert "DEMO DATA" in _shown_text(raw)


def test_analysis_pdf_agents_whose_names_transliterate_alike() -> None:
    report = _report(agent_results={"東": {"success": True}, "京": {"success": False}, 7: None})
    text = _shown_text(analysis_pdf(report, compress=False))
    assert "OK" in text
    assert "Failed" in text
