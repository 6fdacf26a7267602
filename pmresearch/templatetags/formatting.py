"""Template filters for times, money, percentages and confidence (see core.formatting).

Registered as a template builtin in settings, so every page can use them without a `load`.
"""

from __future__ import annotations

from django import template

from core import formatting

register = template.Library()

register.filter("ny_time", formatting.ny_time)
register.filter("usd", formatting.usd)
register.filter("pct", formatting.pct)
register.filter("signed_pct", formatting.signed_pct)
register.filter("grouped", formatting.grouped)
register.filter("confidence_label", formatting.confidence_label)
