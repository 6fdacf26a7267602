"""Whether the market-data configuration can work: the provider's name, then, under `public`,
each source's settings (`datasources.config`). Feeds `manage.py check` (so start-up fails with a
clear message), `/health` (`config_valid`) and the data sources page; no network.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from analysis.providers import PROVIDER_NAMES, provider_spec
from datasources.config import load_config, source_problems


def provider_problem(provider: str) -> str | None:
    if provider.lower() == "public":
        return None
    # Every other name is the provider registry's to judge (demo, csv, package.module:Class).
    try:
        provider_spec(str(settings.MARKET_DATA_PROVIDER))
    except ImproperlyConfigured as exc:
        if provider.lower() in PROVIDER_NAMES or ":" in provider:
            return str(exc)
        names = ", ".join(sorted({*PROVIDER_NAMES, "public"}))
        return (
            f"Unknown MARKET_DATA_PROVIDER {provider!r}; valid names are {names}, "
            "or a provider class as package.module:Class."
        )
    return None


def configuration_problems() -> list[str]:
    """Every reason the market-data configuration cannot work, each a sentence naming the setting."""
    config = load_config()
    problem = provider_problem(config.provider)
    if problem:
        return [problem]
    return source_problems(config)
