"""A notification raised by an analysis is sent live, once the analysis's transaction commits:
one `notification` event per notification on the `alerts` channel, shaped by the notifications
API's own serializer; nothing when the transaction rolls back; a failed send costs nothing but a
log line."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django_eventstream.utils import get_storage
from rest_framework.test import APIClient

from alerts import events
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


# Demo-provider dates on which AAPL's score rises (checked by `score_threshold`, not assumed).
PREVIOUS, CURRENT = "2025-06-12", "2025-06-13"


def score_threshold() -> float:
    """A score_above threshold the second analysis crosses, from runs that are rolled back."""
    with transaction.atomic():
        before, after = (
            signal_values(run_analysis(ticker="AAPL", as_of=day))["score"] for day in (PREVIOUS, CURRENT)
        )
        transaction.set_rollback(True)
    assert before < after, "the demo data should give a rising score on these dates"
    return (before + after) / 2


@pytest.fixture
def firing_rule() -> None:
    """A rule that fires on the CURRENT analysis, whose previous analysis is already stored."""
    AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=score_threshold())
    run_live(ticker="AAPL", as_of=PREVIOUS)
    assert not AlertNotification.objects.exists()


def events_since(last_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(type, data) of each event the channel stored after `last_id`, as a client reads them."""
    return [
        (event.type, json.loads(event.data)) for event in get_storage().get_events(events.CHANNEL, last_id)
    ]


def test_it_sends_one_event_after_the_commit_in_the_api_shape(
    firing_rule: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
    api_for: Callable[[Any], APIClient],
    viewer: Any,
) -> None:
    start = get_storage().get_current_id(events.CHANNEL)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        analysis = run_live(ticker="AAPL", as_of=CURRENT)
        # Inside the transaction nothing has gone out yet: a client must never hear of a
        # notification it cannot read.
        assert events_since(start) == []
    assert callbacks, "the send waits for the commit"

    ((event_type, data),) = events_since(start)
    assert event_type == "notification"
    api = api_for(viewer).get("/api/alerts/notifications").json()
    # The one canonical shape: exactly what the notifications API answers, with its counts.
    assert data == {"notification": api["notifications"][0], "unacknowledged": 1, "total": 1}
    assert data["notification"]["ticker"] == "AAPL"
    assert data["notification"]["rule_type"] == "score_above"
    assert data["notification"]["analysis_id"] == analysis.pk


def test_a_rolled_back_transaction_sends_nothing(
    firing_rule: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    start = get_storage().get_current_id(events.CHANNEL)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        run_live(ticker="AAPL", as_of=CURRENT)
        assert AlertNotification.objects.count() == 1
        transaction.set_rollback(True)
    assert callbacks == []
    assert events_since(start) == []
    assert not AlertNotification.objects.exists()


def test_a_failed_send_is_logged_and_the_analysis_is_stored(
    firing_rule: None,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr("django_eventstream.send_event", unreachable)
    with (
        caplog.at_level(logging.ERROR, logger="alerts.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        analysis = run_live(ticker="AAPL", as_of=CURRENT)

    assert Analysis.objects.filter(pk=analysis.pk).exists()
    notification = AlertNotification.objects.get()
    assert notification.analysis_id == analysis.pk
    (record,) = [r for r in caplog.records if r.name == "alerts.events"]
    assert (
        record.getMessage()
        == f"Could not send the live event for alert notification {notification.pk} (AAPL)"
    )
    assert record.exc_info is not None


def test_an_analysis_that_fires_nothing_sends_nothing(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    start = get_storage().get_current_id(events.CHANNEL)
    with django_capture_on_commit_callbacks(execute=True):
        run_live(ticker="AAPL", as_of=PREVIOUS)
        run_live(ticker="AAPL", as_of=CURRENT)
    assert events_since(start) == []
