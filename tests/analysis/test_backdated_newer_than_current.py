"""A backdated run newer in market moment than the current one still never becomes the current call.

The other tests of backdated runs make them older in market moment than the live run, so
ordering by `as_of` alone would pass them. Here the live run is as of 2025-05-16 (run that
evening, so current) and the backdated runs, made later, are as of 2025-05-19..23: only the
"current runs only" rule keeps them out of `latest`, the ranking, the exports, the alerts and
the change summary's previous analysis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alerts.models import AlertNotification
from analysis.models import Analysis
from calibration.replay import replay_history
from tests.analysis.current_call import assert_current_call_is, fire_on_every_evaluation
from tests.clock import market_day
from tests.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db

LIVE_DAY = dt.date(2025, 5, 16)
LATER_LIVE_DAY = dt.date(2025, 5, 28)


@pytest.fixture
def live(pm_api: Any, flag: Any, monkeypatch: pytest.MonkeyPatch) -> Analysis:
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    flag("WATCHLIST_RANKING_ENABLED", True)
    fire_on_every_evaluation(monkeypatch)
    AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    with market_day(LIVE_DAY):
        body = pm_api.post("/api/analyze/AAPL").json()
    assert body["backdated"] is False
    return Analysis.objects.get(pk=body["analysis_id"])


@pytest.fixture(params=["past_as_of", "replay"])
def backdated(request: pytest.FixtureRequest, live: Analysis, pm_api: Any) -> list[Analysis]:
    if request.param == "past_as_of":
        body = pm_api.post("/api/analyze/AAPL?as_of=2025-05-23").json()
        runs = [Analysis.objects.get(pk=body["analysis_id"])]
    else:
        summary = replay_history(tickers=["AAPL"], start=dt.date(2025, 5, 19), end=dt.date(2025, 5, 23))
        assert summary.analyses_run == 5
        runs = list(Analysis.objects.filter(run_kind="replay").order_by("as_of"))
    # Made after the live run and newer in market moment: ordering alone would pick them.
    assert all(run.backdated and run.as_of > live.as_of for run in runs)
    return runs


def test_it_keeps_the_older_current_run_as_the_current_call(
    live: Analysis, backdated: list[Analysis], pm_api: Any, client_for: Any, pm: Any, monkeypatch: Any
) -> None:
    assert_current_call_is(pm_api, client_for(pm), "AAPL", live, monkeypatch)


def test_it_never_alerts_on_a_backdated_run_that_has_a_previous(
    live: Analysis, backdated: list[Analysis]
) -> None:
    # Each backdated run has a previous analysis (the live run, or the replay day before), and
    # every evaluation fires: only the rule that backdated runs are not evaluated stops it.
    assert all(run.change_summary["previous_analysis_id"] is not None for run in backdated)
    assert not AlertNotification.objects.exists()


def test_it_never_uses_a_backdated_run_as_the_previous_analysis(
    live: Analysis, backdated: list[Analysis], pm_api: Any
) -> None:
    with market_day(LATER_LIVE_DAY):
        body = pm_api.post("/api/analyze/AAPL").json()
    assert body["backdated"] is False
    assert body["analysis"]["change_summary"]["previous_analysis_id"] == live.pk
    (notification,) = AlertNotification.objects.all()
    assert notification.trigger_context["previous_analysis_id"] == live.pk
