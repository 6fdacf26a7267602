from __future__ import annotations

from django.apps import AppConfig


class WatchlistsConfig(AppConfig):
    name = "watchlists"
