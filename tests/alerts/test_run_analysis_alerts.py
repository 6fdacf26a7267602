"""Alerts are evaluated by run_analysis, in the transaction that stores the analysis, with the
flag resolved for the run's kind (a scheduled run honours SCHEDULED_ALERTS_V2_ENABLED)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from alerts.models import AlertNotification
from alerts.services import signal_values
from analysis.models import Analysis
from orchestration.analysis import run_analysis
from tests.clock import market_day
from tests.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db


def run_live(*, as_of: str, **kwargs: Any) -> Analysis:
    """`run_analysis` as the desk ran it that evening: a current run, so alerts are evaluated."""
    with market_day(dt.date.fromisoformat(as_of)):
        return run_analysis(as_of=as_of, **kwargs)


# Demo-provider dates for AAPL: the EV rises from the first to the second, and the call goes
# from BUY to HOLD between the last two (checked by `dry_run` in each test, not assumed).
EV_RISES = ("2025-03-03", "2025-03-06")
CALL_CHANGES = ("2025-04-02", "2025-04-08")


def dry_run(ticker: str, dates: tuple[str, ...]) -> list[dict[str, Any]]:
    """What the analyses of `dates` will say, from runs that are rolled back."""
    with transaction.atomic():
        found = [signal_values(run_analysis(ticker=ticker, as_of=day)) for day in dates]
        transaction.set_rollback(True)
    return found


def ev_threshold_between(dates: tuple[str, ...]) -> float:
    first, second = (values["ev_score_7d"] for values in dry_run("AAPL", dates))
    assert first < second, "the demo data should give a rising EV on these dates"
    return round((first + second) / 2, 2)


@pytest.fixture
def contract_on(flag: Callable[[str, bool], None]) -> None:
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)


def test_an_interactive_run_raises_a_v2_alert_when_alerts_v2_is_on(
    contract_on: None, flag: Callable[[str, bool], None]
) -> None:
    flag("ALERTS_V2_ENABLED", True)
    threshold = ev_threshold_between(EV_RISES)
    rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=threshold)

    run_live(ticker="AAPL", as_of=EV_RISES[0])
    assert AlertNotification.objects.count() == 0  # the first analysis has nothing to cross from
    current = run_live(ticker="AAPL", as_of=EV_RISES[1])

    (notification,) = AlertNotification.objects.all()
    assert notification.alert_rule_id == rule.pk
    assert notification.analysis_id == current.pk
    assert notification.trigger_context["run_kind"] == "interactive"
    assert notification.change_summary == current.change_summary
    assert notification.suggested_action["source"] == "decision_card"
    assert notification.suggested_action["action"] == current.decision_card["action"]


@pytest.mark.parametrize(
    ("run_kind", "fires"), [("scheduled", True), ("interactive", False), ("watchlist", False)]
)
def test_only_a_scheduled_run_honours_the_scheduled_override(
    contract_on: None, flag: Callable[[str, bool], None], run_kind: str, fires: bool
) -> None:
    flag("ALERTS_V2_ENABLED", False)
    flag("SCHEDULED_ALERTS_V2_ENABLED", True)
    threshold = ev_threshold_between(EV_RISES)
    AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=threshold)

    for day in EV_RISES:
        run_live(ticker="AAPL", as_of=day, run_kind=run_kind)

    assert AlertNotification.objects.count() == (1 if fires else 0)
    if fires:
        assert AlertNotification.objects.get().trigger_context["alerts_v2_enabled"] is True


def test_a_legacy_rule_fires_with_every_flag_off() -> None:
    before, after = dry_run("AAPL", CALL_CHANGES)
    assert before["recommendation"] != after["recommendation"]
    assert before["ev_score_7d"] is None  # v1 analyses: the contract is off
    AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    AlertRuleFactory(ticker="AAPL", rule_type="ev_below", threshold=0)  # stored while v2 was on

    for day in CALL_CHANGES:
        run_live(ticker="AAPL", as_of=day)

    (notification,) = AlertNotification.objects.all()
    assert notification.message == (
        f"AAPL recommendation changed from {before['recommendation']} to {after['recommendation']}"
    )


def test_a_failing_evaluation_leaves_no_analysis_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    # Persisting and evaluating are one transaction: no analysis without its alerts.
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("alert evaluation failed")

    monkeypatch.setattr("orchestration.analysis.evaluate_alerts", broken)
    with pytest.raises(RuntimeError):
        run_analysis(ticker="AAPL", as_of=EV_RISES[0])
    assert Analysis.objects.count() == 0
