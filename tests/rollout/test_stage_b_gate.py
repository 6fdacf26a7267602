"""Stage B: parseable portfolio_action_v2 on >= 98 % of v2 analyses; no unknown alert rule types."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from alerts.models import AlertRule
from rollout.metrics import rollout_status
from rollout.stored_checks import is_parseable_portfolio_action
from tests.factories import AlertRuleFactory
from tests.rollout.gate_rows import NOW, PARSEABLE_ACTION, make_analysis, valid_contract

pytestmark = pytest.mark.django_db


def _status() -> dict[str, Any]:
    return rollout_status(window_hours=24, now=NOW)


def _check(gate: dict[str, Any], name: str) -> dict[str, Any]:
    return next(check for check in gate["checks"] if check["name"] == name)


def test_it_passes_when_every_v2_analysis_carries_a_parseable_action() -> None:
    for _ in range(3):
        make_analysis(run_kind="interactive", contract=valid_contract(), action=PARSEABLE_ACTION)
    make_analysis(run_kind="interactive")  # v1 rows are not in the denominator
    gate = _status()["gates"]["stage_b"]
    assert gate["passed"] is True, gate
    check = _check(gate, "portfolio_action_v2_parseable_coverage")
    assert (check["actual"], check["threshold"], check["threshold_value"]) == (1.0, ">= 0.98", 0.98)
    assert check["detail"].startswith("3 of 3 v2 analyses")


def test_it_fails_when_an_action_is_missing_or_is_the_optimizer_failure_stub() -> None:
    for _ in range(8):
        make_analysis(contract=valid_contract(), action=PARSEABLE_ACTION)
    make_analysis(contract=valid_contract(), action=None)  # optimizer flag was off
    make_analysis(contract=valid_contract(), action={"action": "hold", "error": "no price"})
    gate = _status()["gates"]["stage_b"]
    check = _check(gate, "portfolio_action_v2_parseable_coverage")
    assert (check["passed"], check["actual"]) == (False, 0.8)
    assert gate["passed"] is False


def test_analyses_that_ran_with_the_optimizer_off_are_not_asked_for_an_action() -> None:
    # Stage A's scheduled v2 analyses, made before Stage B turned the optimizer on.
    flags_off = {"feature_flags": {"PORTFOLIO_OPTIMIZER_V2_ENABLED": False}, "portfolio_action_v2": None}
    for _ in range(5):
        make_analysis(contract=valid_contract(), analysis_payload=flags_off)
    sized = {
        "feature_flags": {"PORTFOLIO_OPTIMIZER_V2_ENABLED": True},
        "portfolio_action_v2": PARSEABLE_ACTION,
    }
    for _ in range(2):
        make_analysis(contract=valid_contract(), analysis_payload=sized)
    # On, but no action: counted, and it fails the gate.
    make_analysis(
        contract=valid_contract(),
        analysis_payload={"feature_flags": {"PORTFOLIO_OPTIMIZER_V2_ENABLED": True}},
    )
    check = _check(_status()["gates"]["stage_b"], "portfolio_action_v2_parseable_coverage")
    assert check["detail"].startswith("2 of 3 v2 analyses sized by optimizer v2")
    assert check["passed"] is False


def test_it_fails_with_no_v2_analyses() -> None:
    make_analysis(run_kind="interactive")
    check = _check(_status()["gates"]["stage_b"], "portfolio_action_v2_parseable_coverage")
    # 0.0 with nothing to cover, as the earlier API's coverage (clients read it as a number).
    assert (check["passed"], check["actual"], check["detail"]) == (
        False,
        0.0,
        "no v2 analyses in the window",
    )


def test_replayed_v2_analyses_are_not_counted() -> None:
    make_analysis(run_kind="interactive", contract=valid_contract(), action=PARSEABLE_ACTION)
    make_analysis(run_kind="replay", contract=valid_contract(), action=None)
    assert _status()["gates"]["stage_b"]["passed"] is True


@pytest.mark.parametrize(
    "action",
    [
        None,
        "add",
        [],
        {**PARSEABLE_ACTION, "action": "buy"},
        {**PARSEABLE_ACTION, "target_weight": None},
        {**PARSEABLE_ACTION, "delta_weight": "0.03"},
        {**PARSEABLE_ACTION, "current_weight": True},
        {**PARSEABLE_ACTION, "current_weight": math.nan},
        {key: value for key, value in PARSEABLE_ACTION.items() if key != "constraint_trace"},
    ],
)
def test_it_rejects_an_action_a_client_cannot_use(action: Any) -> None:
    assert is_parseable_portfolio_action(action) is False


def test_it_accepts_a_complete_action() -> None:
    assert is_parseable_portfolio_action(PARSEABLE_ACTION) is True
    assert is_parseable_portfolio_action({**PARSEABLE_ACTION, "current_weight": 0}) is True


def test_it_counts_alert_rules_by_type_and_the_legacy_ones() -> None:
    AlertRuleFactory(rule_type="score_above")
    AlertRuleFactory(rule_type="score_above", ticker="MSFT")
    AlertRuleFactory(rule_type="recommendation_change", threshold=None)
    AlertRuleFactory(rule_type="ev_above", threshold=2.0)
    AlertRuleFactory(rule_type="regime_change", threshold=None, enabled=False)
    rules = _status()["metrics"]["alert_rules"]
    assert rules == {
        "by_type": {"ev_above": 1, "recommendation_change": 1, "regime_change": 1, "score_above": 2},
        "legacy_count": 3,
        "v2_count": 2,
        "unknown_type_count": 0,
        "unknown_types": [],
    }
    check = _check(_status()["gates"]["stage_b"], "unknown_alert_rule_types")
    assert (check["passed"], check["actual"], check["threshold"]) == (True, 0, "== 0")


def test_an_unknown_rule_type_cannot_be_stored_so_the_count_is_structurally_zero() -> None:
    # The CHECK constraint alert_rules_rule_type_valid refuses it even past model validation;
    # the gate still counts rows rather than trusting that (see alert_rule_metrics).
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertRule.objects.bulk_create([AlertRule(ticker="AAPL", rule_type="price_above", threshold=1.0)])
    assert _status()["metrics"]["alert_rules"]["unknown_type_count"] == 0
