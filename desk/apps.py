from __future__ import annotations

from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The desk: the PM's morning brief, composed from every app's own selectors."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
