"""The canary's HTTP client for one deployment, and what a check returns.

Each check is a small function returning an `Outcome`; `CanaryClient.check` times it and turns
it into a `CheckResult`. Nothing here raises on an HTTP problem: a refused connection, a timeout
or an unexpected status is a failed check with a detail saying what happened.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

TOKEN_ENV = "PMRESEARCH_CANARY_TOKEN"  # noqa: S105 (the variable's name, not a secret)
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_ANALYSIS_TIMEOUT_S = 600.0
STATUS_PATH = "/api/rollout/phase7/status"
STATUS_KEYS = ("metrics", "gates", "feature_flags")
MAX_DETAIL_BODY = 200


@dataclass(frozen=True)
class CheckResult:
    stage: str
    name: str
    passed: bool
    detail: str
    duration_s: float
    data: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'} {self.stage} {self.name} — {self.detail}"


@dataclass(frozen=True)
class Outcome:
    """What a check function returns; `CanaryClient.check` adds the stage, name and timing."""

    passed: bool
    detail: str
    data: dict[str, Any] = field(default_factory=dict)


def ok(detail: str, **data: Any) -> Outcome:
    return Outcome(True, detail, data)


def fail(detail: str, **data: Any) -> Outcome:
    return Outcome(False, detail, data)


class CheckFailed(Exception):
    """Raised inside a check to stop it with a failed outcome and this message."""


class Unreachable(CheckFailed):
    """The deployment did not accept a connection."""


# --- HTTP ---------------------------------------------------------------------------------


class CanaryClient:
    """An authenticated HTTP client for one deployment; `check` runs one check against it.

    `Canary` (in `rollout.canary.runner`) adds the stages: what to check, in which order.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT_S,
        *,
        analysis_timeout: float = DEFAULT_ANALYSIS_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.analysis_timeout = analysis_timeout
        self._transport = transport
        self.client = httpx.Client(
            base_url=self.base_url,
            headers={
                "Authorization": f"Token {token}",
                "Accept": "application/json",
                "User-Agent": "pmresearch-rollout-canary",
            },
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
        )
        self.results: list[CheckResult] = []
        self.on_result: Callable[[CheckResult], None] | None = None
        self._unreachable: dict[str, str] = {}
        self._status: dict[int, dict[str, Any] | str] = {}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    # Requests ----------------------------------------------------------------------------

    def anonymous_client(self) -> httpx.Client:
        """A client with no token and no cookies, for the pages' login protection."""
        return httpx.Client(
            timeout=self.timeout,
            follow_redirects=False,
            transport=self._transport,
            headers={"User-Agent": "pmresearch-rollout-canary"},
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        client: httpx.Client | None = None,
        timeout: float | httpx.Timeout | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request; a connection problem or a timeout raises CheckFailed with a clear detail."""
        client = client or self.client
        full = url if url.startswith(("http://", "https://")) else f"{self.base_url}{url}"
        origin = _origin(full)
        if origin in self._unreachable:
            raise Unreachable(f"not tried: {self._unreachable[origin]}")
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            return client.request(method, full, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            self._unreachable[origin] = f"cannot connect to {origin} ({type(exc).__name__}: {exc})"
            raise Unreachable(self._unreachable[origin]) from exc
        except httpx.TimeoutException as exc:
            raise CheckFailed(f"{method} {_path(full)}: no answer in time ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise CheckFailed(f"{method} {_path(full)}: {type(exc).__name__}: {exc}") from exc

    def get_json(self, path: str, *, expect: int = 200, **kwargs: Any) -> Any:
        response = self.request("GET", path, **kwargs)
        expect_status(response, expect)
        return response_json(response)

    def sse_request(self, method: str, path: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Every (event, data) of a server-sent-event response, read to its end.

        A non-200 answer, a connection problem or a stall longer than the analysis timeout
        raises CheckFailed.
        """
        full = f"{self.base_url}{path}"
        origin = _origin(full)
        if origin in self._unreachable:
            raise Unreachable(f"not tried: {self._unreachable[origin]}")
        timeout = httpx.Timeout(self.timeout, read=self.analysis_timeout)
        headers = {"Accept": "text/event-stream"}
        try:
            with self.client.stream(method, full, headers=headers, timeout=timeout, **kwargs) as response:
                if response.status_code != 200:
                    response.read()
                    expect_status(response, 200)
                return list(parse_sse(response.iter_lines()))
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            self._unreachable[origin] = f"cannot connect to {origin} ({type(exc).__name__}: {exc})"
            raise Unreachable(self._unreachable[origin]) from exc
        except httpx.TimeoutException as exc:
            raise CheckFailed(
                f"{method} {path}: the stream stalled for more than {self.analysis_timeout:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise CheckFailed(f"{method} {path}: stream broken: {type(exc).__name__}: {exc}") from exc

    def status(self, window_hours: int) -> dict[str, Any]:
        """The rollout status payload for a window, fetched once per run (failures too)."""
        if window_hours not in self._status:
            try:
                payload = self.get_json(STATUS_PATH, params={"window_hours": window_hours})
                missing = [key for key in STATUS_KEYS if not isinstance(payload, dict) or key not in payload]
                if missing:
                    raise CheckFailed(f"GET {STATUS_PATH} answered without {', '.join(missing)}")
                self._status[window_hours] = payload
            except CheckFailed as exc:
                self._status[window_hours] = str(exc)
        cached = self._status[window_hours]
        if isinstance(cached, str):
            raise CheckFailed(f"rollout status unavailable: {cached}")
        return cached

    def posture(self, window_hours: int) -> dict[str, bool]:
        flags = self.status(window_hours).get("feature_flags")
        if not isinstance(flags, dict):
            raise CheckFailed("rollout status has no feature_flags object")
        return flags

    # Checks -----------------------------------------------------------------------------

    def check(self, stage: str, name: str, fn: Callable[[], Outcome]) -> CheckResult:
        """Run one check; whatever goes wrong becomes a failed result, never an exception."""
        started = time.perf_counter()
        try:
            outcome = fn()
        except CheckFailed as exc:
            outcome = fail(str(exc))
        except Exception as exc:  # a canary reports, it does not crash mid-run
            outcome = fail(f"unexpected error: {type(exc).__name__}: {exc}")
        result = CheckResult(
            stage=stage,
            name=name,
            passed=outcome.passed,
            detail=outcome.detail,
            duration_s=round(time.perf_counter() - started, 3),
            data=outcome.data,
        )
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return result


# --- Response helpers ---------------------------------------------------------------------


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def describe(response: httpx.Response) -> str:
    """`GET /path → 404: No analysis of X yet.`, with a hint for the auth failures."""
    request = response.request
    text = f"{request.method} {_path(str(request.url))} → {response.status_code}"
    body = error_text(response)
    if body:
        text += f": {body}"
    if response.status_code == 401:
        text += f" (the token was refused: check --token or {TOKEN_ENV})"
    elif response.status_code == 403:
        text += " (the token's user lacks the role: the canary needs a PM or an admin)"
    elif response.status_code == 404 and not body:
        text += " (route missing: is this release deployed?)"
    return text


def error_text(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if isinstance(payload, dict) and "detail" in payload:
        return str(payload["detail"])[:MAX_DETAIL_BODY]
    content_type = response.headers.get("content-type", "")
    if "html" in content_type:
        return ""
    return response.text.strip()[:MAX_DETAIL_BODY]


def expect_status(response: httpx.Response, *expected: int) -> None:
    if response.status_code not in expected:
        raise CheckFailed(describe(response))


def response_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise CheckFailed(
            f"{response.request.method} {_path(str(response.request.url))} → "
            f"{response.status_code} but the body is not JSON"
        ) from exc


def require_keys(payload: Any, keys: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise CheckFailed(f"{what}: expected a JSON object, got {type(payload).__name__}")
    missing = [key for key in keys if key not in payload]
    if missing:
        raise CheckFailed(f"{what}: missing {', '.join(missing)}")
    return payload


def parse_sse(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event, data) pairs from server-sent-event lines; data is JSON when it parses."""
    event, data = "message", []
    for line in lines:
        if line == "":
            if data:
                yield event, _maybe_json("\n".join(data))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield event, _maybe_json("\n".join(data))


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
