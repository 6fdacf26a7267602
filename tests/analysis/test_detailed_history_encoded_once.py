"""/history/detailed writes the bytes DRF's renderer writes, and never a stale item.

Items are encoded once per stored content (analysis/encoded_items.py); whatever changes a row or
one of its outcomes, the next page carries the change.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from analysis.encoded_items import encoded_items
from analysis.models import Analysis
from analysis.serializers import StoredAnalysisSerializer
from calibration.models import AnalysisOutcome
from tests.factories import AnalysisFactory, AnalysisOutcomeFactory

pytestmark = pytest.mark.django_db

URL = "/api/analysis/AAPL/history/detailed"
PAYLOAD = {
    "reasoning": "Trend up — volume \u2028 confirms; café",  # non-ASCII and a line separator
    "risks": ["gap"],
    "diagnostics": {"data_quality_level": "high", "conflicted": False},
    "ratio": 1e-07,
    "big": 2**70,
}


@pytest.fixture(autouse=True)
def no_kept_items() -> None:
    encoded_items.clear()


def _rows() -> list[Analysis]:
    rows = [
        AnalysisFactory(analysis_payload={**PAYLOAD, "n": n}, decision_card={"action": "BUY", "n": n})
        for n in range(3)
    ]
    AnalysisOutcomeFactory(analysis=rows[0], horizon_days=7)
    AnalysisOutcomeFactory(analysis=rows[0], horizon_days=1)
    return rows


def _as_drf_renders_it(limit: int = 50, accepted: str | None = None) -> bytes:
    queryset = Analysis.objects.filter(ticker="AAPL").order_by("-timestamp", "-id")
    page = list(queryset.prefetch_related("outcomes")[:limit])
    items = StoredAnalysisSerializer(page, many=True, context={"outcomes": True}).data
    total = queryset.count()
    body = {
        "ticker": "AAPL",
        "items": items,
        "total_count": total,
        "has_more": len(items) < total,
        "limit": limit,
        "offset": 0,
    }
    return JSONRenderer().render(body, accepted)


def test_it_writes_the_bytes_the_renderer_writes_before_and_after_keeping_items(
    viewer_api: APIClient,
) -> None:
    _rows()
    first = viewer_api.get(URL).content
    assert first == _as_drf_renders_it()
    assert viewer_api.get(URL).content == first  # now from the kept items
    assert viewer_api.get(URL + "?limit=2").content == _as_drf_renders_it(limit=2)


def test_indented_json_is_rendered_as_before(viewer_api: APIClient) -> None:
    _rows()
    viewer_api.get(URL)
    accepted = "application/json; indent=2"
    response = viewer_api.get(URL, HTTP_ACCEPT=accepted)
    assert response.content == _as_drf_renders_it(accepted=accepted)
    assert b'\n  "items"' in response.content


def test_a_changed_row_is_served_as_it_is_now(viewer_api: APIClient) -> None:
    rows = _rows()
    viewer_api.get(URL)
    Analysis.objects.filter(pk=rows[1].pk).update(decision_card={"action": "SELL"})
    with connection.cursor() as cursor:  # another tool writing the table directly
        cursor.execute(
            "UPDATE analyses SET analysis_payload = %s WHERE id = %s",
            ['{"reasoning": "rewritten"}', rows[2].pk],
        )
    body = viewer_api.get(URL).content
    assert body == _as_drf_renders_it()
    items = {item["id"]: item for item in json.loads(body)["items"]}
    assert items[rows[1].pk]["decision_card"]["action"] == "SELL"
    assert items[rows[2].pk]["analysis_payload"] == {"reasoning": "rewritten"}


def test_a_changed_or_new_outcome_is_served_as_it_is_now(viewer_api: APIClient) -> None:
    rows = _rows()
    viewer_api.get(URL)
    AnalysisOutcome.objects.filter(analysis=rows[0], horizon_days=7).update(
        status="complete", realized_return_pct=1.25
    )
    AnalysisOutcomeFactory(analysis=rows[1], horizon_days=30)
    body = viewer_api.get(URL).content
    assert body == _as_drf_renders_it()
    items: dict[int, Any] = {item["id"]: item for item in json.loads(body)["items"]}
    assert items[rows[0].pk]["outcomes"]["7d"]["status"] == "complete"
    assert set(items[rows[1].pk]["outcomes"]) == {"30d"}
