"""The public provider's configuration: which source serves each kind of data, and its limits.

Values come from `django.conf.settings` (read from the environment by `pmresearch.settings`);
this module validates them (`source_problems()`, part of
`analysis.providers.checks.configuration_problems`, which feeds `manage.py check`, `/health` and
the data sources page). Under any provider but `public` these settings have no effect and are
not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

# Kind of data -> (setting, allowed values, default first).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "prices": ("PRICES_SOURCE", ("yahoo", "csv")),
    "fundamentals": ("FUNDAMENTALS_SOURCE", ("sec", "none")),
    "earnings": ("EARNINGS_SOURCE", ("sec", "none")),
    "macro": ("MACRO_SOURCE", ("fred", "none")),
    "news": ("NEWS_SOURCE", ("yahoo", "none")),
    "options": ("OPTIONS_SOURCE", ("none",)),
}
# The services behind the sources: display name, base URL settings, rate limit setting.
SERVICES: dict[str, dict[str, Any]] = {
    "sec": {
        "label": "SEC",
        "urls": ("SEC_DATA_URL", "SEC_WWW_URL"),
        "rate": "SEC_RATE_LIMIT_PER_SECOND",
        "window": "SEC_RATE_LIMIT_WINDOW_SECONDS",
        "timeout": "SEC_TIMEOUT_SECONDS",
    },
    "yahoo": {
        "label": "Yahoo",
        "urls": ("YAHOO_QUERY_URL",),
        "rate": "YAHOO_RATE_LIMIT_PER_SECOND",
        "window": "YAHOO_RATE_LIMIT_WINDOW_SECONDS",
        "timeout": "YAHOO_TIMEOUT_SECONDS",
    },
    "fred": {
        "label": "FRED",
        "urls": ("FRED_URL",),
        "rate": "FRED_RATE_LIMIT_PER_SECOND",
        "window": "FRED_RATE_LIMIT_WINDOW_SECONDS",
        "timeout": "FRED_TIMEOUT_SECONDS",
    },
}
_URL_SETTINGS = tuple(name for spec in SERVICES.values() for name in spec["urls"])
# Secrets: shown only as "set" / "not set", redacted from every logged URL.
KEY_SETTINGS = ("FRED_API_KEY",)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class MarketDataConfig:
    provider: str
    sources: dict[str, str]  # kind -> chosen source name ("none" when off)
    base_urls: dict[str, str]  # setting name -> URL without a trailing slash
    sec_user_agent: str
    fred_api_key: str
    rate_limits: dict[str, float]  # service -> requests per second
    rate_windows: dict[str, float]  # service -> seconds the rate is counted over (`http.budget`)
    timeouts: dict[str, float]  # service -> seconds per request
    tries: int
    backoff_seconds: float
    max_retry_after_seconds: float
    breaker_failures: int
    breaker_seconds: float
    cache_ttl_hours: float

    @property
    def is_public(self) -> bool:
        return self.provider.lower() == "public"

    def uses_sec(self) -> bool:
        """SEC serves fundamentals, earnings dates, and the 8-K filings beside Yahoo's news."""
        return any(self.sources[kind] == source for kind, source in _SEC_BACKED.items())

    def services_in_use(self) -> list[str]:
        used = {"sec"} if self.uses_sec() else set()
        if "yahoo" in (self.sources["prices"], self.sources["news"]):
            used.add("yahoo")
        if self.sources["macro"] == "fred":
            used.add("fred")
        return sorted(used)

    def keys_present(self) -> dict[str, bool]:
        return {name: bool(getattr(settings, name, "")) for name in KEY_SETTINGS}


def load_config() -> MarketDataConfig:
    """The current settings as one value (re-read on each call, so tests may override them)."""
    return MarketDataConfig(
        provider=str(settings.MARKET_DATA_PROVIDER).strip(),
        sources={kind: str(getattr(settings, name)).strip().lower() for kind, (name, _) in KINDS.items()},
        base_urls={
            name: str(getattr(settings, name)).rstrip("/")
            for svc in SERVICES.values()
            for name in svc["urls"]
        },
        sec_user_agent=str(settings.SEC_USER_AGENT).strip(),
        fred_api_key=str(settings.FRED_API_KEY),
        rate_limits={svc: float(getattr(settings, spec["rate"])) for svc, spec in SERVICES.items()},
        rate_windows={svc: float(getattr(settings, spec["window"])) for svc, spec in SERVICES.items()},
        timeouts={svc: float(getattr(settings, spec["timeout"])) for svc, spec in SERVICES.items()},
        tries=int(settings.MARKET_DATA_TRIES),
        backoff_seconds=float(settings.MARKET_DATA_BACKOFF_SECONDS),
        max_retry_after_seconds=float(settings.MARKET_DATA_MAX_RETRY_AFTER_SECONDS),
        breaker_failures=int(settings.MARKET_DATA_BREAKER_FAILURES),
        breaker_seconds=float(settings.MARKET_DATA_BREAKER_SECONDS),
        cache_ttl_hours=float(settings.MARKET_DATA_CACHE_TTL_HOURS),
    )


def source_problems(config: MarketDataConfig | None = None) -> list[str]:
    """Every reason the public sources' configuration cannot work, each a sentence naming the
    setting; none under another provider (whose name `analysis.providers.checks` judges)."""
    config = config or load_config()
    if not config.is_public:
        return []
    problems = []
    for kind, (name, allowed) in KINDS.items():
        if config.sources[kind] not in allowed:
            problems.append(
                f"{name}={config.sources[kind]!r} is not a {kind} source; valid: {', '.join(allowed)}."
            )
    if config.sources["prices"] == "csv" and not str(settings.MARKET_DATA_CSV_DIR or ""):
        problems.append("PRICES_SOURCE=csv needs MARKET_DATA_CSV_DIR.")
    if config.uses_sec() and not _names_and_mails(config.sec_user_agent):
        using = ", ".join(
            f"{name}={config.sources[kind]}"
            for kind, (name, _) in KINDS.items()
            if config.sources[kind] == _SEC_BACKED.get(kind)
        )
        problems.append(
            "SEC_USER_AGENT must give a name and an e-mail, as SEC asks of every client "
            f'(e.g. "Jane Doe jane@example.com"); {using} need it.'
        )
    for service in config.services_in_use():
        for url_setting in SERVICES[service]["urls"]:
            parts = urlsplit(config.base_urls[url_setting])
            if parts.scheme not in ("http", "https") or not parts.netloc:
                problems.append(
                    f"{url_setting} must be an http(s) URL, not {config.base_urls[url_setting]!r}."
                )
        if not config.rate_limits[service] > 0:
            problems.append(f"{SERVICES[service]['rate']} must be above 0 (requests per second).")
        if not config.rate_windows[service] > 0:
            problems.append(f"{SERVICES[service]['window']} must be above 0 (seconds).")
        if not config.timeouts[service] > 0:
            problems.append(f"{SERVICES[service]['timeout']} must be above 0 (seconds).")
    for name, value in (
        ("MARKET_DATA_BREAKER_SECONDS", config.breaker_seconds),
        ("MARKET_DATA_CACHE_TTL_HOURS", config.cache_ttl_hours),
    ):
        if not value > 0:
            problems.append(f"{name} must be above 0.")
    if config.tries < 1:
        problems.append("MARKET_DATA_TRIES must be at least 1.")
    if config.breaker_failures < 1:
        problems.append("MARKET_DATA_BREAKER_FAILURES must be at least 1.")
    if config.backoff_seconds < 0 or config.max_retry_after_seconds < 0:
        problems.append(
            "MARKET_DATA_BACKOFF_SECONDS and MARKET_DATA_MAX_RETRY_AFTER_SECONDS cannot be negative."
        )
    return problems


# The kinds whose chosen source calls SEC (Yahoo news comes with SEC's 8-K filings).
_SEC_BACKED = {"fundamentals": "sec", "earnings": "sec", "news": "yahoo"}


def _names_and_mails(user_agent: str) -> bool:
    return bool(_EMAIL.search(user_agent)) and bool(_EMAIL.sub("", user_agent).strip())


def market_data_summary() -> dict[str, Any]:
    """What `/health` shows: the provider, each kind's source under `public`, keys set yes/no."""
    config = load_config()
    summary: dict[str, Any] = {"provider": config.provider}
    if config.is_public:
        summary["sources"] = dict(config.sources)
        summary["keys_present"] = config.keys_present()
        summary["sec_user_agent_set"] = bool(config.sec_user_agent)
    return summary


def configuration_warnings() -> list[str]:
    config = load_config()
    if config.is_public and config.sources["macro"] == "fred" and not config.fred_api_key:
        return [
            "MACRO_SOURCE=fred without FRED_API_KEY: macro is today's values for a current as_of "
            "and no data for a past one (point-in-time vintages need the key)."
        ]
    return []


@checks.register("datasources")
def check_market_data_warnings(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    # The errors are part of `pmresearch.config_checks.configuration_problems` (and so of /health),
    # through `analysis.providers.checks`.
    return [checks.Warning(w, id="datasources.W001") for w in configuration_warnings()]
