from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings

from core.flags import FEATURES, SCHEDULED_OVERRIDE, Flag, RunKind, flag_posture, is_enabled
from rollout.models import FeatureFlag
from tests.flag_rows import ensure_flag_rows

pytestmark = pytest.mark.django_db


def _env_defaults(settings: Any, **on: bool) -> None:
    settings.FEATURE_FLAG_DEFAULTS = {**dict.fromkeys(django_settings.FEATURE_FLAG_NAMES, False), **on}


def test_it_knows_exactly_the_eleven_flags_of_the_design() -> None:
    assert {flag.value for flag in Flag} == set(django_settings.FEATURE_FLAG_NAMES)
    assert len(Flag) == 11
    assert len(FEATURES) == 7


def test_it_defaults_every_flag_to_off() -> None:
    # With nothing in the environment, every flag is off.
    assert not any(flag_posture().values())


def test_it_takes_defaults_from_the_environment(settings: Any) -> None:
    _env_defaults(settings, ALERTS_V2_ENABLED=True)
    assert is_enabled(Flag.ALERTS_V2) is True
    assert is_enabled(Flag.WATCHLIST_RANKING) is False


def test_an_admin_override_beats_the_environment_both_ways(settings: Any) -> None:
    ensure_flag_rows()
    _env_defaults(settings, SIGNAL_CONTRACT_V2_ENABLED=True)
    FeatureFlag.objects.filter(name="SIGNAL_CONTRACT_V2_ENABLED").update(override=False)
    FeatureFlag.objects.filter(name="COT_PERSISTENCE_ENABLED").update(override=True)
    assert is_enabled(Flag.SIGNAL_CONTRACT_V2) is False
    assert is_enabled(Flag.COT_PERSISTENCE) is True


def test_clearing_an_override_returns_to_the_environment_default(settings: Any) -> None:
    ensure_flag_rows()
    _env_defaults(settings, UI_PM_DASHBOARD_ENABLED=True)
    FeatureFlag.objects.filter(name="UI_PM_DASHBOARD_ENABLED").update(override=False)
    assert is_enabled(Flag.UI_PM_DASHBOARD) is False
    FeatureFlag.objects.filter(name="UI_PM_DASHBOARD_ENABLED").update(override=None)
    assert is_enabled(Flag.UI_PM_DASHBOARD) is True


@pytest.mark.parametrize(("feature", "override"), list(SCHEDULED_OVERRIDE.items()))
def test_a_scheduled_override_turns_a_feature_on_for_scheduled_runs_only(
    settings: Any, feature: Flag, override: Flag
) -> None:
    _env_defaults(settings, **{override.value: True})
    assert is_enabled(feature, run_kind=RunKind.SCHEDULED) is True
    assert is_enabled(feature, run_kind=RunKind.INTERACTIVE) is False


def test_a_global_flag_also_covers_scheduled_runs(settings: Any) -> None:
    _env_defaults(settings, CALIBRATION_ECONOMICS_ENABLED=True)
    assert is_enabled(Flag.CALIBRATION_ECONOMICS, run_kind=RunKind.SCHEDULED) is True


def test_a_scheduled_override_set_by_an_admin_applies(settings: Any) -> None:
    ensure_flag_rows()
    _env_defaults(settings)
    FeatureFlag.objects.filter(name="SCHEDULED_ALERTS_V2_ENABLED").update(override=True)
    assert is_enabled(Flag.ALERTS_V2, run_kind=RunKind.SCHEDULED) is True
    assert is_enabled(Flag.ALERTS_V2) is False


def test_features_without_a_scheduled_override_ignore_the_run_kind(settings: Any) -> None:
    _env_defaults(settings)
    assert is_enabled(Flag.WATCHLIST_RANKING, run_kind=RunKind.SCHEDULED) is False


def test_it_refuses_to_answer_for_an_override_name() -> None:
    with pytest.raises(ValueError, match="SIGNAL_CONTRACT_V2_ENABLED"):
        is_enabled(Flag.SCHEDULED_SIGNAL_CONTRACT_V2)


def test_one_posture_decides_several_features_consistently(settings: Any) -> None:
    _env_defaults(settings, PORTFOLIO_OPTIMIZER_V2_ENABLED=True)
    posture = flag_posture()
    FeatureFlag.objects.update_or_create(name="PORTFOLIO_OPTIMIZER_V2_ENABLED", defaults={"override": False})
    # The snapshot taken before the change still answers for this run.
    assert is_enabled(Flag.PORTFOLIO_OPTIMIZER_V2, posture=posture) is True
    assert is_enabled(Flag.PORTFOLIO_OPTIMIZER_V2) is False
