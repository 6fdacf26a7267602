"""The desk's three roles, held as Django groups.

One shared desk: viewers read everything; PMs also run analyses and change
watchlists, the portfolio and alerts; admins also change flags, schedules and
users. A signed-in user in no group reads, like a viewer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    VIEWER = "viewer"
    PM = "pm"
    ADMIN = "admin"


# Highest first: a user in several groups holds the strongest role.
ROLE_ORDER = (Role.ADMIN, Role.PM, Role.VIEWER)


def role_of(user: Any) -> Role | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = set(user.groups.values_list("name", flat=True))
    for role in ROLE_ORDER:
        if role.value in names:
            return role
    return Role.VIEWER


def can_write(user: Any) -> bool:
    """Run analyses, change watchlists, portfolio and alerts."""
    return role_of(user) in (Role.PM, Role.ADMIN)


def can_configure(user: Any) -> bool:
    """Change flags, schedules and users."""
    return role_of(user) is Role.ADMIN
