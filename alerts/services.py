"""Writes over alert rules and notifications, and the evaluation run after each analysis.

Rule input is validated here and only here (`clean_rule`): the JSON API, the alerts page
and the Django admin all go through it, so a rule obeys the same rules wherever it is made.

The v2 rule types (`ev_above`, `ev_below`, `regime_change`, `data_quality_below`,
`calibration_drop`) are written only while ALERTS_V2_ENABLED is on. A stored v2 rule stays
listed, readable and deletable, and may be enabled or disabled, when the flag is off; it is
simply not evaluated (`active: false` in the API). Legacy types behave the same either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from alerts import engine, events, playbook
from alerts.models import LEGACY_RULE_TYPES, V2_RULE_TYPES, AlertNotification, AlertRule, RuleType
from analysis.models import Analysis, RunKind
from analysis.serializers import AnalysisResponseSerializer
from analysis.tickers import normalise_ticker
from core.domain_errors import DomainError
from core.flags import Flag, is_enabled

V2_FLAG = Flag.ALERTS_V2.value
ENABLED_MESSAGE = "enabled must be true or false."


def alerts_v2_enabled() -> bool:
    """ALERTS_V2_ENABLED for interactive use (API, pages, admin)."""
    return is_enabled(Flag.ALERTS_V2)


def accepted_rule_types(*, v2_enabled: bool) -> list[str]:
    return [t.value for t in RuleType if v2_enabled or t in LEGACY_RULE_TYPES]


def invalid_rule_type_message(*, v2_enabled: bool) -> str:
    """The earlier API's refusal of a rule type, listing (sorted) the types allowed now."""
    return "Invalid rule_type. Valid: " + ", ".join(sorted(accepted_rule_types(v2_enabled=v2_enabled)))


def v2_gate_message(rule_type: str) -> str:
    """A v2 type while ALERTS_V2_ENABLED is off: refused as the earlier API did, as not valid now."""
    return invalid_rule_type_message(v2_enabled=False)


def v2_locked_message(rule_type: str) -> str:
    """A stored v2 rule changed (beyond enabling or disabling) while ALERTS_V2_ENABLED is off."""
    return (
        f"Rule type {rule_type} needs {V2_FLAG}; it is off, so a stored {rule_type} rule can only be "
        "enabled, disabled or deleted."
    )


def missing_threshold_message(*, v2_enabled: bool) -> str:
    if v2_enabled:
        return "threshold required for score/confidence/ev/data_quality/calibration_drop rules"
    return "threshold required for score/confidence rules"


NO_FIELDS_MESSAGE = "No fields to update"
RULE_FIELDS = ("ticker", "rule_type", "threshold", "enabled")


@dataclass(frozen=True)
class RuleFields:
    ticker: str
    rule_type: str
    threshold: float | None


def clean_rule(
    *,
    ticker: object,
    rule_type: object,
    threshold: object,
    v2_enabled: bool,
    existing: AlertRule | None = None,
) -> RuleFields:
    """Canonical ticker, rule type and threshold, or DomainError with a message safe to show.

    `existing` is the rule being changed: a v2 rule may be saved unchanged (e.g. only
    enabled or disabled) while the flag is off; any other write of a v2 type needs the flag.
    """
    if existing is not None and ticker == existing.ticker:
        symbol = existing.ticker  # kept as stored, even a legacy symbol we would not accept today
    else:
        symbol = normalise_ticker(ticker)
    if not isinstance(rule_type, str) or rule_type not in RuleType.values:
        raise DomainError(invalid_rule_type_message(v2_enabled=v2_enabled))
    gated = rule_type in V2_RULE_TYPES and not v2_enabled
    if gated and (existing is None or rule_type != existing.rule_type):
        raise DomainError(v2_gate_message(rule_type))
    unchanged = existing is not None and (rule_type, threshold) == (existing.rule_type, existing.threshold)
    blank = threshold is None or (isinstance(threshold, str) and not threshold.strip())
    if blank and rule_type not in engine.NO_THRESHOLD and not unchanged:
        raise DomainError(missing_threshold_message(v2_enabled=v2_enabled))
    value = threshold if unchanged else engine.clean_threshold(rule_type, threshold)
    fields = RuleFields(ticker=symbol, rule_type=rule_type, threshold=value)
    if gated and existing is not None and fields != _fields_of(existing):
        raise DomainError(v2_locked_message(rule_type))
    return fields


def _fields_of(rule: AlertRule) -> RuleFields:
    return RuleFields(ticker=rule.ticker, rule_type=rule.rule_type, threshold=rule.threshold)


def _clean_enabled(value: object) -> bool:
    if not isinstance(value, bool):
        raise DomainError(ENABLED_MESSAGE)
    return value


def _body(data: object) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise DomainError("The body must be a JSON object with ticker, rule_type, threshold and enabled.")
    return data


def create_rule(*, data: object, v2_enabled: bool | None = None) -> AlertRule:
    """A new rule from {ticker, rule_type, threshold, enabled}; enabled defaults to true."""
    body = _body(data)
    v2 = alerts_v2_enabled() if v2_enabled is None else v2_enabled
    fields = clean_rule(
        ticker=body.get("ticker"),
        rule_type=body.get("rule_type"),
        threshold=body.get("threshold"),
        v2_enabled=v2,
    )
    enabled = _clean_enabled(body["enabled"]) if "enabled" in body else True
    # An identical rule is created again with a new id, as the earlier API did (no 409).
    return AlertRule.objects.create(
        ticker=fields.ticker, rule_type=fields.rule_type, threshold=fields.threshold, enabled=enabled
    )


def update_rule(*, rule: AlertRule, data: object, v2_enabled: bool | None = None) -> AlertRule:
    """Change the given fields; fields left out keep their value.

    Changing the type to one that takes no threshold clears the old threshold unless the
    body sends one (which is then refused).
    """
    body = _body(data)
    if not any(key in body for key in RULE_FIELDS):
        raise DomainError(NO_FIELDS_MESSAGE)
    v2 = alerts_v2_enabled() if v2_enabled is None else v2_enabled
    rule_type = body.get("rule_type", rule.rule_type)
    if "threshold" in body:
        threshold = body["threshold"]
    elif rule_type in engine.NO_THRESHOLD:
        threshold = None
    else:
        threshold = rule.threshold
    fields = clean_rule(
        ticker=body.get("ticker", rule.ticker),
        rule_type=rule_type,
        threshold=threshold,
        v2_enabled=v2,
        existing=rule,
    )
    enabled = _clean_enabled(body["enabled"]) if "enabled" in body else rule.enabled
    rule.ticker, rule.rule_type, rule.threshold = fields.ticker, fields.rule_type, fields.threshold
    rule.enabled = enabled
    rule.save()
    return rule


def set_rule_enabled(*, rule: AlertRule, enabled: bool) -> AlertRule:
    return update_rule(rule=rule, data={"enabled": enabled})


def delete_rule(*, rule: AlertRule) -> int:
    """Delete a rule with its notifications; returns its id."""
    rule_id = rule.pk
    rule.delete()
    return rule_id


def acknowledge(*, notification_id: int) -> AlertNotification:
    """Mark a notification read (idempotent). Raises AlertNotification.DoesNotExist."""
    with transaction.atomic():
        notification = AlertNotification.objects.select_for_update().get(pk=notification_id)
        if not notification.acknowledged:
            notification.acknowledged = True
            notification.save(update_fields=["acknowledged"])
    return notification


def acknowledge_all() -> int:
    """Mark every unread notification read; how many were."""
    return AlertNotification.objects.exclude(acknowledged=True).update(acknowledged=True)


# --- evaluation ------------------------------------------------------------------------------


def signal_values(analysis: Analysis) -> dict[str, Any]:
    """The fields rules compare, as plain values (None where the analysis has none).

    A row with no score (adopted from the earlier system, which did not store one) is compared
    on its payload's score, else on the earlier synthetic score (confidence × 100 signed by
    the call), and `score_source` says so, so the notification can label it.
    """
    score, source = analysis.score, engine.SCORE_STORED
    if score is None:
        payload = analysis.analysis_payload if isinstance(analysis.analysis_payload, dict) else {}
        stored = payload.get("score")
        if isinstance(stored, int | float) and not isinstance(stored, bool):
            score = stored
        else:
            score = engine.synthetic_score(analysis.recommendation, analysis.confidence_score)
            source = engine.SCORE_SYNTHETIC if score is not None else engine.SCORE_STORED
    return {
        "recommendation": analysis.recommendation,
        "score": score,
        "score_source": source,
        "confidence": analysis.confidence_score,
        "confidence_calibrated": analysis.confidence_calibrated,
        "ev_score_7d": analysis.ev_score_7d,
        "data_quality_score": analysis.data_quality_score,
        "regime_label": analysis.regime_label,
    }


def evaluate_alerts(
    *, analysis: Analysis, previous: Analysis | None, v2_enabled: bool
) -> list[AlertNotification]:
    """Raise a notification for each enabled rule of the ticker that fires on this analysis.

    Called by `run_analysis` inside the transaction that stores the analysis. v2 rule types
    are evaluated only when `v2_enabled` (the caller resolves it for the run's kind, so a
    scheduled run honours SCHEDULED_ALERTS_V2_ENABLED); legacy types always. A backdated run
    (a replay, or one as of a past session: `analysis.backdating`) raises nothing: it re-runs
    the past, it is not news; and `previous` is the current call before it. With no previous
    analysis nothing can cross, so nothing fires. Once the transaction commits, each
    notification is sent live to the pages (`alerts.events`); nothing is sent if it rolls back.
    """
    if previous is None or analysis.backdated or analysis.run_kind == RunKind.REPLAY:
        return []
    rules = AlertRule.objects.filter(ticker=analysis.ticker, enabled=True).order_by("id")
    if not v2_enabled:
        rules = rules.filter(rule_type__in=[t.value for t in LEGACY_RULE_TYPES])
    before, after = signal_values(previous), signal_values(analysis)
    fired = [
        (rule, trigger)
        for rule in rules
        if (
            trigger := engine.evaluate_rule(
                rule_type=rule.rule_type,
                threshold=rule.threshold,
                previous=before,
                current=after,
                ticker=analysis.ticker,
            )
        )
    ]
    if not fired:
        return []
    block = AnalysisResponseSerializer(analysis).data["analysis"]
    notifications = []
    for rule, trigger in fired:
        context = {
            **trigger.context,
            # The earlier keys of trigger_context, beside ours.
            "event": trigger.message,
            "previous_value": trigger.previous_value,
            "current_value": trigger.current_value,
            "rule_id": rule.pk,
            "analysis_id": analysis.pk,
            "previous_analysis_id": previous.pk,
            "run_kind": analysis.run_kind,
            "as_of": analysis.effective_as_of.isoformat(),
            "previous_as_of": previous.effective_as_of.isoformat(),
            "alerts_v2_enabled": v2_enabled,
        }
        notifications.append(
            AlertNotification.objects.create(
                alert_rule=rule,
                analysis=analysis,
                ticker=analysis.ticker,
                message=trigger.message,
                previous_value=trigger.previous_value,
                current_value=trigger.current_value,
                trigger_context=context,
                change_summary=analysis.change_summary,
                suggested_action=playbook.suggested_action(rule.rule_type, block, ticker=analysis.ticker),
            )
        )
    events.send_on_commit(notifications)
    return notifications
