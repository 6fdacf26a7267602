"""Market data providers behind one interface (`analysis.market_data.MarketDataProvider`).

`get_provider()` returns the configured one (settings `MARKET_DATA_PROVIDER`, and
`MARKET_DATA_CSV_DIR` for `csv`). Instances are kept per (name, directory) so their caches
outlive a single analysis.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from analysis.market_data import MarketDataProvider
from analysis.providers.csv import CsvProvider
from analysis.providers.demo import DemoProvider
from analysis.providers.symbols import INDEX_TICKER, normalize_ticker

PROVIDER_NAMES = ("demo", "csv")

__all__ = [
    "INDEX_TICKER",
    "PROVIDER_NAMES",
    "CsvProvider",
    "DemoProvider",
    "get_provider",
    "normalize_ticker",
]


@functools.lru_cache(maxsize=16)
def _provider(name: str, directory: str) -> MarketDataProvider:
    return CsvProvider(directory) if name == "csv" else DemoProvider()


def get_provider(name: str | None = None) -> MarketDataProvider:
    """The provider called `name`, or the configured one; ImproperlyConfigured for an unknown name."""
    chosen = (settings.MARKET_DATA_PROVIDER if name is None else name).strip().lower()
    if chosen not in PROVIDER_NAMES:
        raise ImproperlyConfigured(
            f"Unknown market data provider {chosen!r}; valid names are: {', '.join(PROVIDER_NAMES)}"
        )
    if chosen == "csv":
        directory = str(settings.MARKET_DATA_CSV_DIR or "")
        if not directory:
            raise ImproperlyConfigured("MARKET_DATA_PROVIDER is csv but MARKET_DATA_CSV_DIR is not set")
        return _provider("csv", directory)
    return _provider(chosen, "")
