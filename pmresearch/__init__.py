"""pmresearch: research and decision support for US-equity portfolio managers."""

from __future__ import annotations

__version__ = "0.1.0"

# Celery's shared_task decorators bind to this app once Django is loaded.
from pmresearch.celery import app as celery_app

__all__ = ["__version__", "celery_app"]
