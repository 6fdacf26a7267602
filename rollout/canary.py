"""Phase 7 rollout canary: an HTTP client that checks a running deployment stage by stage.

What each stage checks follows the upgrade plan's runbook (`manage.py rollout_canary`):

- preflight: `/health` healthy, the rollout status payload, every flag's posture, the
  signal-contract schema.
- stage_a: the Stage A gate, the Stage A flag posture, reliability bins.
- stage_b: the Stage B gate, alert rule create/read/delete on a throw-away ticker (legacy and,
  when ALERTS_V2_ENABLED, v2), cleaned up even when a step fails.
- stage_c: a throw-away watchlist analysed over SSE (done, and opportunities when
  WATCHLIST_RANKING_ENABLED), the same tickers analysed one after another, the speed-up.
- stage_d: the PM-critical APIs, the login page and the dashboard's protection.

Each check is a small function returning an `Outcome`; `Canary.check` times it and turns it
into a `CheckResult`. Nothing here raises on an HTTP problem: a refused connection, a timeout
or an unexpected status is a failed check with a detail saying what happened. The module uses
no database and no Django model: it only talks HTTP to the deployment under test.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import string
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from rollout.flags import Flag

STAGES = ("preflight", "stage_a", "stage_b", "stage_c", "stage_d")
ALL_STAGES = "all"
TOKEN_ENV = "PMRESEARCH_CANARY_TOKEN"  # noqa: S105 (the variable's name, not a secret)
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_ANALYSIS_TIMEOUT_S = 600.0
DEFAULT_STAGE_C_TICKERS = ("AAPL", "MSFT", "NVDA", "JPM")
DEFAULT_REQUIRED_SPEEDUP = 2.0
# The runbook reads the status over 24 hours at preflight and over 72 hours at stages A-D.
PREFLIGHT_WINDOW_HOURS = 24
STAGE_WINDOW_HOURS = 72

STATUS_PATH = "/api/rollout/phase7/status"
STATUS_KEYS = ("metrics", "gates", "feature_flags")
STAGE_A_POSTURE = {
    Flag.SCHEDULED_SIGNAL_CONTRACT_V2.value: True,
    Flag.SCHEDULED_CALIBRATION_ECONOMICS.value: True,
    Flag.SIGNAL_CONTRACT_V2.value: False,
    Flag.CALIBRATION_ECONOMICS.value: False,
}
# Throw-away alert rules: never-firing thresholds on a random symbol no one holds.
THROWAWAY_PREFIX = "ZQ"
LEGACY_RULE = {"rule_type": "score_above", "threshold": 99.0}
V2_RULE = {"rule_type": "ev_above", "threshold": 99.0}
WATCHLIST_PREFIX = "canary"
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
    """What a check function returns; `Canary.check` adds the stage, name and timing."""

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


@dataclass(frozen=True)
class CanaryOptions:
    window_hours: int | None = None  # None: the runbook's window for each stage
    stage_c_tickers: tuple[str, ...] = DEFAULT_STAGE_C_TICKERS
    stage_c_agents: str | None = None
    stage_c_required_speedup: float = DEFAULT_REQUIRED_SPEEDUP
    frontend_url: str | None = None  # None: the base URL (Django serves the pages)

    def window_for(self, stage: str) -> int:
        if self.window_hours is not None:
            return self.window_hours
        return PREFLIGHT_WINDOW_HOURS if stage == "preflight" else STAGE_WINDOW_HOURS


def expand_stages(stage: str) -> tuple[str, ...]:
    if stage == ALL_STAGES:
        return STAGES
    if stage not in STAGES:
        raise ValueError(f"Unknown stage '{stage}': use one of {', '.join((*STAGES, ALL_STAGES))}.")
    return (stage,)


# --- HTTP ---------------------------------------------------------------------------------


class Canary:
    """An authenticated HTTP client for one deployment, and the checks run against it."""

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

    def __enter__(self) -> Canary:
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

    def run(
        self,
        stages: tuple[str, ...],
        options: CanaryOptions,
        on_result: Callable[[CheckResult], None] | None = None,
    ) -> list[CheckResult]:
        """Every check of `stages`, in order; `on_result` sees each result as it comes."""
        before = len(self.results)
        self.on_result = on_result
        try:
            for stage in stages:
                STAGE_RUNNERS[stage](self, options)
        finally:
            self.on_result = None
        return self.results[before:]


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
    body = _error_text(response)
    if body:
        text += f": {body}"
    if response.status_code == 401:
        text += f" (the token was refused: check --token or {TOKEN_ENV})"
    elif response.status_code == 403:
        text += " (the token's user lacks the role: the canary needs a PM or an admin)"
    elif response.status_code == 404 and not body:
        text += " (route missing: is this release deployed?)"
    return text


def _error_text(response: httpx.Response) -> str:
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


def throwaway_ticker() -> str:
    """A valid symbol (five letters) no one holds or analyses: ZQ plus three random letters."""
    return THROWAWAY_PREFIX + "".join(secrets.choice(string.ascii_uppercase) for _ in range(3))


def throwaway_watchlist_name() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{WATCHLIST_PREFIX}-{stamp}-{secrets.token_hex(3)}"


def _format_flags(flags: dict[str, Any], names: list[str]) -> str:
    on = [name for name in names if flags.get(name) is True]
    off = [name for name in names if flags.get(name) is False]
    return f"on: {', '.join(on) or 'none'}; off: {', '.join(off) or 'none'}"


# --- Preflight ----------------------------------------------------------------------------


def check_health(canary: Canary) -> Outcome:
    response = canary.request("GET", "/health")
    body = response_json(response) if "json" in response.headers.get("content-type", "") else {}
    status = body.get("status") if isinstance(body, dict) else None
    facts = (
        f"status {status}, database_connected={body.get('database_connected')}, "
        f"schema_up_to_date={body.get('schema_up_to_date')}, broker={body.get('broker_reachable')}, "
        f"version {body.get('version')}"
        if isinstance(body, dict)
        else ""
    )
    if response.status_code == 200 and status == "healthy":
        return ok(f"GET /health → 200, {facts}", health=body)
    return fail(f"GET /health → {response.status_code}, {facts or 'no JSON body'}", health=body)


def check_status_payload(canary: Canary, window_hours: int) -> Outcome:
    payload = canary.status(window_hours)
    gates = payload.get("gates") or {}
    summary = ", ".join(
        f"{name}={'pass' if isinstance(gate, dict) and gate.get('passed') else 'fail'}"
        for name, gate in gates.items()
    )
    return ok(
        f"GET {STATUS_PATH}?window_hours={window_hours} → 200 with {', '.join(STATUS_KEYS)}; "
        f"gates: {summary or 'none'}",
        window_hours=window_hours,
    )


def check_flag_posture(canary: Canary, window_hours: int) -> Outcome:
    flags = canary.posture(window_hours)
    expected = [flag.value for flag in Flag]
    missing = [name for name in expected if name not in flags]
    not_bool = [name for name in expected if name in flags and not isinstance(flags[name], bool)]
    listed = _format_flags(flags, expected)
    if missing or not_bool:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if not_bool:
            problems.append(f"not true/false: {', '.join(not_bool)}")
        return fail(f"{'; '.join(problems)}; {listed}", feature_flags=flags)
    return ok(f"all {len(expected)} flags listed; {listed}", feature_flags=flags)


def check_contract_schema(canary: Canary) -> Outcome:
    path = "/api/schemas/signal-contract-v2.json"
    schema = canary.get_json(path)
    if not isinstance(schema, dict) or not ("properties" in schema or "$schema" in schema):
        return fail(f"GET {path} → 200 but the body is not a JSON Schema")
    title = schema.get("title") or schema.get("$id") or "untitled"
    return ok(f"GET {path} → 200, JSON Schema '{title}' with {len(schema.get('properties', {}))} properties")


def run_preflight(canary: Canary, options: CanaryOptions) -> None:
    window = options.window_for("preflight")
    canary.check("preflight", "health", lambda: check_health(canary))
    canary.check("preflight", "rollout_status", lambda: check_status_payload(canary, window))
    canary.check("preflight", "flag_posture", lambda: check_flag_posture(canary, window))
    canary.check("preflight", "contract_schema", lambda: check_contract_schema(canary))


# --- Stage gates (A and B) ----------------------------------------------------------------


def check_gate(canary: Canary, gate_name: str, window_hours: int) -> Outcome:
    gates = canary.status(window_hours).get("gates")
    gate = gates.get(gate_name) if isinstance(gates, dict) else None
    if not isinstance(gate, dict):
        return fail(f"rollout status over {window_hours} h has no gates.{gate_name}")
    checks = [c for c in gate.get("checks") or [] if isinstance(c, dict)]
    failing = [c for c in checks if not c.get("passed")]
    manual = gate.get("manual_checks") or []
    manual_note = f"; {len(manual)} manual check(s) left to a person" if manual else ""
    if gate.get("passed") is True:
        return ok(
            f"gates.{gate_name}.passed over {window_hours} h ({len(checks)} check(s) passing){manual_note}",
            gate=gate,
        )
    reasons = "; ".join(_describe_gate_check(c) for c in failing) or "passed is not true"
    return fail(f"gates.{gate_name} not passed over {window_hours} h: {reasons}{manual_note}", gate=gate)


def _describe_gate_check(check: dict[str, Any]) -> str:
    text = f"{check.get('name', '?')} actual {check.get('actual')} vs threshold {check.get('threshold')}"
    if check.get("detail"):
        text += f" ({check['detail']})"
    return text


def check_stage_a_posture(canary: Canary, window_hours: int) -> Outcome:
    flags = canary.posture(window_hours)
    wrong = [
        f"{name} is {flags.get(name)} (want {str(want).lower()})"
        for name, want in STAGE_A_POSTURE.items()
        if flags.get(name) is not want
    ]
    listed = ", ".join(f"{name}={str(flags.get(name)).lower()}" for name in STAGE_A_POSTURE)
    if wrong:
        return fail("Stage A posture wrong: " + "; ".join(wrong))
    return ok(f"scheduled overrides on, globals off: {listed}")


def check_reliability(canary: Canary) -> Outcome:
    path = "/api/calibration/reliability?horizon_days=7"
    payload = require_keys(canary.get_json(path), ("bins",), f"GET {path}")
    bins = payload["bins"]
    if not isinstance(bins, list):
        return fail(f"GET {path} → 200 but bins is not a list")
    filled = sum(1 for b in bins if isinstance(b, dict) and (b.get("sample_size") or 0) > 0)
    return ok(
        f"GET {path} → 200, {len(bins)} bin(s), {filled} with samples, "
        f"total_samples {payload.get('total_samples')}, as of {payload.get('as_of_date')}"
    )


def run_stage_a(canary: Canary, options: CanaryOptions) -> None:
    window = options.window_for("stage_a")
    canary.check("stage_a", "stage_a_gate", lambda: check_gate(canary, "stage_a", window))
    canary.check("stage_a", "stage_a_flag_posture", lambda: check_stage_a_posture(canary, window))
    canary.check("stage_a", "reliability_bins", lambda: check_reliability(canary))


# --- Stage B: alert CRUD ------------------------------------------------------------------


class AlertProbe:
    """Alert rules made on one throw-away ticker, and their removal."""

    def __init__(self, canary: Canary, window_hours: int) -> None:
        self.canary = canary
        self.window_hours = window_hours
        self.ticker = throwaway_ticker()
        self.created: list[int] = []

    def alerts_v2_enabled(self) -> tuple[bool, str]:
        try:
            return self.canary.posture(self.window_hours)[Flag.ALERTS_V2.value] is True, "rollout status"
        except (CheckFailed, KeyError):
            listing = self.canary.get_json("/api/alerts", params={"ticker": self.ticker})
            return bool(
                require_keys(listing, ("alerts_v2_enabled",), "GET /api/alerts")["alerts_v2_enabled"]
            ), "GET /api/alerts"

    def create_and_read(self, rule: dict[str, Any]) -> dict[str, Any]:
        response = self.canary.request("POST", "/api/alerts", json={"ticker": self.ticker, **rule})
        expect_status(response, 201)
        created = require_keys(response_json(response), ("id",), "POST /api/alerts")
        self.created.append(int(created["id"]))
        stored = require_keys(
            self.canary.get_json(f"/api/alerts/{created['id']}"), ("rule_type",), "GET /api/alerts/{id}"
        )
        for key in ("ticker", "rule_type", "threshold"):
            want = self.ticker if key == "ticker" else rule[key]
            if stored.get(key) != want:
                raise CheckFailed(
                    f"rule #{created['id']} read back with {key}={stored.get(key)!r}, not {want!r}"
                )
        return stored

    def check_legacy(self) -> Outcome:
        stored = self.create_and_read(LEGACY_RULE)
        return ok(
            f"created and read back {stored['rule_type']} {LEGACY_RULE['threshold']:g} "
            f"(#{stored['id']}) on {self.ticker}"
        )

    def check_v2(self) -> Outcome:
        enabled, source = self.alerts_v2_enabled()
        if enabled:
            stored = self.create_and_read(V2_RULE)
            return ok(
                f"ALERTS_V2_ENABLED on ({source}): created and read back {stored['rule_type']} "
                f"{V2_RULE['threshold']:g} (#{stored['id']}) on {self.ticker}"
            )
        response = self.canary.request("POST", "/api/alerts", json={"ticker": self.ticker, **V2_RULE})
        if response.status_code in (200, 201):
            body = response.json() if "json" in response.headers.get("content-type", "") else {}
            if isinstance(body, dict) and "id" in body:
                self.created.append(int(body["id"]))
            return fail(f"ALERTS_V2_ENABLED off ({source}) yet a v2 {V2_RULE['rule_type']} rule was accepted")
        message = _error_text(response)
        if response.status_code == 400 and Flag.ALERTS_V2.value in message:
            return ok(
                f"ALERTS_V2_ENABLED off ({source}): {V2_RULE['rule_type']} refused with 400 naming the flag"
            )
        return fail(
            f"ALERTS_V2_ENABLED off ({source}): expected a 400 naming the flag, got {describe(response)}"
        )

    def check_cleanup(self) -> Outcome:
        """Delete what this run made, then anything else left on the throw-away ticker."""
        deleted, problems = [], []
        for rule_id in self.created:
            try:
                response = self.canary.request("DELETE", f"/api/alerts/{rule_id}")
                if response.status_code == 200 and response_json(response).get("deleted_id") == rule_id:
                    deleted.append(rule_id)
                else:
                    problems.append(describe(response))
            except CheckFailed as exc:
                problems.append(str(exc))
        leftovers = self._leftovers(problems)
        if leftovers:
            problems.append(f"still there: {', '.join(f'#{i}' for i in leftovers)}")
        if problems:
            shown = ", ".join(f"#{i}" for i in deleted) or "none"
            return fail(f"on {self.ticker}: deleted {shown}; " + "; ".join(problems))
        if not self.created:
            return ok(f"nothing was created on {self.ticker}; none left")
        return ok(f"deleted {', '.join(f'#{i}' for i in deleted)} on {self.ticker}; none left")

    def _leftovers(self, problems: list[str]) -> list[int]:
        try:
            listing = self.canary.get_json("/api/alerts", params={"ticker": self.ticker})
            rules = require_keys(listing, ("rules",), "GET /api/alerts")["rules"]
        except CheckFailed as exc:
            problems.append(f"could not list the rules left: {exc}")
            return []
        left = []
        for rule in rules:
            rule_id = rule.get("id")
            try:
                response = self.canary.request("DELETE", f"/api/alerts/{rule_id}")
                if response.status_code != 200:
                    left.append(rule_id)
            except CheckFailed:
                left.append(rule_id)
        return left


def run_stage_b(canary: Canary, options: CanaryOptions) -> None:
    window = options.window_for("stage_b")
    canary.check("stage_b", "stage_b_gate", lambda: check_gate(canary, "stage_b", window))
    probe = AlertProbe(canary, window)
    try:
        canary.check("stage_b", "alert_legacy_rule_crud", probe.check_legacy)
        canary.check("stage_b", "alert_v2_rule_crud", probe.check_v2)
    finally:
        canary.check("stage_b", "alert_cleanup", probe.check_cleanup)


# --- Stage C: watchlist SSE against sequential analyses -----------------------------------


class WatchlistProbe:
    """A throw-away watchlist analysed over SSE, then the same tickers one after another.

    Before the timed run, an untimed run of the first ticker alone starts what a server
    starts on its first watchlist run (the engine worker processes), as a benchmark's
    warm-up would. The watchlist runs first, so the sequential baseline gets whatever
    caches it warmed: the measured speed-up is a lower bound.
    """

    def __init__(self, canary: Canary, options: CanaryOptions) -> None:
        self.canary = canary
        self.options = options
        self.tickers = options.stage_c_tickers
        self.name = throwaway_watchlist_name()
        self.watchlist_id: int | None = None
        self.watchlist_s: float | None = None
        self.sequential_s: float | None = None

    def _agents_params(self) -> dict[str, str]:
        return {"agents": self.options.stage_c_agents} if self.options.stage_c_agents else {}

    def check_create(self) -> Outcome:
        response = self.canary.request("POST", "/api/watchlists", json={"name": self.name})
        expect_status(response, 201)
        body = require_keys(response_json(response), ("id",), "POST /api/watchlists")
        self.watchlist_id = int(body["id"])
        self._add(self.tickers[0])
        started = time.perf_counter()
        warm_up = self.canary.sse_request(
            "POST", f"/api/watchlists/{self.watchlist_id}/analyze", params=self._agents_params()
        )
        warm_up_s = time.perf_counter() - started
        if not any(name == "done" for name, _ in warm_up):
            return fail(f"the warm-up run of {self.tickers[0]} ended without a done event")
        for ticker in self.tickers[1:]:
            self._add(ticker)
        return ok(
            f"watchlist '{self.name}' (#{self.watchlist_id}) with {', '.join(self.tickers)}; "
            f"untimed warm-up run of {self.tickers[0]} in {warm_up_s:.2f} s"
        )

    def _add(self, ticker: str) -> None:
        added = self.canary.request(
            "POST", f"/api/watchlists/{self.watchlist_id}/tickers", json={"ticker": ticker}
        )
        expect_status(added, 200, 201)

    def check_sse(self) -> Outcome:
        if self.watchlist_id is None:
            return fail("not run: no watchlist was created")
        try:
            ranking = self.canary.posture(self.options.window_for("stage_c")).get(
                Flag.WATCHLIST_RANKING.value
            )
            unknown = ""
        except CheckFailed as exc:  # still measure the stream: the speed-up needs its time
            ranking, unknown = None, str(exc)
        started = time.perf_counter()
        events = self.canary.sse_request(
            "POST", f"/api/watchlists/{self.watchlist_id}/analyze", params=self._agents_params()
        )
        self.watchlist_s = time.perf_counter() - started
        results = sum(1 for name, _ in events if name == "result")
        errors = [data for name, data in events if name == "error"]
        done = [data for name, data in events if name == "done"]
        facts = f"{results} result(s), {len(errors)} error(s) in {self.watchlist_s:.2f} s"
        data = {"results": results, "errors": len(errors), "watchlist_s": round(self.watchlist_s, 3)}
        if not done:
            return fail(f"no done event; {facts}", **data)
        opportunities = done[-1].get("opportunities") if isinstance(done[-1], dict) else None
        count = len(opportunities) if isinstance(opportunities, list) else 0
        data["opportunities"] = count
        problems = []
        if errors:
            problems.append("errors: " + "; ".join(_error_event_text(e) for e in errors[:3]))
        if results != len(self.tickers):
            problems.append(f"expected {len(self.tickers)} result(s)")
        if ranking is True and count == 0:
            problems.append("WATCHLIST_RANKING_ENABLED is on but done has no opportunities")
        if unknown and count == 0:
            problems.append(f"no opportunities, and WATCHLIST_RANKING_ENABLED is unknown ({unknown})")
        if problems:
            return fail(f"done; {facts}; " + "; ".join(problems), **data)
        ranked = f"{count} opportunities" if count else "WATCHLIST_RANKING_ENABLED off: none required"
        return ok(f"done; {facts}; {ranked}", **data)

    def check_sequential(self) -> Outcome:
        started = time.perf_counter()
        timeout = httpx.Timeout(self.canary.timeout, read=self.canary.analysis_timeout)
        for ticker in self.tickers:
            response = self.canary.request(
                "POST", f"/api/analyze/{ticker}", params=self._agents_params(), timeout=timeout
            )
            expect_status(response, 200)
        self.sequential_s = time.perf_counter() - started
        return ok(
            f"{len(self.tickers)} analyses one after another in {self.sequential_s:.2f} s",
            sequential_s=round(self.sequential_s, 3),
        )

    def check_speedup(self) -> Outcome:
        if self.watchlist_s is None or self.sequential_s is None:
            return fail("not measured: the watchlist or the sequential run failed")
        speedup = self.sequential_s / max(self.watchlist_s, 1e-6)
        required = self.options.stage_c_required_speedup
        data = {
            "watchlist_s": round(self.watchlist_s, 3),
            "sequential_s": round(self.sequential_s, 3),
            "speedup": round(speedup, 3),
            "required_speedup": required,
        }
        detail = (
            f"speed-up {speedup:.2f}x (sequential {self.sequential_s:.2f} s / watchlist "
            f"{self.watchlist_s:.2f} s), required ≥ {required:g}x"
        )
        return ok(detail, **data) if speedup >= required else fail(detail, **data)

    def check_cleanup(self) -> Outcome:
        if self.watchlist_id is None:
            return ok("no watchlist was created; nothing to delete")
        response = self.canary.request("DELETE", f"/api/watchlists/{self.watchlist_id}")
        expect_status(response, 200, 204)
        gone = self.canary.request("GET", f"/api/watchlists/{self.watchlist_id}")
        if gone.status_code != 404:
            return fail(f"deleted, but GET /api/watchlists/{self.watchlist_id} → {gone.status_code}")
        return ok(f"deleted watchlist '{self.name}' (#{self.watchlist_id})")


def _error_event_text(data: Any) -> str:
    if isinstance(data, dict):
        return f"{data.get('ticker', '?')}: {data.get('error') or data.get('detail') or data}"[:120]
    return str(data)[:120]


def run_stage_c(canary: Canary, options: CanaryOptions) -> None:
    probe = WatchlistProbe(canary, options)
    try:
        canary.check("stage_c", "watchlist_create", probe.check_create)
        canary.check("stage_c", "watchlist_sse", probe.check_sse)
        canary.check("stage_c", "sequential_analyses", probe.check_sequential)
        canary.check("stage_c", "watchlist_speedup", probe.check_speedup)
    finally:
        canary.check("stage_c", "watchlist_cleanup", probe.check_cleanup)


# --- Stage D: PM-critical APIs and pages --------------------------------------------------


def check_api(canary: Canary, path: str, keys: tuple[str, ...] = (), *, allow_404: bool = False) -> Outcome:
    response = canary.request("GET", path)
    if allow_404 and response.status_code == 404:
        return ok(f"GET {path} → 404 (no analysis yet; allowed)")
    expect_status(response, 200)
    require_keys(response_json(response), keys, f"GET {path}")
    return ok(f"GET {path} → 200" + (f" with {', '.join(keys)}" if keys else ""))


def check_login_page(canary: Canary, frontend: str) -> Outcome:
    with canary.anonymous_client() as client:
        response = canary.request("GET", f"{frontend}/accounts/login/", client=client)
    if response.status_code != 200:
        return fail(f"GET {frontend}/accounts/login/ → {response.status_code}")
    return ok(f"GET {frontend}/accounts/login/ → 200")


def check_dashboard_protected(canary: Canary, frontend: str) -> Outcome:
    with canary.anonymous_client() as client:
        response = canary.request("GET", f"{frontend}/", client=client)
    location = response.headers.get("location", "")
    if response.status_code in (301, 302, 303, 307, 308) and "/accounts/login/" in location:
        return ok(f"GET {frontend}/ without a session → {response.status_code} to {location}")
    return fail(
        f"GET {frontend}/ without a session → {response.status_code}"
        + (f" to {location}" if location else "")
        + ", expected a redirect to /accounts/login/"
    )


def run_stage_d(canary: Canary, options: CanaryOptions) -> None:
    stage = "stage_d"
    analysed: list[str] = []

    def tickers() -> Outcome:
        payload = require_keys(
            canary.get_json("/api/analysis/tickers"), ("tickers",), "GET /api/analysis/tickers"
        )
        analysed.extend(str(t) for t in payload["tickers"] or [])
        return ok(f"GET /api/analysis/tickers → 200, {len(analysed)} analysed ticker(s)")

    canary.check(stage, "api_analysis_tickers", tickers)
    ticker = analysed[0] if analysed else options.stage_c_tickers[0]
    canary.check(
        stage,
        "api_analysis_latest",
        lambda: check_api(canary, f"/api/analysis/{ticker}/latest", ("ticker",), allow_404=not analysed),
    )
    canary.check(
        stage,
        "api_analysis_history",
        lambda: check_api(canary, f"/api/analysis/{ticker}/history", ("analyses",)),
    )
    canary.check(stage, "api_portfolio", lambda: check_api(canary, "/api/portfolio"))
    canary.check(stage, "api_alerts", lambda: check_api(canary, "/api/alerts", ("rules",)))
    canary.check(
        stage, "api_notifications_count", lambda: check_api(canary, "/api/alerts/notifications/count")
    )
    canary.check(stage, "api_watchlists", lambda: check_api(canary, "/api/watchlists"))
    canary.check(stage, "api_calibration_summary", lambda: check_api(canary, "/api/calibration/summary"))
    frontend = (options.frontend_url or canary.base_url).rstrip("/")
    canary.check(stage, "login_page", lambda: check_login_page(canary, frontend))
    canary.check(stage, "dashboard_protected", lambda: check_dashboard_protected(canary, frontend))


STAGE_RUNNERS: dict[str, Callable[[Canary, CanaryOptions], None]] = {
    "preflight": run_preflight,
    "stage_a": run_stage_a,
    "stage_b": run_stage_b,
    "stage_c": run_stage_c,
    "stage_d": run_stage_d,
}


# --- Report -------------------------------------------------------------------------------


def summary_line(results: list[CheckResult]) -> str:
    return f"{sum(r.passed for r in results)}/{len(results)} checks passed"


def report(base_url: str, stages: tuple[str, ...], results: list[CheckResult]) -> dict[str, Any]:
    return {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(),
        "base_url": base_url,
        "stages": list(stages),
        "checks": [asdict(result) for result in results],
        "passed": sum(result.passed for result in results),
        "total": len(results),
    }
