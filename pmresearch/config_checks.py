"""Configuration sanity checks, shared by `/health` and `manage.py check`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

SUPPORTED_DATABASES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")
SUPPORTED_BROKERS = ("filesystem://", "redis://", "rediss://", "memory://")


def configuration_problems() -> list[str]:
    problems = []
    if settings.DATABASES["default"]["ENGINE"] not in SUPPORTED_DATABASES:
        problems.append("DATABASE_URL must point at SQLite or PostgreSQL.")
    if not str(settings.CELERY_BROKER_URL).startswith(SUPPORTED_BROKERS):
        problems.append("The Celery broker must be Redis or the embedded filesystem broker.")
    if len(settings.SECRET_KEY) < 50:
        problems.append("DJANGO_SECRET_KEY is shorter than 50 characters.")
    missing = set(settings.FEATURE_FLAG_NAMES) - set(settings.FEATURE_FLAG_DEFAULTS)
    if missing:
        problems.append(f"Feature flags without a default: {', '.join(sorted(missing))}.")
    # Provider and public sources (names, SEC contact string, URLs, limits); no network.
    from analysis.providers.checks import configuration_problems as market_data_problems

    problems += market_data_problems()
    return problems


@checks.register("pmresearch")
def check_configuration(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(problem, id="pmresearch.E001") for problem in configuration_problems()]
