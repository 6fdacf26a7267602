"""The Celery application.

Configured from Django settings (CELERY_* names). Nothing here imports
django_eventstream: it reads settings at import time (PITFALLS.md).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmresearch.settings")

app = Celery("pmresearch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
