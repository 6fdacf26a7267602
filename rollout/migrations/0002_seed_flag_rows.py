"""One FeatureFlag row per flag, with no override, so admins find all eleven."""

from typing import Any

from django.db import migrations

FLAG_NAMES = (
    "SIGNAL_CONTRACT_V2_ENABLED",
    "COT_PERSISTENCE_ENABLED",
    "PORTFOLIO_OPTIMIZER_V2_ENABLED",
    "CALIBRATION_ECONOMICS_ENABLED",
    "ALERTS_V2_ENABLED",
    "WATCHLIST_RANKING_ENABLED",
    "UI_PM_DASHBOARD_ENABLED",
    "SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED",
    "SCHEDULED_CALIBRATION_ECONOMICS_ENABLED",
    "SCHEDULED_PORTFOLIO_OPTIMIZER_V2_ENABLED",
    "SCHEDULED_ALERTS_V2_ENABLED",
)


def seed(apps: Any, schema_editor: Any) -> None:
    feature_flag = apps.get_model("rollout", "FeatureFlag")
    for name in FLAG_NAMES:
        feature_flag.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("rollout", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
