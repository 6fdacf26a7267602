"""/api/alerts/notifications: the feed, its unread filter, the count, and acknowledging."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from alerts.models import AlertNotification
from tests.factories import AlertNotificationFactory, AlertRuleFactory

pytestmark = pytest.mark.django_db

NOTIFICATION_KEYS = {
    "id", "alert_rule_id", "analysis_id", "ticker", "rule_type", "message", "previous_value", "current_value",
    "acknowledged", "created_at", "trigger_context", "change_summary", "suggested_action", "playbook",
}  # fmt: skip


@pytest.fixture
def feed() -> list[AlertNotification]:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=1.0)
    other = AlertRuleFactory(ticker="MSFT", rule_type="score_below", threshold=0)
    return [
        AlertNotificationFactory(alert_rule=rule, message="first", acknowledged=True),
        AlertNotificationFactory(
            alert_rule=rule,
            message="second",
            previous_value="0.8",
            current_value="2.1",
            trigger_context={"threshold": 1.0},
            suggested_action={
                "action": "buy",
                "headline": "Buy AAPL",
                "steps": [],
                "source": "decision_card",
            },
        ),
        AlertNotificationFactory(alert_rule=other, message="third"),
    ]


def test_it_lists_notifications_newest_first_with_every_field(pm_api: APIClient, feed: list) -> None:
    body = pm_api.get("/api/alerts/notifications").json()
    assert (body["total_count"], body["count"], body["total"], body["unacknowledged"]) == (3, 3, 3, 2)
    assert [n["message"] for n in body["notifications"]] == ["third", "second", "first"]
    second = body["notifications"][1]
    assert set(second) == NOTIFICATION_KEYS
    assert second["rule_type"] == "ev_above"
    assert (second["previous_value"], second["current_value"]) == ("0.8", "2.1")
    # The earlier key is the text; the card is `playbook`.
    assert second["suggested_action"] == "Buy AAPL."
    assert second["playbook"]["source"] == "decision_card"
    assert second["trigger_context"] == {
        "threshold": 1.0,
        "rule_type": "ev_above",
        "event": "second",
        "previous_value": "0.8",
        "current_value": "2.1",
    }


@pytest.mark.parametrize(
    ("value", "messages"),
    [("true", ["third", "second"]), ("1", ["third", "second"]), ("false", ["third", "second", "first"])],
)
@pytest.mark.parametrize("name", ["unacknowledged", "unacknowledged_only"])
def test_it_filters_unacknowledged_only(
    pm_api: APIClient, feed: list, value: str, messages: list[str], name: str
) -> None:
    body = pm_api.get(f"/api/alerts/notifications?{name}={value}").json()
    assert [n["message"] for n in body["notifications"]] == messages
    assert body["total_count"] == len(messages)


def test_it_limits_and_filters_by_ticker(pm_api: APIClient, feed: list) -> None:
    body = pm_api.get("/api/alerts/notifications?limit=1").json()
    assert [n["message"] for n in body["notifications"]] == ["third"]
    body = pm_api.get("/api/alerts/notifications?ticker=aapl").json()
    assert [n["message"] for n in body["notifications"]] == ["second", "first"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        # Declared bounds and types are a 422, as the earlier API answered; our ticker check a 400.
        ("unacknowledged=maybe", 422),
        ("unacknowledged_only=maybe", 422),
        ("limit=0", 422),
        ("limit=201", 422),
        ("limit=ten", 422),
        ("ticker=%24%24%24", 400),
    ],
)
def test_bad_query_parameters_are_refused(pm_api: APIClient, query: str, status: int) -> None:
    response = pm_api.get(f"/api/alerts/notifications?{query}")
    assert response.status_code == status
    assert response.json()["detail"]


def test_count_and_acknowledge(pm_api: APIClient, feed: list) -> None:
    assert pm_api.get("/api/alerts/notifications/count").json() == {
        "count": 2,
        "unacknowledged": 2,
        "total": 3,
    }
    target = feed[1]
    response = pm_api.post(f"/api/alerts/notifications/{target.pk}/acknowledge")
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["acknowledged"] is True
    assert response.json()["id"] == target.pk
    assert pm_api.get("/api/alerts/notifications/count").json() == {
        "count": 1,
        "unacknowledged": 1,
        "total": 3,
    }
    # Acknowledging twice is harmless.
    assert pm_api.post(f"/api/alerts/notifications/{target.pk}/acknowledge").status_code == 200
    assert pm_api.get("/api/alerts/notifications/count").json() == {
        "count": 1,
        "unacknowledged": 1,
        "total": 3,
    }


def test_acknowledging_a_missing_notification_is_a_404(pm_api: APIClient) -> None:
    response = pm_api.post("/api/alerts/notifications/999/acknowledge")
    assert response.status_code == 404
    assert response.json()["detail"] == "Notification 999 not found"


def test_a_viewer_reads_but_cannot_acknowledge(viewer_api: APIClient, feed: list) -> None:
    assert viewer_api.get("/api/alerts/notifications").status_code == 200
    assert viewer_api.get("/api/alerts/notifications/count").status_code == 200
    response = viewer_api.post(f"/api/alerts/notifications/{feed[1].pk}/acknowledge")
    assert response.status_code == 403
    feed[1].refresh_from_db()
    assert feed[1].acknowledged is False


def test_an_anonymous_caller_is_refused(anonymous_api: APIClient, feed: list) -> None:
    for response in (
        anonymous_api.get("/api/alerts/notifications"),
        anonymous_api.get("/api/alerts/notifications/count"),
        anonymous_api.post(f"/api/alerts/notifications/{feed[1].pk}/acknowledge"),
    ):
        assert response.status_code == 401
