"""Alert rules in the Django admin obey the same validation as the API and the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alerts.admin import AlertRuleForm
from alerts.models import AlertRule
from tests.factories import AlertRuleFactory

pytestmark = pytest.mark.django_db


def form(**data: Any) -> AlertRuleForm:
    return AlertRuleForm(data={"enabled": "on", **data})


def test_it_accepts_a_valid_rule_and_canonicalises_the_ticker() -> None:
    f = form(ticker="brk-b", rule_type="score_above", threshold="55")
    assert f.is_valid(), f.errors
    rule = f.save()
    assert (rule.ticker, rule.threshold) == ("BRK.B", 55.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ticker": "AAPL", "rule_type": "confidence_above", "threshold": "70"}, "out of range"),
        ({"ticker": "AAPL", "rule_type": "regime_change", "threshold": ""}, "Invalid rule_type. Valid:"),
        ({"ticker": "AAPL", "rule_type": "recommendation_change", "threshold": "1"}, "takes no threshold"),
        ({"ticker": "AAPL", "rule_type": "score_below", "threshold": ""}, "threshold required"),
        ({"ticker": "??", "rule_type": "score_below", "threshold": "1"}, "not a US equity ticker"),
    ],
)
def test_it_refuses_what_the_api_refuses(data: dict, message: str) -> None:
    f = form(**data)
    assert not f.is_valid()
    assert message in " ".join(f.non_field_errors())


def test_v2_types_are_accepted_when_the_flag_is_on(v2_on: None) -> None:
    f = form(ticker="AAPL", rule_type="calibration_drop", threshold="5")
    assert f.is_valid(), f.errors


def test_an_admin_edits_rules_in_the_admin(client_for: Callable[[Any], Client], desk_admin: Any) -> None:
    client = client_for(desk_admin)
    response = client.post(
        "/admin/alerts/alertrule/add/",
        {"ticker": "msft", "rule_type": "score_above", "threshold": "40", "enabled": "on"},
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert rule.ticker == "MSFT"
    response = client.post(
        f"/admin/alerts/alertrule/{rule.pk}/change/",
        {"ticker": "MSFT", "rule_type": "score_above", "threshold": "400", "enabled": "on"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "out of range for score_above" in response.content.decode()


def test_the_changelist_toggles_enabled_on_a_stored_v2_rule(
    client_for: Callable[[Any], Client], desk_admin: Any
) -> None:
    rule = AlertRuleFactory(ticker="AAPL", rule_type="ev_above", threshold=1.0)
    client = client_for(desk_admin)
    response = client.post(
        "/admin/alerts/alertrule/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.enabled is False
