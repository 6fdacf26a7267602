"""The one reader of feature flags.

A flag's value is the admin's override when one is set (the `FeatureFlag`
row), else the environment default from settings. Overrides are read from the
database on every call, so an admin's change applies on the next request
without a restart. Scheduled runs enable a feature when its global flag or its
`SCHEDULED_*` override is on.

Every app asks this module, so it imports none: the `FeatureFlag` rows (owned by `rollout`,
where admins edit them) are looked up through the app registry by label.
"""

from __future__ import annotations

from enum import StrEnum

from django.apps import apps
from django.conf import settings

from core.run_kinds import RunKind


class Flag(StrEnum):
    SIGNAL_CONTRACT_V2 = "SIGNAL_CONTRACT_V2_ENABLED"
    COT_PERSISTENCE = "COT_PERSISTENCE_ENABLED"
    PORTFOLIO_OPTIMIZER_V2 = "PORTFOLIO_OPTIMIZER_V2_ENABLED"
    CALIBRATION_ECONOMICS = "CALIBRATION_ECONOMICS_ENABLED"
    ALERTS_V2 = "ALERTS_V2_ENABLED"
    WATCHLIST_RANKING = "WATCHLIST_RANKING_ENABLED"
    UI_PM_DASHBOARD = "UI_PM_DASHBOARD_ENABLED"
    SCHEDULED_SIGNAL_CONTRACT_V2 = "SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED"
    SCHEDULED_CALIBRATION_ECONOMICS = "SCHEDULED_CALIBRATION_ECONOMICS_ENABLED"
    SCHEDULED_PORTFOLIO_OPTIMIZER_V2 = "SCHEDULED_PORTFOLIO_OPTIMIZER_V2_ENABLED"
    SCHEDULED_ALERTS_V2 = "SCHEDULED_ALERTS_V2_ENABLED"


# The features a scheduled run may switch on ahead of everyone else.
SCHEDULED_OVERRIDE = {
    Flag.SIGNAL_CONTRACT_V2: Flag.SCHEDULED_SIGNAL_CONTRACT_V2,
    Flag.CALIBRATION_ECONOMICS: Flag.SCHEDULED_CALIBRATION_ECONOMICS,
    Flag.PORTFOLIO_OPTIMIZER_V2: Flag.SCHEDULED_PORTFOLIO_OPTIMIZER_V2,
    Flag.ALERTS_V2: Flag.SCHEDULED_ALERTS_V2,
}
FEATURES = tuple(flag for flag in Flag if flag not in SCHEDULED_OVERRIDE.values())


def environment_default(flag: Flag) -> bool:
    return bool(settings.FEATURE_FLAG_DEFAULTS.get(flag.value, False))


def flag_posture() -> dict[str, bool]:
    """Every flag's current raw value (override or default), in one query."""
    feature_flag = apps.get_model("rollout", "FeatureFlag")
    overrides = dict(feature_flag.objects.filter(override__isnull=False).values_list("name", "override"))
    return {flag.value: overrides.get(flag.value, environment_default(flag)) for flag in Flag}


def is_enabled(
    feature: Flag, *, run_kind: str | None = RunKind.INTERACTIVE, posture: dict[str, bool] | None = None
) -> bool:
    """Whether `feature` is on for a run of `run_kind` (an `Analysis.run_kind`; None for a row
    from before run kinds were recorded, decided as interactive).

    Pass a `posture` from `flag_posture()` to decide several features of one
    run from one consistent read.
    """
    if feature in SCHEDULED_OVERRIDE.values():
        raise ValueError(f"{feature} is an override, not a feature; ask about {_base_of(feature)}.")
    values = posture if posture is not None else flag_posture()
    if values[feature.value]:
        return True
    override = SCHEDULED_OVERRIDE.get(feature)
    return run_kind == RunKind.SCHEDULED and override is not None and values[override.value]


def _base_of(override: Flag) -> Flag:
    return next(base for base, sched in SCHEDULED_OVERRIDE.items() if sched is override)
