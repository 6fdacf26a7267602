"""/api/alerts: rule CRUD (every success a 200, as the earlier API answered), v2 types gated by
ALERTS_V2_ENABLED, bad input is a 400 with the earlier messages (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from alerts.models import AlertNotification, AlertRule
from tests.factories import AlertNotificationFactory, AlertRuleFactory

pytestmark = pytest.mark.django_db

V2_OFF_REFUSAL = (
    "Invalid rule_type. Valid: confidence_above, confidence_below, recommendation_change, "
    "score_above, score_below"
)
RULE_KEYS = {
    "id", "ticker", "rule_type", "threshold", "enabled", "is_v2", "active", "created_at", "updated_at",
}  # fmt: skip


def create(client: APIClient, body: Any) -> Any:
    return client.post("/api/alerts", body, format="json")


def by_id_of(body: dict[str, Any]) -> list[int]:
    return [rule["id"] for rule in body["rules"]]


# --- create and read -------------------------------------------------------------------------


def test_a_pm_creates_a_legacy_rule_and_gets_it_back_with_its_id(pm_api: APIClient) -> None:
    response = create(pm_api, {"ticker": "brk-b", "rule_type": "score_above", "threshold": 50})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == RULE_KEYS
    assert body["ticker"] == "BRK.B"
    assert (body["rule_type"], body["threshold"], body["enabled"]) == ("score_above", 50.0, True)
    assert (body["is_v2"], body["active"]) == (False, True)

    fetched = pm_api.get(f"/api/alerts/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["rule_type"] == "score_above"


def test_a_rule_without_a_threshold_type_is_created_with_null(pm_api: APIClient) -> None:
    response = create(pm_api, {"ticker": "AAPL", "rule_type": "recommendation_change"})
    assert response.status_code == 200
    assert response.json()["threshold"] is None


@pytest.mark.parametrize(
    ("rule_type", "threshold"),
    [
        ("ev_above", 1.5),
        ("ev_below", -0.5),
        ("regime_change", None),
        ("data_quality_below", 60),
        ("calibration_drop", 5),
    ],
)
def test_v2_types_are_accepted_when_alerts_v2_is_on(
    pm_api: APIClient, v2_on: None, rule_type: str, threshold: Any
) -> None:
    response = create(pm_api, {"ticker": "AAPL", "rule_type": rule_type, "threshold": threshold})
    assert response.status_code == 200, response.json()
    assert (response.json()["is_v2"], response.json()["active"]) == (True, True)


@pytest.mark.parametrize(
    "rule_type", ["ev_above", "ev_below", "regime_change", "data_quality_below", "calibration_drop"]
)
def test_v2_types_are_refused_when_alerts_v2_is_off(pm_api: APIClient, rule_type: str) -> None:
    threshold = None if rule_type == "regime_change" else 1
    response = create(pm_api, {"ticker": "AAPL", "rule_type": rule_type, "threshold": threshold})
    assert response.status_code == 400
    assert response.json()["detail"] == V2_OFF_REFUSAL
    assert not AlertRule.objects.exists()


@pytest.mark.parametrize("v2", [True, False], ids=["alerts-v2-on", "alerts-v2-off"])
@pytest.mark.parametrize(
    ("rule_type", "threshold"),
    [
        ("recommendation_change", None),
        ("score_above", 60),
        ("score_below", -20),
        ("confidence_above", 0.7),
        ("confidence_below", 0.4),
    ],
)
def test_legacy_types_behave_the_same_whatever_the_flag(
    pm_api: APIClient, flag: Any, v2: bool, rule_type: str, threshold: Any
) -> None:
    flag("ALERTS_V2_ENABLED", v2)
    response = create(pm_api, {"ticker": "AAPL", "rule_type": rule_type, "threshold": threshold})
    assert response.status_code == 200
    assert response.json()["active"] is True


def test_the_list_keeps_a_stored_v2_rule_inactive_while_the_flag_is_off(pm_api: APIClient, flag: Any) -> None:
    legacy = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    v2_rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=1.0)
    AlertRuleFactory(ticker="MSFT", rule_type="score_below", threshold=-10)

    body = pm_api.get("/api/alerts").json()
    assert body["count"] == body["total_count"] == 3
    # Newest first, as the earlier API listed them.
    assert [rule["id"] for rule in body["rules"]] == sorted(by_id_of(body), reverse=True)
    assert body["alerts_v2_enabled"] is False
    assert "ev_above" not in body["rule_types"]
    by_id = {rule["id"]: rule for rule in body["rules"]}
    assert by_id[legacy.pk]["active"] is True
    assert (by_id[v2_rule.pk]["is_v2"], by_id[v2_rule.pk]["active"]) == (True, False)

    flag("ALERTS_V2_ENABLED", True)
    body = pm_api.get("/api/alerts?ticker=aapl").json()
    assert body["count"] == 2
    assert all(rule["active"] for rule in body["rules"])
    assert len(body["rule_types"]) == 10


def test_a_viewer_reads_rules(viewer_api: APIClient) -> None:
    rule = AlertRuleFactory()
    assert viewer_api.get("/api/alerts").status_code == 200
    assert viewer_api.get(f"/api/alerts/{rule.pk}").status_code == 200


# --- update and delete -------------------------------------------------------------------------


def test_put_changes_the_given_fields_only(pm_api: APIClient) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    response = pm_api.put(f"/api/alerts/{rule.pk}", {"threshold": 65}, format="json")
    assert response.status_code == 200
    assert (response.json()["threshold"], response.json()["rule_type"]) == (65.0, "score_above")
    response = pm_api.put(f"/api/alerts/{rule.pk}", {"enabled": False}, format="json")
    assert (response.json()["enabled"], response.json()["active"]) == (False, False)
    assert response.json()["threshold"] == 65.0


def test_changing_to_a_type_without_threshold_clears_it(pm_api: APIClient) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    response = pm_api.put(f"/api/alerts/{rule.pk}", {"rule_type": "recommendation_change"}, format="json")
    assert response.status_code == 200
    assert response.json()["threshold"] is None


def test_changing_the_type_validates_the_kept_threshold_against_the_new_type(pm_api: APIClient) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    response = pm_api.put(f"/api/alerts/{rule.pk}", {"rule_type": "confidence_above"}, format="json")
    assert response.status_code == 400
    assert "out of range for confidence_above" in response.json()["detail"]


def test_a_stored_v2_rule_can_be_paused_but_not_changed_while_the_flag_is_off(pm_api: APIClient) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=1.0)
    assert pm_api.put(f"/api/alerts/{rule.pk}", {"enabled": False}, format="json").status_code == 200
    response = pm_api.put(f"/api/alerts/{rule.pk}", {"threshold": 2.0}, format="json")
    assert response.status_code == 400
    assert "needs ALERTS_V2_ENABLED" in response.json()["detail"]
    response = pm_api.put(
        f"/api/alerts/{AlertRuleFactory(rule_type='score_above').pk}",
        {"rule_type": "ev_below"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == V2_OFF_REFUSAL


def test_delete_returns_the_deleted_id_and_takes_the_notifications(pm_api: APIClient) -> None:
    rule = AlertRuleFactory()
    AlertNotificationFactory(alert_rule=rule)
    response = pm_api.delete(f"/api/alerts/{rule.pk}")
    assert response.status_code == 200
    assert response.json() == {"success": True, "deleted_id": rule.pk}
    assert not AlertRule.objects.exists()
    assert not AlertNotification.objects.exists()
    assert pm_api.get(f"/api/alerts/{rule.pk}").status_code == 404


def test_a_missing_rule_is_a_404(pm_api: APIClient) -> None:
    for response in (
        pm_api.get("/api/alerts/999"),
        pm_api.put("/api/alerts/999", {"enabled": False}, format="json"),
        pm_api.delete("/api/alerts/999"),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "Alert rule 999 not found"


# --- bad input ----------------------------------------------------------------------------------

BAD_BODIES = [
    ({"ticker": "AAPL", "rule_type": "price_above", "threshold": 10}, V2_OFF_REFUSAL),
    ({"ticker": "AAPL", "rule_type": None}, V2_OFF_REFUSAL),
    ({"ticker": "AAPL"}, V2_OFF_REFUSAL),
    ({"ticker": "AAPL", "rule_type": ["score_above"], "threshold": 1}, V2_OFF_REFUSAL),
    ({"ticker": "AAPL", "rule_type": "score_above"}, "threshold required for score/confidence rules"),
    (
        {"ticker": "AAPL", "rule_type": "score_above", "threshold": None},
        "threshold required for score/confidence rules",
    ),
    ({"ticker": "AAPL", "rule_type": "score_above", "threshold": 150}, "out of range for score_above"),
    (
        {"ticker": "AAPL", "rule_type": "confidence_above", "threshold": 70},
        "out of range for confidence_above",
    ),
    ({"ticker": "AAPL", "rule_type": "score_above", "threshold": "abc"}, "threshold must be a number"),
    ({"ticker": "AAPL", "rule_type": "score_above", "threshold": True}, "threshold must be a number"),
    ({"ticker": "AAPL", "rule_type": "score_above", "threshold": {"v": 1}}, "threshold must be a number"),
    ({"ticker": "AAPL", "rule_type": "score_above", "threshold": "NaN"}, "threshold must be a number"),
    ({"ticker": "AAPL", "rule_type": "recommendation_change", "threshold": 5}, "takes no threshold"),
    ({"ticker": "AAPL!", "rule_type": "score_above", "threshold": 5}, "is not a US equity ticker"),
    ({"ticker": "", "rule_type": "score_above", "threshold": 5}, "A ticker is required"),
    ({"ticker": 123, "rule_type": "score_above", "threshold": 5}, "A ticker is required"),
    ({"rule_type": "score_above", "threshold": 5}, "A ticker is required"),
    ({"ticker": "AAPL", "rule_type": "score_above", "threshold": 5, "enabled": "yes"}, "enabled must be"),
    (["AAPL", "score_above"], "The body must be a JSON object"),
    ("AAPL", "The body must be a JSON object"),
]


@pytest.mark.parametrize(("body", "message"), BAD_BODIES)
def test_bad_input_is_a_400_with_a_clear_message(pm_api: APIClient, body: Any, message: str) -> None:
    response = create(pm_api, body)
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert not AlertRule.objects.exists()


def test_a_v2_threshold_out_of_range_is_a_400_when_the_flag_is_on(pm_api: APIClient, v2_on: None) -> None:
    for body, message in [
        (
            {"ticker": "AAPL", "rule_type": "calibration_drop", "threshold": 0},
            "out of range for calibration_drop",
        ),
        ({"ticker": "AAPL", "rule_type": "data_quality_below", "threshold": 120}, "out of range"),
        ({"ticker": "AAPL", "rule_type": "ev_above", "threshold": "Infinity"}, "must be a number"),
        (
            {"ticker": "AAPL", "rule_type": "regime_change", "threshold": 0.5},
            "regime_change takes no threshold",
        ),
    ]:
        response = create(pm_api, body)
        assert response.status_code == 400
        assert message in response.json()["detail"]


def test_malformed_json_is_a_400(pm_api: APIClient) -> None:
    response = pm_api.post("/api/alerts", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_an_identical_rule_is_created_again_with_a_new_id(pm_api: APIClient) -> None:
    # As the earlier API did: alert rules have no uniqueness check, so no 409 and no 400.
    body = {"ticker": "AAPL", "rule_type": "score_above", "threshold": 50}
    first = create(pm_api, body)
    second = create(pm_api, body)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["id"] != first.json()["id"]
    assert AlertRule.objects.count() == 2


def test_an_update_with_no_fields_is_a_400(pm_api: APIClient) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    response = pm_api.put(f"/api/alerts/{rule.pk}", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "No fields to update"


def test_the_missing_threshold_message_names_the_v2_families_when_alerts_v2_is_on(
    pm_api: APIClient, v2_on: None
) -> None:
    response = create(pm_api, {"ticker": "AAPL", "rule_type": "score_above"})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "threshold required for score/confidence/ev/data_quality/calibration_drop rules"
    )
    response = create(pm_api, {"ticker": "AAPL", "rule_type": "bogus", "threshold": 1})
    assert response.json()["detail"] == (
        "Invalid rule_type. Valid: calibration_drop, confidence_above, confidence_below, "
        "data_quality_below, ev_above, ev_below, recommendation_change, regime_change, "
        "score_above, score_below"
    )


def test_a_bad_ticker_filter_is_a_400(pm_api: APIClient) -> None:
    response = pm_api.get("/api/alerts?ticker=not a ticker")
    assert response.status_code == 400
    assert "is not a US equity ticker" in response.json()["detail"]


def test_bad_update_input_is_a_400(pm_api: APIClient) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    for body in ({"threshold": "x"}, {"rule_type": "nope"}, {"ticker": "??"}, {"enabled": None}, [1]):
        response = pm_api.put(f"/api/alerts/{rule.pk}", body, format="json")
        assert response.status_code == 400, body
    rule.refresh_from_db()
    assert (rule.ticker, rule.rule_type, rule.threshold, rule.enabled) == ("AAPL", "score_above", 50.0, True)


# --- who may write --------------------------------------------------------------------------------


def test_a_viewer_cannot_write(viewer_api: APIClient) -> None:
    rule = AlertRuleFactory()
    body = {"ticker": "AAPL", "rule_type": "score_above", "threshold": 10}
    for response in (
        create(viewer_api, body),
        viewer_api.put(f"/api/alerts/{rule.pk}", {"enabled": False}, format="json"),
        viewer_api.delete(f"/api/alerts/{rule.pk}"),
    ):
        assert response.status_code == 403
        assert "detail" in response.json()
    assert AlertRule.objects.count() == 1


def test_an_anonymous_caller_is_refused(anonymous_api: APIClient) -> None:
    rule = AlertRuleFactory()
    for response in (
        anonymous_api.get("/api/alerts"),
        create(anonymous_api, {"ticker": "AAPL", "rule_type": "score_above", "threshold": 10}),
        anonymous_api.get(f"/api/alerts/{rule.pk}"),
        anonymous_api.put(f"/api/alerts/{rule.pk}", {"enabled": False}, format="json"),
        anonymous_api.delete(f"/api/alerts/{rule.pk}"),
    ):
        assert response.status_code == 401
    assert AlertRule.objects.count() == 1
