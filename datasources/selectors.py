"""Reads for the data sources page: configuration, per-source outcomes and the cache's size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from datasources.cache import cache_size
from datasources.config import KINDS, SERVICES, load_config
from datasources.state import SharedState, shared_state

# Which service answers for a kind's chosen source ("csv" and "none" call none).
_SERVICE_OF = {"yahoo": "yahoo", "sec": "sec", "fred": "fred"}


def _when(epoch: object) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(float(epoch), tz=dt.UTC) if epoch is not None else None  # type: ignore[arg-type]


def data_sources_overview(
    *, problems: list[str], state: SharedState | None = None, now: float | None = None
) -> dict[str, Any]:
    """Everything the page shows, `problems` the configuration's
    (`analysis.providers.checks.configuration_problems`). Keys appear only as set / not set,
    never their value."""
    import time

    config = load_config()
    state = state if state is not None else shared_state()
    now = time.time() if now is None else now
    services = []
    for service, spec in SERVICES.items():
        status = state.status(service, now)
        services.append(
            {
                "service": service,
                "label": spec["label"],
                "in_use": config.is_public and service in config.services_in_use(),
                "base_urls": {name: config.base_urls[name] for name in spec["urls"]},
                "rate_limit_per_second": config.rate_limits[service],
                "rate_limit_window_seconds": config.rate_windows[service],
                "last_success": _when(status["last_success"]),
                "last_failure": _when(status["last_failure"]),
                "last_failure_reason": status["last_failure_reason"],
                "requests_last_hour": status["requests_last_hour"],
            }
        )
    kinds = [
        {
            "kind": kind,
            "setting": setting,
            "source": config.sources[kind] if config.is_public else config.provider,
            "service": SERVICES.get(_SERVICE_OF.get(config.sources[kind], ""), {}).get("label", ""),
        }
        for kind, (setting, _) in KINDS.items()
    ]
    return {
        "provider": config.provider,
        "is_public": config.is_public,
        "kinds": kinds,
        "services": services,
        "keys_present": config.keys_present(),
        "sec_user_agent_set": bool(config.sec_user_agent),
        "problems": problems,
        "cache": cache_size(),
    }
