"""The export routes and the contract schema URL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from tests.clock import market_day
from tests.factories import AnalysisFactory

pytestmark = pytest.mark.django_db


def test_it_exports_the_filtered_history_as_csv(pm_api: Any) -> None:
    AnalysisFactory(ticker="AAPL", recommendation="BUY", score=-12.5)
    AnalysisFactory(ticker="AAPL", recommendation="SELL")
    response = pm_api.get("/api/analysis/aapl/history/export/csv?recommendation=buy")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="AAPL_history_' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["ticker"], r["recommendation"], r["score"]) for r in rows] == [("AAPL", "BUY", "-12.5")]


def test_a_bad_filter_on_the_export_is_a_400(pm_api: Any) -> None:
    response = pm_api.get("/api/analysis/AAPL/history/export/csv?regime=sideways")
    assert response.status_code == 400
    assert "regime" in response.json()["detail"]


def test_it_exports_the_latest_analysis_as_a_pdf(pm_api: Any) -> None:
    with market_day(dt.date(2025, 6, 13)):
        body = pm_api.post("/api/analyze/MSFT?as_of=2025-06-13").json()
    response = pm_api.get("/api/analysis/MSFT/export/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 2000
    specific = pm_api.get(f"/api/analysis/MSFT/export/pdf?analysis_id={body['analysis_id']}")
    assert specific.status_code == 200


def test_one_analysis_exports_as_the_earlier_section_field_value_csv(pm_api: Any) -> None:
    with market_day(dt.date(2025, 6, 13)):
        body = pm_api.post("/api/analyze/MSFT?as_of=2025-06-13").json()
    response = pm_api.get("/api/analysis/msft/export/csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = body["timestamp"][:10]
    assert response["Content-Disposition"] == f'attachment; filename="MSFT_analysis_{stamp}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Section", "Field", "Value"]
    assert rows[1] == ["Summary", "Ticker", "MSFT"]
    assert rows[3] == ["Summary", "Recommendation", body["analysis"]["recommendation"]]
    assert rows[12] == ["Agent", "Success", "Duration (s)", "Data Source", "Error"]
    assert {row[0] for row in rows[13:20]} == set(body["agent_results"])
    assert ["Sentiment Factor", "Score", "Weight", "Contribution"] in rows


def test_a_pdf_of_nothing_is_a_404_and_a_bad_id_a_422(pm_api: Any) -> None:
    response = pm_api.get("/api/analysis/ZZZZ/export/pdf")
    assert response.status_code == 404
    assert response.json() == {"detail": "No analysis found for ZZZZ"}
    response = pm_api.get("/api/analysis/MSFT/export/pdf?analysis_id=abc")
    assert response.status_code == 422
    assert "analysis_id" in response.json()["detail"]


def test_the_contract_schema_is_served_at_a_stable_url(viewer_api: Any) -> None:
    response = viewer_api.get("/api/schemas/signal-contract-v2.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["$id"].endswith("signal_contract_v2.schema.json")
    assert "expected_return_pct" in schema["properties"]


def test_the_openapi_schema_and_docs_are_served(viewer_api: Any) -> None:
    schema = viewer_api.get("/api/schema?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"] if schema["Content-Type"].startswith("application/json") else None
    if paths is None:
        assert b"/api/analyze/{ticker}" in schema.content
    else:
        assert "/api/analyze/{ticker}" in paths
    docs = viewer_api.get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
