"""Provider classes for the `package.module:Class` form of MARKET_DATA_PROVIDER."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analysis.providers.demo import DemoProvider


class VendorProvider(DemoProvider):
    """The demo market under another name, configured by keywords as a vendor's client would be."""

    name = "vendor"

    def __init__(self, base_url: str, api_key: str = "") -> None:
        self.base_url = base_url
        self.api_key = api_key


class NotAProvider:
    name = "broken"
    is_demo = False

    def prices(self, ticker: str, *, start: dt.date, as_of: dt.datetime) -> Any:
        raise NotImplementedError
