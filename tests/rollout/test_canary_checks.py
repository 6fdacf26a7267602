"""The canary's checks against a scripted deployment (httpx.MockTransport): the failure paths
a healthy live server never shows."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from core.flags import Flag
from rollout.canary import Canary, CanaryOptions, CheckResult, WatchlistProbe, parse_sse

Handler = Callable[[httpx.Request], httpx.Response]


def status_payload(flags: dict[str, bool] | None = None, **gates: dict[str, Any]) -> dict[str, Any]:
    posture = {flag.value: False for flag in Flag}
    posture.update(flags or {})
    default_gate = {"passed": True, "checks": [], "manual_checks": []}
    return {
        "generated_at": "2026-03-02T15:00:00Z",
        "window_hours": 72,
        "metrics": {},
        "gates": {
            name: gates.get(name, default_gate) for name in ("stage_a", "stage_b", "stage_c", "stage_d")
        },
        "feature_flags": posture,
    }


def run(stage: str, handler: Handler, options: CanaryOptions | None = None) -> dict[str, CheckResult]:
    with Canary("http://canary.test", "tok", transport=httpx.MockTransport(handler)) as canary:
        results = canary.run((stage,), options or CanaryOptions())
    return {r.name: r for r in results}


class AlertServer:
    """Alert endpoints of a deployment whose read-back of a new rule breaks."""

    def __init__(
        self,
        *,
        read_back: int = 500,
        alerts_v2: bool = True,
        refusal: str | None = None,
        create_status: int = 200,
    ) -> None:
        self.rules: dict[int, dict[str, Any]] = {}
        self.read_back = read_back
        self.alerts_v2 = alerts_v2
        self.refusal = refusal  # the 400 detail for a v2 type, or None to accept it
        self.create_status = create_status
        self.deleted: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Token tok"
        path = request.url.path
        if path == "/api/rollout/phase7/status":
            return httpx.Response(200, json=status_payload({"ALERTS_V2_ENABLED": self.alerts_v2}))
        if path == "/api/alerts" and request.method == "POST":
            rule_id = len(self.rules) + len(self.deleted) + 1
            body = json.loads(request.content)
            if self.refusal is not None and body["rule_type"] == "ev_above":
                return httpx.Response(400, json={"detail": self.refusal})
            self.rules[rule_id] = {"id": rule_id, "threshold": None, "enabled": True, **body}
            return httpx.Response(self.create_status, json=self.rules[rule_id])
        if path == "/api/alerts":
            ticker = request.url.params["ticker"]
            return httpx.Response(
                200, json={"rules": [r for r in self.rules.values() if r["ticker"] == ticker]}
            )
        rule_id = int(path.rsplit("/", 1)[1])
        if request.method == "DELETE":
            del self.rules[rule_id]
            self.deleted.append(rule_id)
            return httpx.Response(200, json={"success": True, "deleted_id": rule_id})
        if self.read_back != 200:
            return httpx.Response(self.read_back, json={"detail": "Internal server error."})
        return httpx.Response(200, json=self.rules[rule_id])


def test_it_deletes_the_throwaway_rules_even_when_a_read_back_fails() -> None:
    server = AlertServer(read_back=500)
    results = run("stage_b", server)
    assert not results["alert_legacy_rule_crud"].passed
    assert "GET /api/alerts/1 → 500: Internal server error." in results["alert_legacy_rule_crud"].detail
    assert not results["alert_v2_rule_crud"].passed
    assert results["alert_cleanup"].passed, results["alert_cleanup"].detail
    assert server.deleted == [1, 2]
    assert server.rules == {}


def test_it_fails_when_a_v2_rule_is_accepted_with_the_flag_off_and_still_cleans_it_up() -> None:
    server = AlertServer(read_back=200, alerts_v2=False)
    results = run("stage_b", server)
    assert results["alert_legacy_rule_crud"].passed
    assert not results["alert_v2_rule_crud"].passed
    assert "yet a v2 ev_above rule was accepted" in results["alert_v2_rule_crud"].detail
    assert results["alert_cleanup"].passed
    assert server.rules == {}


LEGACY_ONLY = (
    "Invalid rule_type. Valid: confidence_above, confidence_below, recommendation_change, "
    "score_above, score_below"
)


@pytest.mark.parametrize(
    ("refusal", "passes"),
    [
        (LEGACY_ONLY, True),
        (LEGACY_ONLY + ", ev_above", False),  # refused, yet listed as valid: not the flag's refusal
        ("Something else went wrong", False),
    ],
)
def test_with_the_flag_off_a_v2_rule_must_be_refused_as_not_valid_now(refusal: str, passes: bool) -> None:
    server = AlertServer(read_back=200, alerts_v2=False, refusal=refusal)
    results = run("stage_b", server)
    assert results["alert_legacy_rule_crud"].passed
    assert results["alert_v2_rule_crud"].passed is passes, results["alert_v2_rule_crud"].detail
    assert results["alert_cleanup"].passed


def test_a_create_answering_201_fails_as_the_earlier_clients_would() -> None:
    server = AlertServer(read_back=200, create_status=201)
    results = run("stage_b", server)
    assert not results["alert_legacy_rule_crud"].passed
    assert "POST /api/alerts → 201" in results["alert_legacy_rule_crud"].detail


def test_it_names_the_failing_gate_checks_and_a_wrong_stage_a_posture() -> None:
    gate = {
        "passed": False,
        "checks": [
            {
                "name": "scheduled_run_success_rate",
                "passed": False,
                "actual": 0.9,
                "threshold": 0.99,
                "detail": "",
            },
            {"name": "reliability_non_empty_horizons", "passed": True, "actual": 1, "threshold": 1},
        ],
        "manual_checks": ["No schema regression."],
    }
    flags = {"SCHEDULED_SIGNAL_CONTRACT_V2_ENABLED": True, "SIGNAL_CONTRACT_V2_ENABLED": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/rollout/phase7/status":
            assert request.url.params["window_hours"] == "72"
            return httpx.Response(200, json=status_payload(flags, stage_a=gate))
        return httpx.Response(
            200, json={"horizon_days": 7, "bins": [{"sample_size": 40}, {"sample_size": 0}]}
        )

    results = run("stage_a", handler)
    detail = results["stage_a_gate"].detail
    assert not results["stage_a_gate"].passed
    assert "scheduled_run_success_rate actual 0.9 vs threshold 0.99" in detail
    assert "reliability_non_empty_horizons" not in detail
    assert "1 manual check(s)" in detail
    posture = results["stage_a_flag_posture"]
    assert not posture.passed
    assert "SCHEDULED_CALIBRATION_ECONOMICS_ENABLED is False (want true)" in posture.detail
    assert "SIGNAL_CONTRACT_V2_ENABLED is True (want false)" in posture.detail
    assert results["reliability_bins"].passed
    assert "2 bin(s), 1 with samples" in results["reliability_bins"].detail


class WatchlistServer:
    def __init__(self, *, events: str, ranking: bool = True, stream_status: int = 200) -> None:
        self.events = events
        self.ranking = ranking
        self.stream_status = stream_status
        self.deleted = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        if path == "/api/rollout/phase7/status":
            posture = {"WATCHLIST_RANKING_ENABLED": self.ranking, "SIGNAL_CONTRACT_V2_ENABLED": True}
            return httpx.Response(200, json=status_payload(posture))
        if path == "/api/watchlists" and method == "POST":
            assert re.fullmatch(r"canary-\d{8}-\d{6}-[0-9a-f]{6}", json.loads(request.content)["name"])
            return httpx.Response(200, json={"id": 7, "name": "x", "tickers": []})
        if path == "/api/watchlists/7/tickers":
            ticker = json.loads(request.content)["ticker"]
            return httpx.Response(200, json={"success": True, "ticker": ticker, "watchlist_id": 7})
        if path == "/api/watchlists/7/analyze":
            assert request.url.params["agents"] == "market,technical"
            if self.stream_status != 200:
                return httpx.Response(self.stream_status, json={"detail": "Watchlist x has no tickers yet."})
            return httpx.Response(200, text=self.events, headers={"content-type": "text/event-stream"})
        if path.startswith("/api/analyze/"):
            return httpx.Response(200, json={"success": True})
        if path == "/api/watchlists/7" and method == "DELETE":
            self.deleted = True
            return httpx.Response(200, json={"success": True, "message": "Watchlist 7 deleted"})
        if path == "/api/watchlists/7":
            return httpx.Response(404 if self.deleted else 200, json={"detail": "No watchlist with id 7."})
        raise AssertionError(f"unexpected {method} {path}")


STAGE_C = CanaryOptions(stage_c_tickers=("AAPL", "MSFT"), stage_c_agents="market,technical")


def sse(*events: tuple[str, Any]) -> str:
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def test_it_requires_opportunities_when_ranking_is_on_and_deletes_the_watchlist() -> None:
    server = WatchlistServer(
        events=sse(
            ("result", {"ticker": "AAPL"}), ("result", {"ticker": "MSFT"}), ("done", {"opportunities": []})
        )
    )
    results = run("stage_c", server, STAGE_C)
    assert results["watchlist_create"].passed
    assert not results["watchlist_sse"].passed
    assert "WATCHLIST_RANKING_ENABLED is on but done has no opportunities" in results["watchlist_sse"].detail
    assert results["sequential_analyses"].passed
    assert results["watchlist_cleanup"].passed
    assert server.deleted


def test_it_reports_error_events_and_a_missing_done() -> None:
    server = WatchlistServer(
        events=sse(("result", {"ticker": "AAPL"}), ("error", {"ticker": "MSFT", "detail": "No price data."})),
        ranking=False,
    )
    detail = run("stage_c", server, STAGE_C)["watchlist_sse"].detail
    assert detail.startswith("no done event; 1 result(s), 1 error(s)")


def test_a_stream_refused_before_it_starts_is_a_failed_check_with_the_reason() -> None:
    server = WatchlistServer(events="", stream_status=400)
    results = run("stage_c", server, STAGE_C)
    assert results["watchlist_sse"].detail == (
        "POST /api/watchlists/7/analyze?agents=market%2Ctechnical → 400: Watchlist x has no tickers yet."
    )
    assert results["watchlist_speedup"].detail == "not measured: the watchlist or the sequential run failed"
    assert results["watchlist_cleanup"].passed


def test_the_speedup_is_sequential_time_over_watchlist_time_against_the_required_floor() -> None:
    server = WatchlistServer(
        events=sse(
            ("result", {"ticker": "AAPL"}), ("result", {"ticker": "MSFT"}), ("done", {"opportunities": [{}]})
        )
    )
    options = CanaryOptions(
        stage_c_tickers=("AAPL", "MSFT"), stage_c_agents="market,technical", stage_c_required_speedup=1000.0
    )
    results = run("stage_c", server, options)
    assert results["watchlist_sse"].passed
    assert "1 opportunities" in results["watchlist_sse"].detail
    assert not results["watchlist_speedup"].passed
    assert "required ≥ 1000x" in results["watchlist_speedup"].detail

    with Canary("http://canary.test", "tok", transport=httpx.MockTransport(server)) as canary:
        probe = WatchlistProbe(canary, CanaryOptions(stage_c_required_speedup=2.0))
        probe.watchlist_s, probe.sequential_s = 40.0, 100.0
        passed = probe.check_speedup()
        probe.watchlist_s = 60.0
        short = probe.check_speedup()
    assert passed.passed and passed.data["speedup"] == 2.5
    assert passed.detail == "speed-up 2.50x (sequential 100.00 s / watchlist 40.00 s), required ≥ 2x"
    assert not short.passed and short.data["speedup"] == pytest.approx(1.667, abs=0.001)


def test_it_parses_server_sent_events() -> None:
    lines = [": keep-alive", "", "event: result", 'data: {"a":', "data: 1}", "", "id: 3", "data: plain"]
    assert list(parse_sse(iter(lines))) == [("result", {"a": 1}), ("message", "plain")]


def test_a_timeout_is_a_failed_check_not_an_exception() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    results = run("preflight", handler)
    assert results["health"].detail == "GET /health: no answer in time (ReadTimeout)"
    assert not any(r.passed for r in results.values())
