"""A source that cannot answer: its agents say "no data" with the reason; the analysis stands."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.models import Analysis
from tests.public_provider.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_it_stores_the_analysis_with_the_reason(pm_api: Any, recordings: Any, frozen_clock: Any) -> None:
    healthy = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").json()
    from datasources.cache import clear

    clear()
    recordings.sec_down = True
    response = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}")
    assert response.status_code == 200, response.content
    body = response.json()
    fundamentals = body["agent_results"]["fundamentals"]
    assert fundamentals["success"] is False
    assert fundamentals["error"] == "No data: SEC unreachable: timed out after 3 tries"
    assert "Traceback" not in response.content.decode() and "ConnectTimeout" not in response.content.decode()
    assert Analysis.objects.count() == 2
    quality = body["analysis"]["diagnostics"]["agent_success_rate"]
    assert quality < healthy["analysis"]["diagnostics"]["agent_success_rate"]


def test_it_answers_none_sources_as_no_data_from_the_configured_source(
    pm_api: Any, recordings: Any, frozen_clock: Any, settings: Any
) -> None:
    settings.FUNDAMENTALS_SOURCE = "none"
    settings.MACRO_SOURCE = "none"
    agents = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").json()["agent_results"]
    assert agents["fundamentals"]["error"] == (
        "No data: no data from the configured source (FUNDAMENTALS_SOURCE=none)"
    )
    assert agents["macro"]["error"] == "No data: no data from the configured source (MACRO_SOURCE=none)"
    assert recordings.seen["fred.test"] == 0
