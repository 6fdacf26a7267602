"""The gates read what the engine really writes: a scheduled run on the demo provider."""

from __future__ import annotations

from typing import Any

import pytest

from orchestration.analysis import run_analysis
from rollout.metrics import rollout_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_provider(settings: Any) -> None:
    settings.MARKET_DATA_PROVIDER = "demo"


def test_a_scheduled_run_with_the_scheduled_override_counts_as_a_valid_contract(flag: Any) -> None:
    # Stage A posture: the global flag off, the scheduled override on.
    flag("SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED", True)
    flag("SCHEDULED_PORTFOLIO_OPTIMIZER_V2_ENABLED", True)
    run_analysis(ticker="AAPL", agents="market,technical", as_of="2025-06-13", run_kind="scheduled")
    run_analysis(ticker="MSFT", agents="market,technical", as_of="2025-06-13", run_kind="interactive")

    status = rollout_status(window_hours=1)
    scheduled, everything = status["metrics"]["scheduled_analyses"], status["metrics"]["all_analyses"]
    assert (scheduled["total"], scheduled["signal_contract_valid_count"]) == (1, 1)
    assert scheduled["ev_score_non_null_count"] == 1
    # The interactive run stayed v1: no contract.
    assert (everything["total"], everything["signal_contract_present_count"]) == (2, 1)
    coverage = next(
        c
        for c in status["gates"]["stage_a"]["checks"]
        if c["name"] == "scheduled_signal_contract_valid_coverage"
    )
    assert coverage["passed"] is True
    portfolio = next(
        c
        for c in status["gates"]["stage_b"]["checks"]
        if c["name"] == "portfolio_action_v2_parseable_coverage"
    )
    assert (portfolio["actual"], portfolio["passed"]) == (1.0, True), portfolio
