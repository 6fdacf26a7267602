"""Settings for the embedded default and the scaled shape alike.

Every value comes from the environment (django-environ). With nothing set, the
system runs on one machine with no services: a SQLite file in WAL mode and
Celery on kombu's filesystem broker. `DATABASE_URL` switches to PostgreSQL and
`REDIS_URL` switches Celery and the event streams to Redis.
`pmresearch.settings_production` hardens this module for deployment.
"""

from __future__ import annotations

import importlib.util
import re
import secrets
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's `.env` is read when present; real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("PMRESEARCH_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A per-checkout random key kept under var/, so none lives in the repo."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_eventstream",
    "django_htmx",
    "accounts",
    "rollout",
    "analysis",
    "calibration",
    "portfolio",
    "alerts",
    "watchlists",
    "datasources",
    "desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pmresearch.body_limit.BodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rollout.telemetry.LegacyReadTelemetryMiddleware",
]

ROOT_URLCONF = "pmresearch.urls"
# Long-lived threads that serve requests' sync code under ASGI (pmresearch/serving.py); each
# keeps its database connection. 0 serves as Django does by default (a new thread per request).
ASGI_SYNC_THREADS = env.int("ASGI_SYNC_THREADS", default=8)
WSGI_APPLICATION = "pmresearch.wsgi.application"
ASGI_APPLICATION = "pmresearch.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pmresearch.context_processors.desk",
            ],
            # The shared formatting filters (|ny_time, |usd, |signed_pct, ...) on every page.
            "builtins": ["pmresearch.templatetags.formatting"],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'market_research.db'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE + a busy timeout: measured to remove "database is locked"
    # under concurrent writers (PITFALLS.md). IMMEDIATE rules out ATOMIC_REQUESTS.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
        }
    )
    # Tests run against a file so that a server started as a subprocess can
    # share the test database (an in-memory one is private to the process).
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / env.str("SQLITE_TEST_DB_NAME", default="test_pmresearch.db"))
    }
    # Kept open: closing the last connection to a WAL database checkpoints it, measured at
    # ~2.4 ms per request, more than the queries of storing an analysis.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=300))
else:
    # Kept open a minute: each request's thread is a long-lived one (pmresearch/serving.py), so a
    # connection per thread is reused rather than opened per request (measured: /health went from
    # 207 to 385 rps under load); the health check drops one the server closed.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

PMRESEARCH_ADMIN_USERNAME = env.str("PMRESEARCH_ADMIN_USERNAME", default="admin")
PMRESEARCH_ADMIN_EMAIL = env.str("PMRESEARCH_ADMIN_EMAIL", default="")
# Read once by `ensure_admin`; when empty a random password is generated and printed.
PMRESEARCH_ADMIN_PASSWORD = env.str("PMRESEARCH_ADMIN_PASSWORD", default="")

API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
# Legacy-read counts are kept in memory and written in batches this often (rollout/telemetry.py).
TELEMETRY_FLUSH_SECONDS = env.float("TELEMETRY_FLUSH_SECONDS", default=5.0)

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Market calendar time zone: close-of-day jobs and as-of dates are New York dates.
MARKET_TIME_ZONE = "America/New_York"

# --- Static files ---------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Charts come from plotly's wheel (it carries plotly.min.js), never a CDN or a copied file.
_PLOTLY_SPEC = importlib.util.find_spec("plotly")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/plotly", Path(_PLOTLY_SPEC.origin).parent / "package_data"),  # type: ignore[union-attr, arg-type]
]
# The embedded shape serves straight from the apps and `static/` (no collectstatic
# step); production settings collect and fingerprint instead.
SERVESTATIC_USE_FINDERS = env.bool("SERVESTATIC_USE_FINDERS", default=True)
SERVESTATIC_AUTOREFRESH = DEBUG

# --- REST API ---------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous API call gets 401 with a Token challenge.
        # knox tokens, read with their user in one query (accounts/authentication.py).
        "accounts.authentication.DeskTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.DeskRolePermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pmresearch.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

REST_KNOX = {
    "TOKEN_TTL": None,  # set per token by `issue_api_token` (API_TOKEN_TTL_DAYS)
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "pmresearch API",
    "DESCRIPTION": "Signals, portfolio sizing, alerts, watchlists and calibration for US equities.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["accounts.permissions.DeskRolePermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "URL_FORMAT_OVERRIDE": None,
}

# --- Celery -----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Longer than the longest task, so a late-acked task is not redelivered early.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "store_processed": False,
        # The exchange tables (kombu's default is ./control, beside the code): broker state
        # lives under var/ with the rest.
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_FILESYSTEM_DIR / 'results'}"
    # kombu's filesystem transport expects its folders to exist already.
    for _folder in ("queue", "processed", "results", "control"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = MARKET_TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Server-sent events -------------------------------------------------------------

EVENTSTREAM_STORAGE_CLASS = "django_eventstream.storage.DjangoModelStorage"
# Channels come from routes only; any signed-in user reads them, anonymous callers none.
EVENTSTREAM_CHANNELMANAGER_CLASS = "alerts.events.DeskChannelManager"
if REDIS_URL:
    # django-eventstream wants redis-py keyword arguments, not a URL.
    _parsed = urlparse(REDIS_URL)
    EVENTSTREAM_REDIS = {
        "host": _parsed.hostname or "127.0.0.1",
        "port": _parsed.port or 6379,
        "db": int((_parsed.path or "/0").lstrip("/") or 0),
    }
    if _parsed.password:
        EVENTSTREAM_REDIS["password"] = _parsed.password

# --- Market data and the analysis engine --------------------------------------------

# `demo` (deterministic, offline, labelled as demo data), `csv` (a directory of daily OHLCV
# files named TICKER.csv with a header date,open,high,low,close,adj_close,volume), or your own
# provider class as `package.module:Class`, built with MARKET_DATA_PROVIDER_OPTIONS as keywords.
MARKET_DATA_PROVIDER = env.str("MARKET_DATA_PROVIDER", default="demo")
MARKET_DATA_CSV_DIR = env.str("MARKET_DATA_CSV_DIR", default=str(BASE_DIR / "data" / "prices"))
MARKET_DATA_PROVIDER_OPTIONS = env.json("MARKET_DATA_PROVIDER_OPTIONS", default={})
# Each agent gets this long before it is recorded as timed out.
ANALYSIS_AGENT_TIMEOUT_SECONDS = env.float("ANALYSIS_AGENT_TIMEOUT_SECONDS", default=30.0)
# Switch an agent off when its source is absent: it is then not run, nor counted as failed.
MACRO_AGENT_ENABLED = env.bool("MACRO_AGENT_ENABLED", default=True)
# As MACRO_AGENT_ENABLED, for the options agent.
OPTIONS_AGENT_ENABLED = env.bool("OPTIONS_AGENT_ENABLED", default=True)
# Slippage charged on every outcome, on top of the profile's transaction cost.
CALIBRATION_SLIPPAGE_BPS = env.float("CALIBRATION_SLIPPAGE_BPS", default=5.0)
# Analyses a watchlist run (POST /api/watchlists/{id}/analyze) keeps in flight at once; with the
# public provider also the requests per service its fetching keeps in flight.
WATCHLIST_CONCURRENCY = max(1, env.int("WATCHLIST_CONCURRENCY", default=4))
# Worker processes that run a watchlist's engines, so a run uses every core (the engine is
# CPU-bound Python); 0 runs them in the server's own threads. Default: one per analysis in flight.
WATCHLIST_ENGINE_PROCESSES = max(0, env.int("WATCHLIST_ENGINE_PROCESSES", default=WATCHLIST_CONCURRENCY))

# --- Public market data sources (MARKET_DATA_PROVIDER=public; no effect otherwise) ----------
# Validated by `datasources.config` as a system check: a bad value fails `manage.py check`.
PRICES_SOURCE = env.str("PRICES_SOURCE", default="yahoo")  # yahoo | csv
FUNDAMENTALS_SOURCE = env.str("FUNDAMENTALS_SOURCE", default="sec")  # sec | none
EARNINGS_SOURCE = env.str("EARNINGS_SOURCE", default="sec")  # sec | none
MACRO_SOURCE = env.str("MACRO_SOURCE", default="fred")  # fred | none
NEWS_SOURCE = env.str("NEWS_SOURCE", default="yahoo")  # yahoo (plus SEC 8-K filings) | none
OPTIONS_SOURCE = env.str("OPTIONS_SOURCE", default="none")  # none
SEC_DATA_URL = env.str("SEC_DATA_URL", default="https://data.sec.gov")
SEC_WWW_URL = env.str("SEC_WWW_URL", default="https://www.sec.gov")
YAHOO_QUERY_URL = env.str("YAHOO_QUERY_URL", default="https://query1.finance.yahoo.com")
FRED_URL = env.str("FRED_URL", default="https://api.stlouisfed.org")
# SEC asks every client to name itself with an e-mail; required when an SEC source is chosen.
SEC_USER_AGENT = env.str("SEC_USER_AGENT", default="")
# Optional; point-in-time macro (ALFRED vintages) needs it. Never logged or shown.
FRED_API_KEY = env.str("FRED_API_KEY", default="")
# Requests per second per source, shared by every process of the deployment, counted over a
# sliding window of the source's seconds: at most rate x window requests in any one window.
# SEC allows 10 a second; FRED publishes 120 a minute (a cold analysis's series go out at once).
SEC_RATE_LIMIT_PER_SECOND = env.float("SEC_RATE_LIMIT_PER_SECOND", default=10.0)
YAHOO_RATE_LIMIT_PER_SECOND = env.float("YAHOO_RATE_LIMIT_PER_SECOND", default=4.0)
FRED_RATE_LIMIT_PER_SECOND = env.float("FRED_RATE_LIMIT_PER_SECOND", default=2.0)
SEC_RATE_LIMIT_WINDOW_SECONDS = env.float("SEC_RATE_LIMIT_WINDOW_SECONDS", default=1.0)
YAHOO_RATE_LIMIT_WINDOW_SECONDS = env.float("YAHOO_RATE_LIMIT_WINDOW_SECONDS", default=1.0)
FRED_RATE_LIMIT_WINDOW_SECONDS = env.float("FRED_RATE_LIMIT_WINDOW_SECONDS", default=60.0)
# Seconds a request may take (companyfacts bodies run to 5 MB).
SEC_TIMEOUT_SECONDS = env.float("SEC_TIMEOUT_SECONDS", default=20.0)
YAHOO_TIMEOUT_SECONDS = env.float("YAHOO_TIMEOUT_SECONDS", default=10.0)
FRED_TIMEOUT_SECONDS = env.float("FRED_TIMEOUT_SECONDS", default=10.0)
# Tries per request (the first included), and the first backoff, doubled on each retry.
MARKET_DATA_TRIES = env.int("MARKET_DATA_TRIES", default=3)
MARKET_DATA_BACKOFF_SECONDS = env.float("MARKET_DATA_BACKOFF_SECONDS", default=0.5)
# A Retry-After longer than this gives up at once rather than hold an analysis.
MARKET_DATA_MAX_RETRY_AFTER_SECONDS = env.float("MARKET_DATA_MAX_RETRY_AFTER_SECONDS", default=30.0)
# Consecutive failed tries that open a source's circuit, and how long it stays open.
MARKET_DATA_BREAKER_FAILURES = env.int("MARKET_DATA_BREAKER_FAILURES", default=5)
MARKET_DATA_BREAKER_SECONDS = env.float("MARKET_DATA_BREAKER_SECONDS", default=60.0)
# How long slow-changing bodies (companyfacts, submissions, ...) are kept before a refetch.
MARKET_DATA_CACHE_TTL_HOURS = env.float("MARKET_DATA_CACHE_TTL_HOURS", default=24.0)

# --- Scheduling and calibration ------------------------------------------------------

# Scheduled analyses (the `schedules` table and catalyst runs) only run when this is on.
SCHEDULER_ENABLED = env.bool("SCHEDULER_ENABLED", default=False)
# How often beat looks for due schedules and catalyst runs.
SCHEDULER_TICK_SECONDS = env.int("SCHEDULER_TICK_SECONDS", default=60)
# Daily outcome evaluation, New York time (after the close).
CALIBRATION_OUTCOMES_HOUR = env.int("CALIBRATION_OUTCOMES_HOUR", default=17)
CALIBRATION_OUTCOMES_MINUTE = env.int("CALIBRATION_OUTCOMES_MINUTE", default=30)
# Snapshots and reliability bins look back this many days of evaluated outcomes.
CALIBRATION_WINDOW_DAYS = env.int("CALIBRATION_WINDOW_DAYS", default=180)
CALIBRATION_BIN_COUNT = env.int("CALIBRATION_BIN_COUNT", default=5)
# A bin needs this many samples before its hit rate replaces the confidence outright.
CALIBRATION_MIN_BIN_SAMPLES = env.int("CALIBRATION_MIN_BIN_SAMPLES", default=30)


def _days_offset(name: str, value: int) -> int:
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 or more days (0 is the event's own day), not {value}.")
    return value


# Days before earnings for the catalyst_pre run (0: the earnings day itself).
CATALYST_PRE_DAYS = _days_offset("CATALYST_PRE_DAYS", env.int("CATALYST_PRE_DAYS", default=1))
# Days after earnings for the catalyst_post run (0: the earnings day itself).
CATALYST_POST_DAYS = _days_offset("CATALYST_POST_DAYS", env.int("CATALYST_POST_DAYS", default=1))
# Days before a macro event for its catalyst_pre run (0: the event day itself).
MACRO_CATALYST_PRE_DAYS = _days_offset(
    "MACRO_CATALYST_PRE_DAYS", env.int("MACRO_CATALYST_PRE_DAYS", default=1)
)
# Whether a macro event's own day gets a catalyst_day run as well.
MACRO_CATALYST_DAY_ENABLED = env.bool("MACRO_CATALYST_DAY_ENABLED", default=True)
# Macro event types that trigger catalyst runs (comma-separated; empty turns macro catalysts off).
MACRO_CATALYST_EVENT_TYPES = [
    t.strip().lower()
    for t in env.list("MACRO_CATALYST_EVENT_TYPES", default=["fomc", "cpi", "nfp"])
    if t.strip()
]
# The types calibration's macro_events table admits (its CHECK constraint); the earlier system
# dropped an unknown name silently, which left a typo'd type without runs and nothing said.
_unknown_macro_types = sorted(set(MACRO_CATALYST_EVENT_TYPES) - {"fomc", "cpi", "nfp"})
if _unknown_macro_types:
    raise ImproperlyConfigured(
        "MACRO_CATALYST_EVENT_TYPES names unknown event types "
        f"{', '.join(_unknown_macro_types)}; the known ones are fomc, cpi and nfp."
    )

# --- The desk brief and e-mail ------------------------------------------------------------

# The brief is mailed at this New York time on trading days (after the outcome scoring at 17:30).
BRIEF_SEND_TIME = env.str("BRIEF_SEND_TIME", default="18:00")
_brief_time = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", BRIEF_SEND_TIME.strip())
if _brief_time is None:
    raise ImproperlyConfigured(f"BRIEF_SEND_TIME must be HH:MM (New York), got {BRIEF_SEND_TIME!r}")
BRIEF_SEND_HOUR, BRIEF_SEND_MINUTE = int(_brief_time.group(1)), int(_brief_time.group(2))
# The desk's address as its users reach it: the base of every link in an e-mail.
BRIEF_BASE_URL = env.str("BRIEF_BASE_URL", default="http://127.0.0.1:8000")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="pmresearch <pmresearch@localhost>")

# Beat's static schedule; the database (schedules, macro events) says what is due.
CELERY_BEAT_SCHEDULE = {
    "purge-expired-api-tokens": {"task": "accounts.purge_expired_api_tokens", "schedule": 6 * 3600},
    # Always present: the tick itself does nothing unless SCHEDULER_ENABLED is on.
    "scheduler-tick": {"task": "calibration.scheduler_tick", "schedule": SCHEDULER_TICK_SECONDS},
    # CELERY_TIMEZONE is New York, so this is 17:30 New York time by default.
    "evaluate-outcomes": {
        "task": "calibration.evaluate_outcomes",
        "schedule": crontab(hour=CALIBRATION_OUTCOMES_HOUR, minute=CALIBRATION_OUTCOMES_MINUTE),
    },
    # New York time too; the task itself skips weekends and NYSE holidays.
    "send-desk-brief": {
        "task": "desk.send_brief",
        "schedule": crontab(hour=BRIEF_SEND_HOUR, minute=BRIEF_SEND_MINUTE),
    },
}

# `manage.py rollout_canary` authenticates with this API token when --token is not given.
PMRESEARCH_CANARY_TOKEN = env.str("PMRESEARCH_CANARY_TOKEN", default="")

# --- Feature flags ------------------------------------------------------------------
# Environment defaults only; `core.flags` is the one reader and admins
# override any flag in Django admin without a restart.

FEATURE_FLAG_NAMES = (
    "SIGNAL_CONTRACT_V2_ENABLED",
    "COT_PERSISTENCE_ENABLED",
    "PORTFOLIO_OPTIMIZER_V2_ENABLED",
    "CALIBRATION_ECONOMICS_ENABLED",
    "ALERTS_V2_ENABLED",
    "WATCHLIST_RANKING_ENABLED",
    "UI_PM_DASHBOARD_ENABLED",
    "SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED",
    "SCHEDULED_CALIBRATION_ECONOMICS_ENABLED",
    "SCHEDULED_PORTFOLIO_OPTIMIZER_V2_ENABLED",
    "SCHEDULED_ALERTS_V2_ENABLED",
)
FEATURE_FLAG_DEFAULTS = {name: env.bool(name, default=False) for name in FEATURE_FLAG_NAMES}

# --- Logging ------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
