"""One HTTP client for every public source: timeouts, retries, a circuit breaker, a shared rate limit.

`get_client().get("sec", url)` returns a `SourceResponse` for any status the caller should
judge itself (200, 404 such as SEC's XML body for an unknown CIK, other 4xx), and raises
`SourceUnavailable` with a message that is safe to show ("SEC unreachable: timed out after 3
tries") when the source cannot answer: transport errors and 5xx after every try, 429/503 whose
`Retry-After` is too long, or a circuit that is open. Nothing of an exception's text, nor a
key, reaches that message.

- Bodies: decoded for the caller; one sent gzip-encoded also comes back as the bytes sent
  (`SourceResponse.gzipped`), which the cache keeps as they are. A body that does not decode
  (gzip cut short, say) is a failed try like a broken connection.
- Retries: up to `MARKET_DATA_TRIES` tries on timeouts, connection errors, 429 and 5xx, waiting
  `MARKET_DATA_BACKOFF_SECONDS` × 2^n between them, or the server's `Retry-After` on 429/503.
- Circuit breaker (per source, per process): `MARKET_DATA_BREAKER_FAILURES` consecutive failed
  tries open it for `MARKET_DATA_BREAKER_SECONDS`; then one trial request closes it again on
  success or reopens it.
- Rate limit (per source, shared by every process through `datasources.state`): the hosts of one
  service share its budget, since SEC counts data.sec.gov and www.sec.gov together. A rate of r
  a second over a window of w seconds is at most r x w requests in any w seconds (`budget`;
  under one a window, one request per 1 / r seconds), a sliding window, so independent requests
  go out together while the window has room: SEC's 10 a second (w = 1), FRED's published 120 a
  minute (w = 60), where 2 in any one second held a cold analysis's six series over 2 s. Each
  request reserves its moment in the shared window; within a process the sends also keep to the
  window, so threads of one prefetch that wake late do not go out on top of it.
- Keys: `FRED_API_KEY` and any `api_key`/`token` parameter are redacted from `url_redacted`,
  from this module's log lines and, by a filter on the `httpx` logger, from httpx's own.

Tests inject `transport` (an `httpx.MockTransport`), `clock` and `state`.
"""

from __future__ import annotations

import email.utils
import gzip
import logging
import os
import re
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from core.version import VERSION
from datasources.config import SERVICES, MarketDataConfig, load_config
from datasources.state import SharedState, shared_state

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SECRET_PARAM = re.compile(r"(?i)\b(api_key|apikey|api-key|access_token|token|key)=([^&\s\"'#]+)")
REDACTED = "REDACTED"


class SourceUnavailable(Exception):
    """A source could not answer; `reason` is safe to show to users and store with an analysis."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SourceResponse:
    status: int
    content: bytes
    headers: httpx.Headers
    url_redacted: str
    # The body as it came when the server sent it gzip-encoded (SEC, Yahoo and FRED do): the
    # cache keeps these bytes as they are instead of compressing the decoded body again.
    gzipped: bytes | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (comparable across processes, for the shared rate limit)."""

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


def redact(text: str) -> str:
    """`text` with every configured key and every key-like query parameter replaced by REDACTED."""
    from django.conf import settings

    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    for name in ("FRED_API_KEY",):
        secret = str(getattr(settings, name, "") or "")
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with keys redacted (httpx logs each request's full URL)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach the filter to httpx's loggers (idempotent); a logger filter sees every record logged there."""
    for name in ("httpx", "httpcore", "httpcore.http11", "httpcore.connection", __name__):
        log = logging.getLogger(name)
        if _FILTER not in log.filters:
            log.addFilter(_FILTER)


@dataclass
class _Breaker:
    failures: int = 0
    open_until: float = 0.0
    last_reason: str = ""


def budget(rate: float, window: float = 1.0) -> tuple[int, float]:
    """`rate` requests a second counted over `window` seconds, as a sliding window: (capacity,
    window in seconds).

    At most floor(rate x window) requests in any `window` seconds; when that is under one, one
    request per 1 / rate seconds.
    """
    capacity = int(rate * window + 1e-9)
    if capacity < 1:
        return 1, 1.0 / rate
    return capacity, window


@dataclass
class SourceClient:
    """The process's HTTP client for public sources (see the module docstring)."""

    config: MarketDataConfig = field(default_factory=load_config)
    transport: httpx.BaseTransport | None = None
    clock: Clock = field(default_factory=SystemClock)
    state: SharedState | None = None
    # Requests actually sent, per source, by this client (benchmarks count them).
    requests_sent: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            transport=self.transport,
            timeout=httpx.Timeout(max(self.config.timeouts.values())),
            follow_redirects=True,
            headers={"Accept-Encoding": "gzip, deflate"},
        )
        self._breakers: dict[str, _Breaker] = {}
        self._lock = threading.Lock()
        self._send_locks = {source: threading.Lock() for source in SERVICES}
        self._sent: dict[str, list[float]] = {source: [] for source in SERVICES}
        self._state = self.state if self.state is not None else shared_state()
        install_log_redaction()

    def close(self) -> None:
        self._http.close()

    # --- public -------------------------------------------------------------------

    def get(
        self,
        source: str,
        url: str,
        *,
        params: dict | None = None,
        headers: dict | None = None,
        on_slot: Callable[[], None] | None = None,
    ) -> SourceResponse:
        """GET `url` for `source` ("sec", "yahoo" or "fred"); see the module docstring for what raises.

        `on_slot` is called once the first try has reserved its rate-limit slot (before waiting
        for it), so a caller can keep its requests' slots in the order it sent them.
        """
        if source not in SERVICES:
            raise ValueError(f"unknown source {source!r}; known: {', '.join(SERVICES)}")
        label = SERVICES[source]["label"]
        self._check_breaker(source, label)
        request_headers = {"User-Agent": self._user_agent(source), **(headers or {})}
        tries = max(1, self.config.tries)
        attempt, reason = 0, ""
        while attempt < tries:
            attempt += 1
            self._wait_for_slot(source, on_slot if attempt == 1 else None)
            self.requests_sent[source] += 1
            try:
                with self._http.stream(
                    "GET", url, params=params, headers=request_headers, timeout=self.config.timeouts[source]
                ) as response:
                    content, gzipped = _read(response)
            except httpx.TimeoutException:
                reason, wait = "timed out", self._backoff(attempt)
                self._failed(source, reason)
            except httpx.TransportError:
                reason, wait = "connection failed", self._backoff(attempt)
                self._failed(source, reason)
            except httpx.DecodingError:
                reason, wait = "a body that does not decompress", self._backoff(attempt)
                self._failed(source, reason)
            else:
                redacted = redact(str(response.url))
                if response.status_code not in RETRY_STATUSES:
                    self._succeeded(source)
                    logger.debug("%s GET %s -> %s", label, redacted, response.status_code)
                    return SourceResponse(response.status_code, content, response.headers, redacted, gzipped)
                reason = f"HTTP {response.status_code}"
                retry_wait = self._retry_wait(response, attempt)
                # Throttling says "slow down", not "broken": a 429 does not trip the breaker.
                self._failed(source, reason, count_for_breaker=response.status_code != 429)
                if retry_wait is None:
                    raise SourceUnavailable(
                        f"{label} unreachable: {reason} with a Retry-After too long to wait"
                    )
                wait = retry_wait
            logger.info("%s GET %s: %s (try %d of %d)", label, redact(url), reason, attempt, tries)
            if self._is_open(source):
                break
            if attempt < tries:
                self.clock.sleep(wait)
        raise SourceUnavailable(
            f"{label} unreachable: {reason} after {attempt} {'try' if attempt == 1 else 'tries'}"
        )

    # --- internals ----------------------------------------------------------------

    def _user_agent(self, source: str) -> str:
        if source == "sec":
            return self.config.sec_user_agent or f"pmresearch/{VERSION}"
        return f"Mozilla/5.0 (compatible; pmresearch/{VERSION})"

    def _wait_for_slot(self, source: str, on_slot: Callable[[], None] | None = None) -> None:
        capacity, window = budget(self.config.rate_limits[source], self.config.rate_windows[source])
        slot = self._state.reserve(source, capacity, window, self.clock.now())
        if on_slot is not None:
            on_slot()
        self.clock.sleep(slot - self.clock.now())
        # A thread that wakes late (the interpreter busy decoding a large body) must not then go
        # out in a window its reservation no longer matches: in this process the sends
        # themselves, not only their reserved moments, keep to the window.
        with self._send_locks[source]:
            sent = self._sent[source]
            if len(sent) >= capacity:
                self.clock.sleep(sent[-capacity] + window - self.clock.now())
            sent.append(self.clock.now())
            del sent[:-capacity]

    def _backoff(self, attempt: int) -> float:
        return self.config.backoff_seconds * (2 ** (attempt - 1))

    def _retry_wait(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before the next try; None when the server asks for longer than we allow."""
        header = response.headers.get("Retry-After")
        if response.status_code not in (429, 503) or not header:
            return self._backoff(attempt)
        header = header.strip()
        if header.isdigit():
            wait = float(header)
        else:
            try:
                wait = email.utils.parsedate_to_datetime(header).timestamp() - self.clock.now()
            except (TypeError, ValueError):
                return self._backoff(attempt)
        wait = max(0.0, wait)
        return None if wait > self.config.max_retry_after_seconds else wait

    def _breaker(self, source: str) -> _Breaker:
        return self._breakers.setdefault(source, _Breaker())

    def _is_open(self, source: str) -> bool:
        with self._lock:
            return self._breaker(source).open_until > self.clock.now()

    def _check_breaker(self, source: str, label: str) -> None:
        with self._lock:
            breaker = self._breaker(source)
            if breaker.open_until > self.clock.now():
                raise SourceUnavailable(
                    f"{label} unreachable: {breaker.last_reason}; paused after repeated failures"
                )

    def _succeeded(self, source: str) -> None:
        with self._lock:
            breaker = self._breaker(source)
            breaker.failures, breaker.open_until = 0, 0.0
        self._state.record(source, self.clock.now(), ok=True)

    def _failed(self, source: str, reason: str, *, count_for_breaker: bool = True) -> None:
        now = self.clock.now()
        with self._lock:
            breaker = self._breaker(source)
            if count_for_breaker:
                breaker.failures += 1
                breaker.last_reason = reason
                if breaker.failures >= self.config.breaker_failures:
                    # Half-open after the pause: the next request is the trial, and one more
                    # failure reopens it at once.
                    breaker.open_until = now + self.config.breaker_seconds
                    breaker.failures = self.config.breaker_failures - 1
        self._state.record(source, now, ok=False, reason=reason)


_client: SourceClient | None = None
_client_pid: int | None = None
_client_lock = threading.Lock()


def _read(response: httpx.Response) -> tuple[bytes, bytes | None]:
    """The body, decoded, and, when the server sent it gzip-encoded, the bytes as sent.

    httpx decodes other encodings itself. A transport that hands over a body it has already read
    (httpx's `MockTransport` does) has no bytes as sent left to give: the decoded body only.
    """
    if response.headers.get("Content-Encoding", "").strip().lower() != "gzip" or response.is_stream_consumed:
        return response.read(), None
    sent = b"".join(response.iter_raw())
    try:
        return gzip.decompress(sent), sent
    except (OSError, EOFError, zlib.error) as exc:  # gzip's errors: a bad header, a cut stream
        raise httpx.DecodingError("the gzip body does not decompress", request=response.request) from exc


def get_client() -> SourceClient:
    """The one client of this process (rebuilt in a forked child, whose sockets are not its own)."""
    global _client, _client_pid
    with _client_lock:
        if _client is None or _client_pid != os.getpid():
            _client, _client_pid = SourceClient(), os.getpid()
        return _client


def reset_client() -> None:
    """Forget the process's client (after settings change, and between tests)."""
    global _client
    with _client_lock:
        if _client is not None and _client_pid == os.getpid():
            _client.close()
        _client = None
