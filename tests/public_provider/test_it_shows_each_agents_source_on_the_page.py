"""The analysis page shows each agent's source badge and as-of date; demo data stays labelled."""

from __future__ import annotations

from typing import Any

import pytest

from tests.public_provider.conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_it_shows_source_badges(
    pm_api: Any, recordings: Any, frozen_clock: Any, client_for: Any, pm: Any, flag: Any
) -> None:
    flag("UI_PM_DASHBOARD_ENABLED", True)
    analysis_id = pm_api.post(f"/api/analyze/NVDA?as_of={AS_OF}").json()["analysis_id"]
    page = client_for(pm).get(f"/analysis/NVDA/?analysis_id={analysis_id}").content.decode()
    assert '<span class="badge source"' in page
    assert ">yahoo</span> <small>as of 2021-07-16</small>" in page
    assert ">sec</span>" in page
    assert "latest revision" in page  # keyless macro: today's revision, labelled


def test_it_keeps_labelling_demo_data(pm_api: Any, client_for: Any, pm: Any, flag: Any) -> None:
    flag("UI_PM_DASHBOARD_ENABLED", True)
    analysis_id = pm_api.post("/api/analyze/AAPL?as_of=2025-06-13").json()["analysis_id"]
    page = client_for(pm).get(f"/analysis/AAPL/?analysis_id={analysis_id}").content.decode()
    assert '<span class="badge demo-source"' in page
