from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_groups(sender: Any, **kwargs: Any) -> None:
    from accounts.services import sync_role_groups

    sync_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # After every app's permissions exist, so the admin group gets them all.
        post_migrate.connect(_sync_groups, dispatch_uid="accounts.sync_role_groups")
