"""Rows for the rollout gate tests: analyses with or without a valid contract, schedule runs."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from typing import Any

from analysis.contract import (
    ContractInputs,
    ReliabilityEvidence,
    Scenario,
    build_signal_contract_v2,
    is_valid_signal_contract_v2,
)
from analysis.models import Analysis
from tests.factories import AnalysisFactory, ScheduleRunFactory

#: Every test of the metrics passes this moment as `now`, so windows are exact.
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)

#: A `portfolio_action_v2` with everything a client reads.
PARSEABLE_ACTION = {
    "schema_version": "optimizer-2",
    "action": "add",
    "current_weight": 0.02,
    "target_weight": 0.05,
    "delta_weight": 0.03,
    "constraint_trace": [{"name": "position_limit", "limit": 0.1, "projected": 0.05, "passed": True}],
}

_seconds = itertools.count(1)


@functools.cache
def _valid_contract() -> dict[str, Any]:
    contract = build_signal_contract_v2(
        ContractInputs(
            recommendation="BUY",
            raw_confidence=0.6,
            scenarios=(Scenario("bull", 0.3, 6.0), Scenario("base", 0.5, 1.0), Scenario("bear", 0.2, -4.0)),
            entry_price=100.0,
            entry_zone=(99.0, 101.0),
            stop_loss=94.0,
            max_holding_days=30,
            reliability={7: ReliabilityEvidence(hit_rate=0.57, sample_size=60)},
            agent_success_rate=1.0,
            fallback_share=0.0,
            newest_news_age_hours=6.0,
            bullish_count=3,
            bearish_count=1,
            regime_label="risk_on",
            avg_dollar_volume_20d=250_000_000.0,
            volatility_3m_pct=1.8,
        )
    )
    assert is_valid_signal_contract_v2(contract)
    return contract


def valid_contract() -> dict[str, Any]:
    return dict(_valid_contract())


def invalid_contract() -> dict[str, Any]:
    # A recommendation outside BUY/HOLD/SELL: what a broken writer would store.
    return {**valid_contract(), "recommendation": "MAYBE"}


def make_analysis(
    *,
    run_kind: str | None = "scheduled",
    at: dt.datetime | None = None,
    contract: dict[str, Any] | None = None,
    action: Any = None,
    **fields: Any,
) -> Analysis:
    """An analysis stored at `at` (default an hour before NOW); v2 when it has a contract."""
    moment = (at or NOW - dt.timedelta(hours=1)) - dt.timedelta(microseconds=next(_seconds))
    v2 = contract is not None
    defaults: dict[str, Any] = {
        "timestamp": moment,
        "run_kind": run_kind,
        "analysis_schema_version": "v2" if v2 else "v1",
        "signal_contract_v2": contract,
        "analysis_payload": {"portfolio_action_v2": action},
    }
    if v2:
        defaults.update(
            ev_score_7d=1.5,
            confidence_calibrated=0.58,
            data_quality_score=90.0,
            regime_label="risk_on",
        )
    return AnalysisFactory(**{**defaults, **fields})


def make_runs(
    count: int, *, success: bool | None = True, at: dt.datetime | None = None, **fields: Any
) -> None:
    moment = at or NOW - dt.timedelta(hours=2)
    for _ in range(count):
        ScheduleRunFactory(
            started_at=moment,
            completed_at=None if success is None else moment + dt.timedelta(seconds=30),
            success=success,
            **fields,
        )
