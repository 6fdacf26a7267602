"""pmresearch: research and decision support for US-equity portfolio managers."""

from __future__ import annotations

from core.version import VERSION as __version__

# Celery's shared_task decorators bind to this app once Django is loaded.
from pmresearch.celery import app as celery_app

__all__ = ["__version__", "celery_app"]
