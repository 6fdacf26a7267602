"""`GET /health`: public liveness and readiness for load balancers and ops.

Keys the earlier system's clients read (`status`, `timestamp`,
`database_connected`, `config_valid`) plus broker, version and schema state.
As the earlier system did, it answers 200 while the instance can serve
(`healthy`, or `degraded` when the configuration, broker or schema needs
attention) and 503 only when it cannot: the database is unreachable.

Load balancers poll it, so the default answer is cheap: the database is asked `SELECT 1` on
every call, while the applied-migrations read and the broker ping (a millisecond or more each,
measured) are reused for `DEEP_CHECK_TTL_SECONDS`. `?deep=1` runs them now, so a migration
left unapplied shows at once. The keys are the same either way; `checks_age_seconds` says how
old the reused part is (0 on a deep call).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import pmresearch
from datasources.config import market_data_summary
from pmresearch.config_checks import configuration_problems

logger = logging.getLogger(__name__)

#: How long a default `/health` reuses the schema state and the broker ping.
DEEP_CHECK_TTL_SECONDS = 30.0
PROJECT_APPS = ("alerts", "analysis", "calibration", "datasources", "portfolio", "rollout", "watchlists")


def database_connected() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return False


def broker_reachable() -> bool | str:
    if not settings.REDIS_URL:
        return "embedded"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5)
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("Health check: Redis broker unreachable")
        return False


@functools.cache
def _latest_migrations() -> dict[str, str]:
    """The newest migration of each project app on disk (fixed for a process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        app: max(name for label, name in loader.graph.leaf_nodes() if label == app) for app in PROJECT_APPS
    }


def schema_state() -> dict[str, Any]:
    applied = MigrationRecorder(connection).applied_migrations()
    latest = _latest_migrations()
    version = {app: max((n for a, n in applied if a == app), default=None) for app in PROJECT_APPS}
    return {
        "schema_version": ",".join(f"{app}.{(version[app] or 'none')[:4]}" for app in PROJECT_APPS),
        "schema_up_to_date": all((app, name) in applied for app, name in latest.items()),
    }


class _DeepChecks:
    """The schema state and broker ping of the last deep check, reused for a short while."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: tuple[float, bool | str, dict[str, Any]] | None = None

    def get(self, *, fresh: bool) -> tuple[float, bool | str, dict[str, Any]]:
        now = time.monotonic()
        with self._lock:
            value = self._value
        if fresh or value is None or now - value[0] > DEEP_CHECK_TTL_SECONDS:
            value = (now, broker_reachable(), schema_state())
            with self._lock:
                self._value = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._value = None


deep_checks = _DeepChecks()


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    db_ok = database_connected()
    problems = configuration_problems()
    if problems:
        logger.warning("Health check: configuration problems: %s", "; ".join(problems))
    deep = request.GET.get("deep", "").lower() in ("1", "true", "yes")
    if db_ok:
        checked_at, broker, schema = deep_checks.get(fresh=deep)
    else:
        checked_at, broker = time.monotonic(), broker_reachable()
        schema = {"schema_version": None, "schema_up_to_date": False}
    healthy = db_ok and not problems and broker is not False and schema["schema_up_to_date"]
    body = {
        "status": "healthy" if healthy else ("degraded" if db_ok else "unhealthy"),
        "database_connected": db_ok,
        "config_valid": not problems,
        "broker_reachable": broker,
        "broker_transport": "redis" if settings.REDIS_URL else "filesystem",
        # Which source serves each kind of data; read from settings, no source is called.
        "market_data": market_data_summary(),
        "version": pmresearch.__version__,
        **schema,
        "checks_age_seconds": round(time.monotonic() - checked_at, 1),
        "timestamp": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if db_ok else 503)
