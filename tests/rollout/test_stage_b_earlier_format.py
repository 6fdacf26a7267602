"""Stage B parses the earlier optimizer's output, so a database adopted mid-rollout can pass.

The earlier gate (src/rollout_metrics.py `_is_parseable_portfolio_action_v2`, exercised by its
tests/test_rollout_metrics.py) asked for a `recommended_action` in hold/add/trim/exit, a numeric
`target_delta_pct` and a `constraint_trace` list; the action below is the shape its
portfolio engine wrote.
"""

from __future__ import annotations

import pytest

from rollout.metrics import rollout_status
from rollout.stored_checks import is_parseable_portfolio_action
from tests.rollout.gate_rows import NOW, PARSEABLE_ACTION, make_analysis, valid_contract

pytestmark = pytest.mark.django_db

EARLIER_ACTION = {
    "recommended_action": "add",
    "fit_score": 62,
    "objective_score": 12.4,
    "current_position_pct": 0.02,
    "target_position_pct": 0.0325,
    "target_delta_pct": 0.0125,
    "projected_sector_pct": 0.1825,
    "constraint_trace": [
        {"name": "max_position", "limit_pct": 0.1, "projected_pct": 0.0325, "status": "pass"},
        {"name": "max_sector", "limit_pct": 0.3, "projected_pct": 0.1825, "status": "pass"},
        {"name": "max_turnover", "limit_pct": 0.15, "projected_pct": 0.0125, "status": "pass"},
    ],
}


def test_it_parses_the_earlier_format() -> None:
    assert is_parseable_portfolio_action(EARLIER_ACTION)
    assert is_parseable_portfolio_action(PARSEABLE_ACTION)


def test_it_rejects_an_earlier_action_without_its_delta_or_trace_or_with_an_unknown_action() -> None:
    assert not is_parseable_portfolio_action({**EARLIER_ACTION, "target_delta_pct": None})
    assert not is_parseable_portfolio_action({**EARLIER_ACTION, "recommended_action": "hedge"})
    without_trace = {k: v for k, v in EARLIER_ACTION.items() if k != "constraint_trace"}
    assert not is_parseable_portfolio_action(without_trace)


def test_it_passes_stage_b_on_rows_in_the_earlier_format() -> None:
    for _ in range(3):
        make_analysis(run_kind="interactive", contract=valid_contract(), action=EARLIER_ACTION)
    make_analysis(run_kind="interactive", contract=valid_contract(), action=PARSEABLE_ACTION)
    gate = rollout_status(window_hours=24, now=NOW)["gates"]["stage_b"]
    check = next(c for c in gate["checks"] if c["name"] == "portfolio_action_v2_parseable_coverage")
    assert (check["passed"], check["actual"]) == (True, 1.0)
    assert gate["passed"] is True, gate
