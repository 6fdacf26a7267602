"""History's calibration cards say when the outcomes behind them are demo data or replays."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.factories import AnalysisFactory, AnalysisOutcomeFactory, CalibrationSnapshotFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 30)


def card(page: str, horizon: int) -> str:
    match = re.search(rf'data-testid="calibration-card-{horizon}d">(.*?)</article>', page, re.S)
    assert match, f"the {horizon}-day card is on the page"
    return match.group(1)


def scored(*, horizon: int, data_source: str | None, run_kind: str | None = None, n: int = 1) -> None:
    for _ in range(n):
        AnalysisOutcomeFactory(
            analysis=AnalysisFactory(data_source=data_source, run_kind=run_kind),
            horizon_days=horizon,
            target_date=DAY,
            status="complete",
            realized_date=DAY - dt.timedelta(days=3),
        )


def test_it_labels_demo_and_demo_replay_evidence_per_horizon(client_for: Any, viewer: Any) -> None:
    for horizon in (1, 7):
        CalibrationSnapshotFactory(horizon_days=horizon, as_of_date=DAY)
    scored(horizon=7, data_source="demo", n=2)
    scored(horizon=7, data_source="yfinance")
    scored(horizon=1, data_source="demo", run_kind="replay")
    page = client_for(viewer).get("/history/").content.decode()

    seven = card(page, 7)
    assert 'data-testid="evidence-source"' in seven
    assert ">demo data</span>" in seven
    assert "2 of 3 scored outcomes from demo data" in seven
    one = card(page, 1)
    assert ">demo replay evidence</span>" in one
    assert "1 of 1 from replay runs" in one
    assert 'data-testid="evidence-source"' not in card(page, 30)


def test_it_leaves_live_evidence_unlabelled(client_for: Any, viewer: Any) -> None:
    CalibrationSnapshotFactory(horizon_days=7, as_of_date=DAY)
    scored(horizon=7, data_source="yfinance", n=3)
    page = client_for(viewer).get("/history/").content.decode()
    assert 'data-testid="evidence-source"' not in page
    assert "demo data" not in card(page, 7)


def test_it_leaves_out_demo_outcomes_realised_outside_the_window(client_for: Any, viewer: Any) -> None:
    CalibrationSnapshotFactory(horizon_days=7, as_of_date=DAY)
    AnalysisOutcomeFactory(
        analysis=AnalysisFactory(data_source="demo"),
        horizon_days=7,
        target_date=DAY - dt.timedelta(days=400),
        status="complete",
        realized_date=DAY - dt.timedelta(days=400),
    )
    page = client_for(viewer).get("/history/?window_days=180").content.decode()
    assert 'data-testid="evidence-source"' not in page
