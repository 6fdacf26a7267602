"""Tolerant readers of the serialized analysis payloads, shared by the CSV and the PDF.

Every key may be missing or None and any value may have an unexpected type: these return an
empty mapping or list, None, or False instead of raising.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool)


def as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def first_present(*values: Any) -> Any:
    """The first value that is not None."""
    return next((value for value in values if value is not None), None)
