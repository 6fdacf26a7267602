"""Market data providers behind one interface (`analysis.market_data.MarketDataProvider`).

`get_provider()` returns the configured one: setting `MARKET_DATA_PROVIDER` names `demo`,
`csv` (with `MARKET_DATA_CSV_DIR`), `public` (free online sources per kind, see
`analysis.providers.public.provider`), or a provider class of your own as `package.module:Class`,
built with the keyword arguments of `MARKET_DATA_PROVIDER_OPTIONS` (a JSON object). Instances
are kept per configuration so their caches and connection pools outlive a single analysis.
"""

from __future__ import annotations

import functools
import importlib
import json
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from analysis.market_data import MarketDataProvider
from analysis.providers.csv import CsvProvider
from analysis.providers.demo import DemoProvider
from analysis.providers.symbols import INDEX_TICKER

PROVIDER_NAMES = ("demo", "csv", "public")
_CLASS_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
# What the engine, the scheduler and the optimizer call on every provider.
_REQUIRED = ("prices", "fundamentals", "news", "macro", "options", "earnings_dates")

__all__ = [
    "INDEX_TICKER",
    "PROVIDER_NAMES",
    "CsvProvider",
    "DemoProvider",
    "ProviderSpec",
    "get_provider",
    "is_custom_provider",
    "provider_for",
    "provider_spec",
]


@functools.lru_cache(maxsize=16)
def _provider(name: str, directory: str) -> MarketDataProvider:
    if name == "public":
        # Imported here: it reads the cache tables, which the demo and csv providers never need.
        from analysis.providers.public.provider import PublicProvider

        return PublicProvider()
    return CsvProvider(directory) if name == "csv" else DemoProvider()


@functools.lru_cache(maxsize=16)
def _custom_provider(path: str, options_json: str) -> MarketDataProvider:
    module_name, _, class_name = path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise ImproperlyConfigured(f"MARKET_DATA_PROVIDER {path!r} cannot be imported: {exc}") from exc
    try:
        provider = cls(**json.loads(options_json))
    except TypeError as exc:
        raise ImproperlyConfigured(f"MARKET_DATA_PROVIDER_OPTIONS do not fit {path}: {exc}") from exc
    missing = [m for m in _REQUIRED if not callable(getattr(provider, m, None))]
    if missing or not isinstance(getattr(provider, "name", None), str) or not hasattr(provider, "is_demo"):
        lacking = ", ".join(missing + [a for a in ("name", "is_demo") if not hasattr(provider, a)])
        raise ImproperlyConfigured(
            f"{path} is not a market data provider: it lacks {lacking or 'a str name'}"
        )
    return provider


ProviderSpec = tuple[str, str, str]  # (demo | csv | package.module:Class, csv directory, options JSON)


def provider_spec(name: str | None = None) -> ProviderSpec:
    """The configuration of the provider called `name`, or of the configured one.

    ImproperlyConfigured for an unknown name, csv without a directory, or options that are not
    a JSON object. A spec is plain data: a worker process builds the same provider from it.
    """
    chosen = (settings.MARKET_DATA_PROVIDER if name is None else name).strip()
    if _CLASS_PATH.match(chosen):
        options = settings.MARKET_DATA_PROVIDER_OPTIONS
        if not isinstance(options, dict):
            raise ImproperlyConfigured("MARKET_DATA_PROVIDER_OPTIONS must be a JSON object")
        return (chosen, "", json.dumps(options, sort_keys=True))
    chosen = chosen.lower()
    if chosen not in PROVIDER_NAMES:
        raise ImproperlyConfigured(
            f"Unknown market data provider {chosen!r}; valid names are: {', '.join(PROVIDER_NAMES)}, "
            "or a provider class as package.module:Class"
        )
    if chosen == "csv":
        directory = str(settings.MARKET_DATA_CSV_DIR or "")
        if not directory:
            raise ImproperlyConfigured("MARKET_DATA_PROVIDER is csv but MARKET_DATA_CSV_DIR is not set")
        return ("csv", directory, "")
    return (chosen, "", "")


def is_custom_provider(spec: ProviderSpec) -> bool:
    """A provider class of the deployment's own (`package.module:Class`), not a built-in one."""
    return ":" in spec[0]


def provider_for(spec: ProviderSpec) -> MarketDataProvider:
    """The one provider instance of a configuration (built on first use)."""
    name, directory, options_json = spec
    if is_custom_provider(spec):
        return _custom_provider(name, options_json)
    return _provider(name, directory)


def get_provider(name: str | None = None) -> MarketDataProvider:
    """The provider called `name`, or the configured one; ImproperlyConfigured when it cannot be built."""
    return provider_for(provider_spec(name))
