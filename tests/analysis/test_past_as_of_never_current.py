"""An interactive run with a past `?as_of=`, made after a live run, never becomes the current call."""

from __future__ import annotations

from typing import Any

import pytest

from alerts.models import AlertNotification
from analysis.models import Analysis
from tests.analysis.current_call import assert_current_call_is, fire_on_every_evaluation
from tests.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_then_past(pm_api: Any, flag: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Analysis, Analysis]:
    flag("SIGNAL_CONTRACT_V2_ENABLED", True)
    flag("WATCHLIST_RANKING_ENABLED", True)
    fire_on_every_evaluation(monkeypatch)
    AlertRuleFactory(ticker="AAPL", rule_type="recommendation_change", threshold=None)
    live = pm_api.post("/api/analyze/AAPL").json()
    past = pm_api.post("/api/analyze/AAPL?as_of=2025-05-23").json()
    # The response says what it is: a past date's call, labelled.
    assert (live["backdated"], past["backdated"]) == (False, True)
    assert past["run_kind"] == "interactive"
    return Analysis.objects.get(pk=live["analysis_id"]), Analysis.objects.get(pk=past["analysis_id"])


def test_it_never_makes_the_past_run_the_current_call(
    live_then_past: tuple[Analysis, Analysis], pm_api: Any, client_for: Any, pm: Any, monkeypatch: Any
) -> None:
    live, _ = live_then_past
    assert_current_call_is(pm_api, client_for(pm), "AAPL", live, monkeypatch)


def test_it_never_alerts_on_the_past_run(live_then_past: tuple[Analysis, Analysis]) -> None:
    # Every evaluation fires, and the live run is before it in time: only skipping stops it.
    assert not AlertNotification.objects.exists()


def test_it_never_uses_the_past_run_as_the_previous_analysis(
    live_then_past: tuple[Analysis, Analysis], pm_api: Any
) -> None:
    live, _ = live_then_past
    body = pm_api.post("/api/analyze/AAPL").json()
    assert body["analysis"]["change_summary"]["previous_analysis_id"] == live.pk
    (notification,) = AlertNotification.objects.all()
    assert notification.trigger_context["previous_analysis_id"] == live.pk


def test_it_shows_the_past_run_by_id_labelled(
    live_then_past: tuple[Analysis, Analysis], client_for: Any, pm: Any, pm_api: Any
) -> None:
    _, past = live_then_past
    page = client_for(pm).get(f"/analysis/AAPL/?analysis_id={past.pk}").content.decode()
    assert 'data-testid="backdated-badge"' in page
    assert 'data-testid="backdated-note"' in page
    dashboard = client_for(pm).get("/").content.decode()
    assert 'data-testid="backdated-runs"' in dashboard
    history = pm_api.get("/api/analysis/AAPL/history?run_kind=backdated").json()["analyses"]
    assert [row["id"] for row in history] == [past.pk]
    current = pm_api.get("/api/analysis/AAPL/history?run_kind=current").json()["analyses"]
    assert past.pk not in [row["id"] for row in current]
