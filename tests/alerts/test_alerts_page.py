"""The Alerts page: rules with their forms, the notifications feed, playbook cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alerts.models import AlertNotification, AlertRule
from tests.factories import AlertNotificationFactory, AlertRuleFactory

pytestmark = pytest.mark.django_db

PLAYBOOK = {
    "action": "trim",
    "headline": "Trim AAPL: weight 8.0% → 5.0%",
    "steps": ["Expected value crossed down: the edge has thinned; review the position."],
    "source": "optimizer_v2",
    "rule_type": "ev_below",
}


@pytest.fixture
def pm_client(client_for: Callable[[Any], Client], pm: Any) -> Client:
    return client_for(pm)


@pytest.fixture
def viewer_client(client_for: Callable[[Any], Client], viewer: Any) -> Client:
    return client_for(viewer)


def options(html: str) -> list[str]:
    select = html.split('<select name="rule_type"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('<option value="')[1:] if not part.startswith('"')]


def test_it_offers_the_v2_types_only_when_alerts_v2_is_on(pm_client: Client, flag: Any) -> None:
    html = pm_client.get("/alerts/").content.decode()
    assert options(html) == [
        "recommendation_change", "score_above", "score_below", "confidence_above", "confidence_below",
    ]  # fmt: skip
    assert 'data-testid="v2-off-note"' in html
    flag("ALERTS_V2_ENABLED", True)
    html = pm_client.get("/alerts/").content.decode()
    assert len(options(html)) == 10
    assert "ev_above" in options(html)


def test_a_pm_adds_a_rule_through_the_form(pm_client: Client, v2_on: None) -> None:
    response = pm_client.post("/alerts/", {"ticker": "aapl", "rule_type": "ev_above", "threshold": "1.5"})
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.ticker, rule.rule_type, rule.threshold) == ("AAPL", "ev_above", 1.5)
    page = pm_client.get("/alerts/").content.decode()
    assert "Alert rule added: AAPL ev_above 1.5." in page
    assert f'data-rule-id="{rule.pk}"' in page


def test_a_rule_without_threshold_is_added_from_an_empty_field(pm_client: Client) -> None:
    response = pm_client.post(
        "/alerts/", {"ticker": "MSFT", "rule_type": "recommendation_change", "threshold": ""}
    )
    assert response.status_code == 302
    assert AlertRule.objects.get().threshold is None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"ticker": "AAPL", "rule_type": "ev_above", "threshold": "1"}, "Invalid rule_type. Valid:"),
        ({"ticker": "AAPL", "rule_type": "score_above", "threshold": "500"}, "out of range for score_above"),
        ({"ticker": "AAPL", "rule_type": "score_above", "threshold": "x"}, "threshold must be a number"),
        ({"ticker": "AAPL", "rule_type": "recommendation_change", "threshold": "3"}, "takes no threshold"),
        ({"ticker": "AAPL??", "rule_type": "score_above", "threshold": "3"}, "not a US equity ticker"),
        ({"ticker": "AAPL", "threshold": "3"}, "Invalid rule_type. Valid:"),
    ],
)
def test_bad_form_input_is_shown_with_the_form_kept(pm_client: Client, form: dict, message: str) -> None:
    response = pm_client.post("/alerts/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="rule-error"' in html
    assert message in html
    assert f'value="{form["ticker"]}"' in html
    assert not AlertRule.objects.exists()


def test_a_pm_pauses_resumes_and_deletes_a_rule(pm_client: Client) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="score_above", threshold=50)
    assert pm_client.post(f"/alerts/rules/{rule.pk}/disable").status_code == 302
    rule.refresh_from_db()
    assert rule.enabled is False
    assert "paused" in pm_client.get("/alerts/").content.decode()
    pm_client.post(f"/alerts/rules/{rule.pk}/enable")
    rule.refresh_from_db()
    assert rule.enabled is True
    pm_client.post(f"/alerts/rules/{rule.pk}/delete")
    assert not AlertRule.objects.exists()
    assert pm_client.post(f"/alerts/rules/{rule.pk}/delete").status_code == 404


def test_a_stored_v2_rule_shows_as_inactive_while_the_flag_is_off(pm_client: Client) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="regime_change", threshold=None)
    html = pm_client.get("/alerts/").content.decode()
    assert "inactive (needs ALERTS_V2_ENABLED)" in html
    # It can still be paused and deleted.
    pm_client.post(f"/alerts/rules/{rule.pk}/disable")
    rule.refresh_from_db()
    assert rule.enabled is False


def test_the_feed_shows_playbook_cards_filters_unread_and_acknowledges(pm_client: Client) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_below", threshold=0)
    read = AlertNotificationFactory(alert_rule=rule, message="EV fell earlier", acknowledged=True)
    unread = AlertNotificationFactory(
        alert_rule=rule,
        message="AAPL 7-day EV fell below 0: 0.4 → -0.3",
        previous_value="0.4",
        current_value="-0.3",
        suggested_action=PLAYBOOK,
        change_summary={"summary": "1 change(s) since the last analysis (1 high impact): Score moved -20"},
    )
    html = pm_client.get("/alerts/").content.decode()
    assert html.count('data-testid="notification"') == 2
    assert 'data-testid="playbook-card"' in html
    assert "Trim AAPL: weight 8.0% → 5.0%" in html
    assert "From the portfolio optimizer v2." in html
    assert "0.4 → -0.3" in html
    assert "Score moved -20" in html
    assert '<strong data-testid="unread-count">1</strong>' in html

    unread_only = pm_client.get("/alerts/?unread=1").content.decode()
    assert unread_only.count('data-testid="notification"') == 1
    assert read.message not in unread_only

    response = pm_client.post(f"/alerts/notifications/{unread.pk}/acknowledge", {"unread": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/alerts/?unread=1"
    unread.refresh_from_db()
    assert unread.acknowledged is True
    html = pm_client.get("/alerts/?unread=1").content.decode()
    assert 'data-testid="no-notifications"' in html
    assert '<strong data-testid="unread-count">0</strong>' in html


def test_mark_all_read(pm_client: Client) -> None:
    AlertNotificationFactory.create_batch(3)
    pm_client.post("/alerts/notifications/acknowledge-all")
    assert not AlertNotification.objects.filter(acknowledged=False).exists()


def test_a_viewer_reads_without_forms_and_cannot_post(viewer_client: Client) -> None:
    rule = AlertRuleFactory()
    notification = AlertNotificationFactory(alert_rule=rule)
    html = viewer_client.get("/alerts/").content.decode()
    assert f'data-rule-id="{rule.pk}"' in html
    assert 'data-testid="rule-form"' not in html
    assert "Acknowledge" not in html
    assert "Only a PM or an admin can change alerts." in html
    for url, data in [
        ("/alerts/", {"ticker": "AAPL", "rule_type": "score_above", "threshold": "1"}),
        (f"/alerts/rules/{rule.pk}/disable", {}),
        (f"/alerts/rules/{rule.pk}/delete", {}),
        (f"/alerts/notifications/{notification.pk}/acknowledge", {}),
        ("/alerts/notifications/acknowledge-all", {}),
    ]:
        assert viewer_client.post(url, data).status_code == 403, url
    assert AlertRule.objects.count() == 1
    notification.refresh_from_db()
    assert notification.acknowledged is False


def test_the_page_forms_need_csrf(pm: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(pm)
    response = client.post("/alerts/", {"ticker": "AAPL", "rule_type": "score_above", "threshold": "1"})
    assert response.status_code == 403
    assert not AlertRule.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/alerts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/alerts/")
