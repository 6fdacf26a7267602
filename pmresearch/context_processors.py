"""Template context every dashboard page shares."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import pmresearch
from accounts.roles import role_of


def desk(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "app_version": pmresearch.__version__,
        "desk_role": role_of(user) if user is not None and user.is_authenticated else None,
    }
