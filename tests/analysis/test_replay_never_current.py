"""A replay stored after a live run, as of older dates, never becomes the current call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alerts.models import AlertNotification
from analysis.models import Analysis
from calibration.replay import replay_history
from tests.analysis.current_call import assert_current_call_is, fire_on_every_evaluation
from tests.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_then_replay(
    pm_api: Any, flag: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[Analysis, list[Analysis]]:
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    flag("WATCHLIST_RANKING_ENABLED", True)
    fire_on_every_evaluation(monkeypatch)
    AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    live = Analysis.objects.get(pk=pm_api.post("/api/analyze/AAPL").json()["analysis_id"])
    summary = replay_history(tickers=["AAPL"], start=dt.date(2025, 5, 19), end=dt.date(2025, 5, 23))
    assert summary.analyses_run == 5
    replays = list(Analysis.objects.filter(run_kind="replay").order_by("as_of"))
    # Stored after the live run (newer rows), yet as of older sessions.
    assert all(r.timestamp > live.timestamp and r.as_of < live.as_of for r in replays)
    return live, replays


def test_it_labels_every_replay_backdated(live_then_replay: tuple[Analysis, list[Analysis]]) -> None:
    live, replays = live_then_replay
    assert live.backdated is False
    assert [r.backdated for r in replays] == [True] * 5


def test_it_never_makes_the_replay_the_current_call(
    live_then_replay: tuple[Analysis, list[Analysis]], pm_api: Any, client_for: Any, pm: Any, monkeypatch: Any
) -> None:
    live, _ = live_then_replay
    assert_current_call_is(pm_api, client_for(pm), "AAPL", live, monkeypatch)


def test_it_never_alerts_on_a_replay(live_then_replay: tuple[Analysis, list[Analysis]]) -> None:
    # Every evaluation fires: a replay with a previous analysis would have raised one.
    assert not AlertNotification.objects.exists()


def test_it_never_uses_a_replay_as_the_previous_analysis(
    live_then_replay: tuple[Analysis, list[Analysis]], pm_api: Any
) -> None:
    live, replays = live_then_replay
    body = pm_api.post("/api/analyze/AAPL").json()
    assert body["backdated"] is False
    assert body["analysis"]["change_summary"]["previous_analysis_id"] == live.pk
    (notification,) = AlertNotification.objects.all()
    assert notification.analysis_id == body["analysis_id"]
    assert notification.trigger_context["previous_analysis_id"] == live.pk
    # The replay's own chain compares each day with the day before, not with the live run.
    later = Analysis.objects.get(pk=replays[-1].pk)
    assert later.change_summary["previous_analysis_id"] == replays[-2].pk


def test_it_keeps_the_replay_in_history_labelled(
    live_then_replay: tuple[Analysis, list[Analysis]], pm_api: Any
) -> None:
    live, replays = live_then_replay
    everything = pm_api.get("/api/analysis/AAPL/history?limit=100").json()["analyses"]
    assert {row["id"]: row["backdated"] for row in everything} == {
        live.pk: False,
        **{r.pk: True for r in replays},
    }
    detailed = pm_api.get("/api/analysis/AAPL/history/detailed?run_kind=replay").json()
    assert sorted(item["id"] for item in detailed["items"]) == sorted(r.pk for r in replays)
    assert all(item["run_kind"] == "replay" and item["backdated"] for item in detailed["items"])
