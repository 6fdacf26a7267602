"""ASGI entry point: uvicorn serves this, so server-sent events stream live."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmresearch.settings")

application = get_asgi_application()
