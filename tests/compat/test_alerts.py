"""The earlier alert routes, replayed: rules, notifications, their count and acknowledging.

Rules are made through the API as the recording run made them. Notifications are made the way
the recording made them too: rules on AAPL, then a real `POST /api/analyze/AAPL` that crosses
them against the previous AAPL analysis (a factory row standing in for the shipped analysis 26,
its confidence and data quality set above the new run's, so `confidence_below` and
`data_quality_below` fire, as they did there).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from alerts.models import AlertNotification, AlertRule
from alerts.services import signal_values
from orchestration.analysis import run_analysis
from tests.compat.recordings import load
from tests.compat.replay import replay, set_flags
from tests.factories import AnalysisFactory

pytestmark = pytest.mark.django_db

# The seven rules of the recorded run, in the order it created them (GET__api_alerts lists them).
RECORDED_RULES = [
    {"ticker": "aapl", "rule_type": "confidence_below", "threshold": 0.7},
    {"ticker": "AAPL", "rule_type": "data_quality_below", "threshold": 50},
    {"ticker": "AAPL", "rule_type": "recommendation_change"},
    {"ticker": "AAPL", "rule_type": "regime_change"},
    {"ticker": "NVDA", "rule_type": "ev_above", "threshold": 1.5},
    {"ticker": "AAPL", "rule_type": "score_above", "threshold": 10},
    {"ticker": "AAPL", "rule_type": "score_above", "threshold": 10},
]


def flags_of(name: str) -> None:
    """The recording's flag posture, for the state a test builds before replaying it."""
    set_flags(load(name).flags)


def create_rule(api: APIClient, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/api/alerts", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def detail_of(name: str) -> str:
    return load(name).response_body["detail"]


# --- rules: create -------------------------------------------------------------------------------


def test_create(api: APIClient) -> None:
    body = replay(api, "POST__api_alerts")
    assert (body["ticker"], body["rule_type"], body["threshold"], body["enabled"]) == (
        "AAPL",
        "confidence_below",
        0.7,
        True,
    )


def test_create_score_above(api: APIClient) -> None:
    body = replay(api, "POST__api_alerts_score_above")
    assert (body["rule_type"], body["threshold"]) == ("score_above", 10.0)
    assert isinstance(body["threshold"], float)


def test_create_duplicate_is_a_new_rule(api: APIClient) -> None:
    flags_of("POST__api_alerts_duplicate")
    first = create_rule(api, load("POST__api_alerts_duplicate").request_body)
    body = replay(api, "POST__api_alerts_duplicate")
    assert body["id"] != first["id"]
    assert AlertRule.objects.count() == 2


def test_create_flags_off(api: APIClient) -> None:
    body = replay(api, "POST__api_alerts_flags_off")
    assert (body["rule_type"], body["threshold"]) == ("score_below", -20.0)


def test_create_without_threshold(api: APIClient) -> None:
    body = replay(api, "POST__api_alerts_no_threshold")
    assert body["threshold"] is None


@pytest.mark.parametrize(
    "name",
    [
        "POST__api_alerts_v2_data_quality_below",
        "POST__api_alerts_v2_ev_above",
        "POST__api_alerts_v2_regime_change",
    ],
)
def test_create_v2_types_with_alerts_v2_on(api: APIClient, name: str) -> None:
    body = replay(api, name)
    recorded = load(name).response_body
    assert (body["ticker"], body["rule_type"], body["threshold"]) == (
        recorded["ticker"],
        recorded["rule_type"],
        recorded["threshold"],
    )


@pytest.mark.parametrize(
    "name",
    [
        "POST__api_alerts_missing_threshold",
        "POST__api_alerts_missing_threshold_flags_off",
        "POST__api_alerts_unknown_rule_type",
        "POST__api_alerts_v2_regime_change_flags_off",
        "POST__api_alerts_v2_rule_flags_off",
    ],
)
def test_create_refusals_carry_the_recorded_message(api: APIClient, name: str) -> None:
    body = replay(api, name)
    assert body["detail"] == detail_of(name)
    assert not AlertRule.objects.exists()


# --- rules: list and read ------------------------------------------------------------------------


def test_list(api: APIClient) -> None:
    flags_of("GET__api_alerts")
    ids = [create_rule(api, rule)["id"] for rule in RECORDED_RULES]
    # The recorded list mixes float and null thresholds (regime_change, recommendation_change) in
    # items of the same keys, so an item of ours is held against a float one: null is allowed here.
    body = replay(api, "GET__api_alerts", allow_null=("rules[].threshold",))
    assert body["total_count"] == len(body["rules"]) == 7
    # Newest first, as recorded.
    assert [rule["id"] for rule in body["rules"]] == ids[::-1]
    recorded = load("GET__api_alerts").response_body["rules"]
    assert [r["rule_type"] for r in body["rules"]] == [r["rule_type"] for r in recorded]


def test_list_empty(api: APIClient) -> None:
    body = replay(api, "GET__api_alerts_empty")
    assert body == {**body, "rules": [], "total_count": 0}


def test_list_flags_off(api: APIClient) -> None:
    flags_of("GET__api_alerts_flags_off")
    create_rule(api, load("POST__api_alerts_flags_off").request_body)
    body = replay(api, "GET__api_alerts_flags_off")
    assert body["total_count"] == 1
    assert body["rules"][0]["rule_type"] == "score_below"


def test_list_by_ticker(api: APIClient) -> None:
    flags_of("GET__api_alerts_ticker_filter")
    for rule in RECORDED_RULES:
        create_rule(api, rule)
    body = replay(api, "GET__api_alerts_ticker_filter")  # ?ticker=nvda, lower case as sent
    assert body["total_count"] == 1
    assert [(r["ticker"], r["rule_type"]) for r in body["rules"]] == [("NVDA", "ev_above")]


def test_read_one(api: APIClient) -> None:
    flags_of("GET__api_alerts_{rule_id}")
    rule = create_rule(api, load("POST__api_alerts").request_body)
    body = replay(api, "GET__api_alerts_{rule_id}", path=f"/api/alerts/{rule['id']}")
    assert (body["id"], body["rule_type"], body["threshold"]) == (rule["id"], "confidence_below", 0.7)


def test_read_one_not_found(api: APIClient) -> None:
    body = replay(api, "GET__api_alerts_{rule_id}_not_found")
    assert body["detail"] == detail_of("GET__api_alerts_{rule_id}_not_found")


# --- rules: update and delete --------------------------------------------------------------------


def test_update(api: APIClient) -> None:
    flags_of("PUT__api_alerts_{rule_id}")
    rule = create_rule(api, load("POST__api_alerts").request_body)
    body = replay(api, "PUT__api_alerts_{rule_id}", path=f"/api/alerts/{rule['id']}")
    assert (body["id"], body["threshold"], body["rule_type"]) == (rule["id"], 0.72, "confidence_below")


def test_update_to_a_v2_type_and_disable(api: APIClient) -> None:
    flags_of("PUT__api_alerts_{rule_id}_v2_rule_type")
    rule = create_rule(api, load("POST__api_alerts_score_above").request_body)
    body = replay(api, "PUT__api_alerts_{rule_id}_v2_rule_type", path=f"/api/alerts/{rule['id']}")
    # The threshold is kept; enabled goes off (recorded as 0, here false: the booleans difference).
    assert (body["rule_type"], body["threshold"], body["enabled"]) == ("ev_below", 10.0, False)


@pytest.mark.parametrize(
    ("name", "made_with"),
    [
        ("PUT__api_alerts_{rule_id}_no_fields", "POST__api_alerts"),
        ("PUT__api_alerts_{rule_id}_unknown_rule_type", "POST__api_alerts"),
        # The flags-off run's rule 39 was its score_below -20 rule.
        ("PUT__api_alerts_{rule_id}_v2_rule_flags_off", "POST__api_alerts_flags_off"),
    ],
)
def test_update_refusals_carry_the_recorded_message(api: APIClient, name: str, made_with: str) -> None:
    flags_of(name)
    rule = create_rule(api, load(made_with).request_body)
    body = replay(api, name, path=f"/api/alerts/{rule['id']}")
    assert body["detail"] == detail_of(name)
    stored = AlertRule.objects.get(pk=rule["id"])
    assert (stored.rule_type, stored.threshold) == (rule["rule_type"], rule["threshold"])


def test_update_not_found(api: APIClient) -> None:
    body = replay(api, "PUT__api_alerts_{rule_id}_not_found")
    assert body["detail"] == detail_of("PUT__api_alerts_{rule_id}_not_found")


def test_delete_then_delete_again(api: APIClient) -> None:
    flags_of("DELETE__api_alerts_{rule_id}")
    rule = create_rule(api, load("POST__api_alerts_duplicate").request_body)
    path = f"/api/alerts/{rule['id']}"
    body = replay(api, "DELETE__api_alerts_{rule_id}", path=path)
    assert body == {"success": True, "deleted_id": rule["id"]}
    body = replay(api, "DELETE__api_alerts_{rule_id}_already_deleted", path=path)
    assert body["detail"] == f"Alert rule {rule['id']} not found"


# --- notifications, made by a real analysis ------------------------------------------------------


def fire_notifications(api: APIClient, name: str) -> list[dict[str, Any]]:
    """A confidence_below and a data_quality_below rule on AAPL, crossed by POST /api/analyze/AAPL.

    The thresholds sit between the previous analysis (a factory row) and what the new run
    says, read from a run that is rolled back first. As in the recording, only the confidence
    moved materially between the two (same call, same score), so the change summary lists one
    confidence change. Returns the notifications, newest first.
    """
    flags_of(name)
    with transaction.atomic():
        now = signal_values(run_analysis(ticker="AAPL"))
        transaction.set_rollback(True)
    assert now["data_quality_score"] is not None and now["data_quality_score"] < 90
    before = {"confidence": min(now["confidence"] + 0.3, 1.0), "data_quality": now["data_quality_score"] + 10}
    AnalysisFactory(
        ticker="AAPL",
        recommendation=now["recommendation"],
        score=float(now["score"]),
        confidence_score=before["confidence"],
        data_quality_score=before["data_quality"],
        analysis_payload={
            "signal_snapshot": {
                "recommendation": now["recommendation"],
                "score": now["score"],
                "confidence": before["confidence"],
            }
        },
    )
    create_rule(
        api,
        {
            "ticker": "AAPL",
            "rule_type": "confidence_below",
            "threshold": round((before["confidence"] + now["confidence"]) / 2, 3),
        },
    )
    create_rule(
        api,
        {
            "ticker": "AAPL",
            "rule_type": "data_quality_below",
            "threshold": round(now["data_quality_score"] + 5, 1),
        },
    )
    response = api.post("/api/analyze/AAPL")
    assert response.status_code == 200, response.content[:300]
    assert AlertNotification.objects.count() == 2
    return api.get("/api/alerts/notifications").json()["notifications"]


def test_notifications(api: APIClient) -> None:
    fired = fire_notifications(api, "GET__api_alerts_notifications")
    body = replay(api, "GET__api_alerts_notifications")
    assert body["total_count"] == len(body["notifications"]) == 2
    assert [n["id"] for n in body["notifications"]] == [n["id"] for n in fired]
    assert {n["trigger_context"]["rule_type"] for n in body["notifications"]} == {
        "confidence_below",
        "data_quality_below",
    }
    for notification in body["notifications"]:
        assert notification["acknowledged"] is False
        assert isinstance(notification["suggested_action"], str) and notification["suggested_action"]
        assert isinstance(notification["previous_value"], str)
        assert isinstance(notification["current_value"], str)
        assert notification["trigger_context"]["event"] == notification["message"]
        assert notification["change_summary"]["material_changes"]
        # Our playbook card, beside the earlier text.
        assert notification["playbook"]["headline"]


def test_notifications_empty(api: APIClient) -> None:
    body = replay(api, "GET__api_alerts_notifications_empty")
    assert body["total_count"] == 0


def test_notifications_after_flags_off_analyses(api: APIClient) -> None:
    # The flags-off run's only rule (score_below -20) is not crossed by its AAPL analyses.
    flags_of("GET__api_alerts_notifications_flags_off")
    create_rule(api, load("POST__api_alerts_flags_off").request_body)
    AnalysisFactory(ticker="AAPL", score=41.0)
    assert api.post("/api/analyze/AAPL").status_code == 200
    body = replay(api, "GET__api_alerts_notifications_flags_off")
    assert body["total_count"] == 0


def test_unacknowledged_after_an_acknowledgement(api: APIClient) -> None:
    newest, older = fire_notifications(api, "GET__api_alerts_notifications_unacknowledged_after_ack")
    assert api.post(f"/api/alerts/notifications/{newest['id']}/acknowledge").status_code == 200
    body = replay(api, "GET__api_alerts_notifications_unacknowledged_after_ack")  # ?unacknowledged=true
    assert body["total_count"] == 1
    assert [n["id"] for n in body["notifications"]] == [older["id"]]


def test_unacknowledged_with_a_limit(api: APIClient) -> None:
    newest, _ = fire_notifications(api, "GET__api_alerts_notifications_unacknowledged_limit")
    body = replay(api, "GET__api_alerts_notifications_unacknowledged_limit")  # ?unacknowledged=true&limit=1
    assert body["total_count"] == 1
    assert [n["id"] for n in body["notifications"]] == [newest["id"]]


def test_count(api: APIClient) -> None:
    fire_notifications(api, "GET__api_alerts_notifications_count")
    body = replay(api, "GET__api_alerts_notifications_count")
    assert (body["count"], body["unacknowledged"], body["total"]) == (2, 2, 2)


def test_count_after_an_acknowledgement(api: APIClient) -> None:
    newest, _ = fire_notifications(api, "GET__api_alerts_notifications_count_after_ack")
    api.post(f"/api/alerts/notifications/{newest['id']}/acknowledge")
    body = replay(api, "GET__api_alerts_notifications_count_after_ack")
    assert (body["count"], body["total"]) == (1, 2)


def test_count_zero(api: APIClient) -> None:
    body = replay(api, "GET__api_alerts_notifications_count_zero")
    assert body["count"] == 0


def test_acknowledge_then_again(api: APIClient) -> None:
    newest, _ = fire_notifications(api, "POST__api_alerts_notifications_{notification_id}_acknowledge")
    path = f"/api/alerts/notifications/{newest['id']}/acknowledge"
    body = replay(api, "POST__api_alerts_notifications_{notification_id}_acknowledge", path=path)
    assert body["success"] is True
    assert AlertNotification.objects.get(pk=newest["id"]).acknowledged is True
    body = replay(api, "POST__api_alerts_notifications_{notification_id}_acknowledge_again", path=path)
    assert body["success"] is True


def test_acknowledge_not_found(api: APIClient) -> None:
    body = replay(api, "POST__api_alerts_notifications_{notification_id}_acknowledge_not_found")
    assert body["detail"] == detail_of(
        "POST__api_alerts_notifications_{notification_id}_acknowledge_not_found"
    )
